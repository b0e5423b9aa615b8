-- mart_balanced_scorecard_period: Balanced scorecard per period and scope: customer, internal process, financial, learning & growth.
-- grain: period_type, period_start, scope_type, scope_id
-- column period: Period label: 2026-07 (month), 2026-Q3 (quarter), 2026-S2 (semester), 2026 (year).
-- column ikm_method: Customer: survey method of the headline IKM (the 2017 method when the scope surveyed with it, else 2004); both methods are in the ikm_2017_* and ikm_2004_* columns.
-- column ikm_converted: Customer: headline IKM on the 25-100 scale (of ikm_method).
-- column mutu: Customer: headline IKM grade A-D of that method, on the value rounded to two decimals.
-- column respondents: Customer: SKM respondents behind the headline IKM.
-- column ikm_2017_converted: Customer: IKM of the scope's PermenPANRB 14/2017 respondents (NULL when none), side by side with the 2004 one.
-- column mutu_2017: Customer: grade of ikm_2017_converted on the 2017 bands.
-- column respondents_2017: Customer: respondents surveyed with the 2017 method.
-- column ikm_2004_converted: Customer: IKM of the scope's KepMenPAN 25/2004 respondents (NULL when none): a 2004 unit is never dropped from its agency or province.
-- column mutu_2004: Customer: grade of ikm_2004_converted on the 2004 bands.
-- column respondents_2004: Customer: respondents surveyed with the 2004 method.
-- column complaints_received: Customer: complaints received in the period.
-- column complaints_per_1000_served: Customer: complaints received per 1 000 served queue tickets.
-- column sla_share: Internal process: share of served tickets within the published maximum wait valid on their day.
-- column wait_median_minutes: Internal process: median wait (called - issued) of called tickets.
-- column handled_share: Internal process: complaint closure share, closed / due.
-- column tickets_served: Internal process: queue tickets served (the load behind the rates).
-- column fee_compliance_share: Financial: share of served tickets charged nothing on a free service and at most the tarif.
-- column fees_paid_idr: Financial: fees paid at the counters (IDR).
-- column staff_competence_nrr: Learning & growth (proxy): NRR of unsur U6 kompetensi pelaksana, citizens' view of staff competence (2017 method only).
-- column training_hours_per_staff: Learning & growth: no staff training or HR source is landed, so NULL until one is.
-- column queue_as_of_date: Last day of the queue data the internal-process and financial figures are judged on.
-- column survey_as_of_date: Last day of the survey data the IKM figures are judged on.
-- column complaints_as_of_date: Last day of the complaint data the complaint figures are judged on.
with ikm as (
    select period_type, period_start, scope_type, scope_id, method, ikm_converted, mutu, respondents
    from indicators.ind_ikm_period
    qualify
        row_number()
            over (
                partition by period_type, period_start, scope_type, scope_id
                order by method = 'permenpanrb_14_2017' desc
            )
        = 1
),

by_method as (
    -- Both methods side by side: a scope holding 2017 and 2004 units shows each, never one in place of the other.
    select
        period_type,
        period_start,
        scope_type,
        scope_id,
        any_value(ikm_converted) filter (where method = 'permenpanrb_14_2017') as ikm_2017_converted,
        any_value(mutu) filter (where method = 'permenpanrb_14_2017') as mutu_2017,
        any_value(respondents) filter (where method = 'permenpanrb_14_2017') as respondents_2017,
        any_value(ikm_converted) filter (where method = 'kepmenpan_25_2004') as ikm_2004_converted,
        any_value(mutu) filter (where method = 'kepmenpan_25_2004') as mutu_2004,
        any_value(respondents) filter (where method = 'kepmenpan_25_2004') as respondents_2004
    from indicators.ind_ikm_period
    group by all
),

as_of as (
    select
        any_value(as_of_date) filter (where source = 'queue') as queue_as_of_date,
        any_value(as_of_date) filter (where source = 'survey') as survey_as_of_date,
        any_value(as_of_date) filter (where source = 'complaints') as complaints_as_of_date
    from core.dim_source_as_of
),

competence as (
    -- PermenPANRB 14/2017: U6 kompetensi pelaksana.
    select period_type, period_start, scope_type, scope_id, nrr
    from indicators.ind_ikm_unsur_period
    where method = 'permenpanrb_14_2017' and unsur_no = 6
),

spine as (
    select period_type, period_start, period, scope_type, scope_id from indicators.ind_complaint_period
    union
    select period_type, period_start, period, scope_type, scope_id from indicators.ind_ikm_period
)

select
    k.period_type,
    k.period,
    k.period_start,
    k.scope_type,
    k.scope_id,
    s.scope_name,
    i.method as ikm_method,
    i.ikm_converted,
    i.mutu,
    i.respondents,
    b.ikm_2017_converted,
    b.mutu_2017,
    b.respondents_2017,
    b.ikm_2004_converted,
    b.mutu_2004,
    b.respondents_2004,
    c.complaints_received,
    c.complaints_per_1000_served,
    q.sla_share,
    q.wait_median_minutes,
    c.handled_share,
    c.tickets_served,
    q.fee_compliance_share,
    q.fees_paid_idr,
    m.nrr as staff_competence_nrr,
    cast(null as double) as training_hours_per_staff,
    a.queue_as_of_date,
    a.survey_as_of_date,
    a.complaints_as_of_date
from spine as k
cross join as_of as a
join core.dim_scope as s using (scope_type, scope_id)
left join ikm as i using (period_type, period_start, scope_type, scope_id)
left join by_method as b using (period_type, period_start, scope_type, scope_id)
left join indicators.ind_queue_period as q using (period_type, period_start, scope_type, scope_id)
left join indicators.ind_complaint_period as c using (period_type, period_start, scope_type, scope_id)
left join competence as m using (period_type, period_start, scope_type, scope_id)
