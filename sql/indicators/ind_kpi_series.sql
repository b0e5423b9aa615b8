-- ind_kpi_series: Headline KPIs per week or month and per unit, agency and province, in long form: the series the trend and control-chart marts read.
-- column grain: week (ISO, Monday first) or month.
-- column period_start: First day of the week or month.
-- column kpi: KPI name (as in core.dim_indicator where a target can be set).
-- column kpi_label: What the KPI measures (from core.dim_indicator).
-- column value: The KPI's value in the period and scope.
-- column successes: For shares: the rows meeting the KPI (the p-chart numerator); NULL for times and scores.
-- column sample_size: Rows the value is computed over: served, called or issued tickets; respondents for IKM.
-- column chart: p (share with its own sample size per period: Laney p' chart) or i_mr (individuals and moving range).
-- column higher_is_better: True when a rise is an improvement.
with ticket_periods as (
    select 'week' as grain, cast(date_trunc('week', local_date) as date) as period_start, t.* from core.fct_queue_ticket as t
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
        count(*) filter (where t.outcome = 'served' and not (t.charged_on_free_service or t.charged_above_tarif)) as served_fee_compliant,
        count(*) filter (where t.outcome = 'no_show') as no_shows,
        count(*) filter (where t.outcome = 'abandoned') as abandoned,
        avg(t.wait_minutes) as wait_mean_minutes
    from ticket_periods as t
    join core.dim_scope_member as m
        on m.unit_id = t.unit_id and m.service_code is null
    where m.scope_type in ('unit', 'agency', 'province')
    group by all
),

survey as (
    -- Months only: a week holds too few respondents for a stable IKM.
    select 'month' as grain, period_start, scope_type, scope_id, ikm_converted, respondents
    from indicators.ind_ikm_period
    where period_type = 'month' and scope_type in ('unit', 'agency', 'province') and method = 'permenpanrb_14_2017'
)

select grain, period_start, scope_type, scope_id, 'queue_sla_share' as kpi, served_within_standard / served as value,
       served_within_standard as successes, served as sample_size, 'p' as chart, true as higher_is_better
from queue where served > 0
union all
select grain, period_start, scope_type, scope_id, 'queue_fee_compliance_share', served_fee_compliant / served, served_fee_compliant, served, 'p', true
from queue where served > 0
union all
select grain, period_start, scope_type, scope_id, 'queue_no_show_rate', no_shows / issued, no_shows, issued, 'p', false
from queue
union all
select grain, period_start, scope_type, scope_id, 'queue_abandonment_rate', abandoned / issued, abandoned, issued, 'p', false
from queue
union all
select grain, period_start, scope_type, scope_id, 'queue_wait_mean_minutes', wait_mean_minutes, null, called, 'i_mr', false
from queue where called > 0
union all
select grain, period_start, scope_type, scope_id, 'ikm_converted', ikm_converted, null, respondents, 'i_mr', true
from survey
