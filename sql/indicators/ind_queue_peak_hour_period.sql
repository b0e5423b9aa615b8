-- ind_queue_peak_hour_period: The busiest clock hour (most tickets issued) per period and scope.
-- grain: period_type, period_start, scope_type, scope_id
-- incremental: period_start by period_type
-- column peak_hour: Local clock hour with the most arrivals (8 = 08:00-08:59); the earliest on a tie.
-- column peak_hour_arrivals: Tickets issued in that hour over the period.
-- column peak_hour_share: peak_hour_arrivals / all tickets issued in the period and scope.
-- column days_with_arrivals: Local days with at least one ticket issued.
-- column peak_hour_arrivals_per_day: peak_hour_arrivals / days_with_arrivals: the load to staff counters for.
with arrivals as (
    -- Tickets issued per unit, service, day and clock hour: the scopes and periods below add these up.
    select unit_id, service_code, local_date, hour(issued_at) as clock_hour, count(*) as arrivals
    from core.fct_queue_ticket
    group by all
),

scoped as (
    select b.period_type, b.period_start, b.period, b.scope_type, b.scope_id, a.local_date, a.clock_hour, a.arrivals
    from arrivals as a
    join core.dim_scope_period_day as b on a.unit_id = b.unit_id and a.local_date = b.day
    where b.service_code is null or a.service_code = b.service_code
),

hourly as (
    select
        period_type, period_start, period, scope_type, scope_id,
        clock_hour,
        sum(arrivals) as arrivals,
        row_number()
            over (partition by period_type, period_start, scope_type, scope_id order by sum(arrivals) desc, clock_hour)
            as rank_by_arrivals
    from scoped
    group by period_type, period_start, period, scope_type, scope_id, clock_hour
),

totals as (
    select
        period_type,
        period_start,
        scope_type,
        scope_id,
        sum(arrivals) as all_arrivals,
        count(distinct local_date) as days_with_arrivals
    from scoped
    group by all
)

select
    h.period_type, h.period_start, h.period, h.scope_type, h.scope_id,
    h.clock_hour as peak_hour,
    cast(h.arrivals as bigint) as peak_hour_arrivals,
    h.arrivals / t.all_arrivals as peak_hour_share,
    t.days_with_arrivals,
    h.arrivals / t.days_with_arrivals as peak_hour_arrivals_per_day
from hourly as h
join totals as t using (period_type, period_start, scope_type, scope_id)
where h.rank_by_arrivals = 1
