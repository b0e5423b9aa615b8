-- mart_kpi_trend_month: Where each headline KPI is going, per unit, agency and province and month: change on the month and the year, rolling 3- and 12-month values, rank among peers.
-- grain: month_start, scope_type, scope_id, kpi
-- column month_start: First day of the month.
-- column month: Month label (2026-07).
-- column change_mom: value - the previous month's value (NULL when that month has no value).
-- column change_yoy: value - the value of the same month a year earlier (NULL when there is none).
-- column rolling_3m: Sample-weighted value over this and the 2 previous months (pooled: successes / sample for shares).
-- column rolling_12m: Sample-weighted value over this and the 11 previous months.
-- column improvement_mom: change_mom signed so that above 0 is better (negated where lower is better).
-- column rank_in_agency: Rank of the unit among the units of its agency this month, 1 = best (unit scope only).
-- column rank_in_province: Rank of the unit among the units of its province this month, 1 = best (unit scope only).
with monthly as (
    select
        period_start as month_start,
        scope_type,
        scope_id,
        kpi,
        kpi_label,
        value,
        successes,
        sample_size,
        higher_is_better
    from indicators.ind_kpi_series
    where grain = 'month'
),

rolled as (
    select
        m.*,
        lag(value) over (partition by scope_type, scope_id, kpi order by month_start) as previous_value,
        lag(month_start) over (partition by scope_type, scope_id, kpi order by month_start) as previous_month,
        sum(coalesce(successes, value * sample_size)) over last_3 / sum(sample_size) over last_3 as rolling_3m,
        sum(coalesce(successes, value * sample_size)) over last_12 / sum(sample_size) over last_12 as rolling_12m
    from monthly as m
    window
        last_3 as (
            partition by scope_type, scope_id, kpi
            order by month_start range between interval 2 month preceding and current row
        ),
        last_12 as (
            partition by scope_type, scope_id, kpi
            order by month_start range between interval 11 month preceding and current row
        )
),

with_year as (
    select
        r.*,
        case
            when r.previous_month = cast(r.month_start - interval 1 month as date) then r.value - r.previous_value
        end as change_mom,
        r.value - y.value as change_yoy
    from rolled as r
    left join monthly as y
        on
            r.scope_type = y.scope_type and r.scope_id = y.scope_id and r.kpi = y.kpi
            and y.month_start = cast(r.month_start - interval 12 month as date)
)

select
    w.month_start,
    strftime(w.month_start, '%Y-%m') as month,
    w.scope_type,
    w.scope_id,
    d.scope_name,
    d.agency,
    d.province,
    w.kpi,
    coalesce(i.description, w.kpi_label) as kpi_label,
    w.higher_is_better,
    w.value,
    w.sample_size,
    w.change_mom,
    w.change_yoy,
    w.rolling_3m,
    w.rolling_12m,
    case when w.higher_is_better then w.change_mom else -w.change_mom end as improvement_mom,
    case when w.scope_type = 'unit' then rank() over (
        partition by w.scope_type, w.kpi, w.month_start, d.agency
        order by case when w.higher_is_better then w.value else -w.value end desc
    ) end as rank_in_agency,
    case when w.scope_type = 'unit' then rank() over (
        partition by w.scope_type, w.kpi, w.month_start, d.province
        order by case when w.higher_is_better then w.value else -w.value end desc
    ) end as rank_in_province
from with_year as w
join core.dim_scope as d using (scope_type, scope_id)
left join core.dim_indicator as i on w.kpi = i.indicator
