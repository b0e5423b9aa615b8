-- dim_period: One reporting period (month, quarter, semester or year) that the calendar touches, with its first and last day.
-- grain: period_type, period_start
-- incremental: period_start..period_end
-- column period_type: month, quarter, semester or year.
-- column period_start: First day of the period.
-- column period_end: Last day of the period (inclusive).
-- column period: Period label: 2026-07 (month), 2026-Q3 (quarter), 2026-S2 (semester), 2026 (year).
with starts as (
    select distinct 'month' as period_type, cast(date_trunc('month', day) as date) as period_start
    from core.dim_calendar
    union all
    select distinct 'quarter', cast(date_trunc('quarter', day) as date) from core.dim_calendar
    union all
    select distinct 'semester', make_date(year(day), case when month(day) <= 6 then 1 else 7 end, 1)
    from core.dim_calendar
    union all
    select distinct 'year', cast(date_trunc('year', day) as date) from core.dim_calendar
),

months as (
    select
        period_type,
        period_start,
        case period_type when 'month' then 1 when 'quarter' then 3 when 'semester' then 6 else 12 end as months
    from starts
)

select
    period_type,
    period_start,
    cast(period_start + to_months(months) - interval 1 day as date) as period_end,
    case period_type
        when 'month' then strftime(period_start, '%Y-%m')
        when 'quarter' then strftime(period_start, '%Y') || '-Q' || quarter(period_start)
        when 'semester' then strftime(period_start, '%Y') || '-S' || case when month(period_start) = 1 then 1 else 2 end
        else strftime(period_start, '%Y')
    end as period
from months
