-- ind_kpi_series: Headline KPIs per week or month and per unit, agency and province, in long form: the series the trend and control-chart marts read.
-- grain: grain, period_start, scope_type, scope_id, kpi
-- incremental: period_start by grain
-- column grain: week (ISO, Monday first) or month.
-- column period_start: First day of the week or month.
-- column kpi: KPI name (as in core.dim_indicator where a target can be set).
-- column kpi_label: What the KPI measures (from core.dim_indicator, or for an unsur its name).
-- column value: The KPI's value in the period and scope.
-- column successes: For shares: the rows meeting the KPI (the p-chart numerator); NULL for times and scores.
-- column sample_size: Rows the value is computed over: served, called or issued tickets; respondents for IKM.
-- column chart: p (share with its own sample size per period: Laney p' chart) or i_mr (individuals and moving range).
-- column higher_is_better: True when a rise is an improvement.
with ticket_periods as (
    select 'week' as grain, cast(date_trunc('week', local_date) as date) as period_start, t.*
    from core.fct_queue_ticket as t
    union all
    select 'month', cast(date_trunc('month', local_date) as date), t.* from core.fct_queue_ticket as t
),

queue as (
    select
        t.grain,
        t.period_start,
        m.scope_type,
        m.scope_id,
        count(*) as issued,
        count(*) filter (where t.was_called) as called,
        count(*) filter (where t.outcome = 'served') as served,
        count(*) filter (where t.outcome = 'served' and t.within_wait_standard) as served_within_standard,
        count(*) filter (
            where t.outcome = 'served' and not (t.charged_on_free_service or t.charged_above_tarif)
        ) as served_fee_compliant,
        count(*) filter (where t.outcome = 'no_show') as no_shows,
        count(*) filter (where t.outcome = 'abandoned') as abandoned,
        avg(t.wait_minutes) as wait_mean_minutes
    from ticket_periods as t
    join core.dim_scope_member as m
        on t.unit_id = m.unit_id and m.service_code is null
    where m.scope_type in ('unit', 'agency', 'province')
    group by all
),

survey as (
    -- Months only: a week holds too few respondents for a stable IKM.
    select 'month' as grain, period_start, scope_type, scope_id, ikm_converted, respondents
    from indicators.ind_ikm_period
    where
        period_type = 'month' and scope_type in ('unit', 'agency', 'province') and method = 'permenpanrb_14_2017'
        and ikm_converted is not null  -- no IKM where an unsur went unanswered
),

unsur as (
    select 'month' as grain, period_start, scope_type, scope_id, unsur_no, unsur_name, nrr_converted, answers
    from indicators.ind_ikm_unsur_period
    where period_type = 'month' and scope_type in ('unit', 'agency', 'province') and method = 'permenpanrb_14_2017'
),

complaints as (
    -- Months only, by month of receipt: a unit receives a handful of complaints a week.
    select
        'month' as grain, period_start, scope_type, scope_id, complaints_received, complaints_closed, complaints_due,
        verified_within_limit_share, closed_within_limit_share, handled_share, workdays_to_close_median
    from indicators.ind_complaint_period
    where period_type = 'month' and scope_type in ('unit', 'agency', 'province')
)

select
    grain, period_start, scope_type, scope_id, 'queue_sla_share' as kpi, cast(null as varchar) as kpi_label,
    served_within_standard / served as value, served_within_standard as successes, served as sample_size, 'p' as chart,
    true as higher_is_better
from queue where served > 0
union all
select
    grain, period_start, scope_type, scope_id, 'queue_fee_compliance_share', null, served_fee_compliant / served,
    served_fee_compliant, served, 'p', true
from queue where served > 0
union all
select
    grain, period_start, scope_type, scope_id, 'queue_no_show_rate', null, no_shows / issued, no_shows, issued, 'p',
    false
from queue
union all
select
    grain, period_start, scope_type, scope_id, 'queue_abandonment_rate', null, abandoned / issued, abandoned, issued,
    'p', false
from queue
union all
select
    grain, period_start, scope_type, scope_id, 'queue_wait_mean_minutes', null, wait_mean_minutes, null, called, 'i_mr',
    false
from queue where called > 0
union all
select grain, period_start, scope_type, scope_id, 'ikm_converted', null, ikm_converted, null, respondents, 'i_mr', true
from survey
union all
select
    grain, period_start, scope_type, scope_id, 'nrr_u' || unsur_no,
    'NRR x 25 of unsur U' || unsur_no || ' ' || unsur_name || ' (PermenPANRB 14/2017).', nrr_converted, null, answers,
    'i_mr', true
from unsur
union all
select
    grain, period_start, scope_type, scope_id, 'complaint_handled_share', null, handled_share, complaints_closed,
    complaints_due, 'p', true
from complaints where complaints_due > 0
union all
select
    grain, period_start, scope_type, scope_id, 'complaint_closed_within_limit_share', null, closed_within_limit_share,
    cast(round(closed_within_limit_share * complaints_due) as bigint), complaints_due, 'p', true
from complaints where complaints_due > 0
union all
-- Its denominator (verified or past the deadline) is not stored: charted as individuals, weighted by complaints received.
select
    grain, period_start, scope_type, scope_id, 'complaint_verified_within_limit_share', null,
    verified_within_limit_share, null, complaints_received, 'i_mr', true
from complaints where verified_within_limit_share is not null
union all
select
    grain, period_start, scope_type, scope_id, 'complaint_workdays_to_close_median', null, workdays_to_close_median,
    null, complaints_closed, 'i_mr', false
from complaints where workdays_to_close_median is not null
