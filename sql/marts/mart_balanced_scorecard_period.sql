-- mart_balanced_scorecard_period: Balanced scorecard per period and scope: customer, internal process, financial, learning & growth.
-- column period: Period label: 2026-07 (month), 2026-Q3 (quarter), 2026-S2 (semester), 2026 (year).
-- column ikm_method: Customer: survey method of the IKM shown (the 2017 method when the scope surveyed with it, else 2004).
-- column ikm_converted: Customer: IKM on the 25-100 scale.
-- column mutu: Customer: IKM grade A-D of that method.
-- column respondents: Customer: SKM respondents behind the IKM.
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
with ikm as (
    select period_type, period_start, scope_type, scope_id, method, ikm_converted, mutu, respondents
    from indicators.ind_ikm_period
    qualify row_number() over (partition by period_type, period_start, scope_type, scope_id order by method = 'permenpanrb_14_2017' desc) = 1
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
    c.complaints_received,
    c.complaints_per_1000_served,
    q.sla_share,
    q.wait_median_minutes,
    c.handled_share,
    c.tickets_served,
    q.fee_compliance_share,
    q.fees_paid_idr,
    m.nrr as staff_competence_nrr,
    cast(null as double) as training_hours_per_staff
from spine as k
join core.dim_scope as s using (scope_type, scope_id)
left join ikm as i using (period_type, period_start, scope_type, scope_id)
left join indicators.ind_queue_period as q using (period_type, period_start, scope_type, scope_id)
left join indicators.ind_complaint_period as c using (period_type, period_start, scope_type, scope_id)
left join competence as m using (period_type, period_start, scope_type, scope_id)
