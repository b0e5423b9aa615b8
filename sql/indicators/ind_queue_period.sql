-- ind_queue_period: Queue service levels per period and scope: volumes, waits, service times, SLA, priority equity and fees.
-- grain: period_type, period_start, scope_type, scope_id
-- incremental: period_start by period_type
-- column tickets_issued: Tickets issued.
-- column tickets_served: Tickets served at a counter.
-- column tickets_no_show: Tickets called but absent (no-show).
-- column tickets_abandoned: Tickets never called (left before being called).
-- column tickets_cancelled: Tickets cancelled.
-- column tickets_redirected: Tickets redirected to another unit or service.
-- column tickets_called: Tickets called at least once (the wait denominators).
-- column wait_mean_minutes: Mean wait (called - issued) over called tickets.
-- column wait_median_minutes: Median wait over called tickets (linear interpolation).
-- column wait_p90_minutes: 90th percentile wait over called tickets (linear interpolation).
-- column service_mean_minutes: Mean service time (end - start) over served tickets.
-- column service_median_minutes: Median service time over served tickets (linear interpolation).
-- column service_p90_minutes: 90th percentile service time over served tickets (linear interpolation).
-- column sla_share: Share of served tickets whose wait was within the published maximum of the standard valid on their day.
-- column no_show_rate: No-shows / tickets issued.
-- column abandonment_rate: Abandoned / tickets issued.
-- column priority_tickets_called: Called tickets of the priority group (elderly, disabled, pregnant).
-- column priority_wait_mean_minutes: Mean wait of called priority tickets.
-- column priority_wait_median_minutes: Median wait of called priority tickets.
-- column other_wait_mean_minutes: Mean wait of the other called tickets.
-- column other_wait_median_minutes: Median wait of the other called tickets.
-- column priority_wait_gap_minutes: priority_wait_median_minutes - other_wait_median_minutes: above 0 means priority visitors wait longer (an equity finding).
-- column priority_sla_share: SLA share of served priority tickets.
-- column other_sla_share: SLA share of the other served tickets.
-- column tickets_with_fee: Tickets with a fee paid above zero.
-- column fees_paid_idr: Sum of the fees paid (IDR).
-- column tickets_charged_on_free_service: Tickets charged on a service published as free (integrity signal).
-- column tickets_charged_above_tarif: Tickets charged above the published tarif (integrity signal).
-- column fee_compliance_share: Share of served tickets with neither fee flag: paid nothing on a free service and at most the tarif otherwise.
-- Standar pelayanan (PermenPANRB 15/2014; UU 25/2009 art. 21): waiting time and tarif are published per service; the
-- standard valid on the ticket's day is the one judged (core.fct_queue_ticket). A fee on a free service or above tarif is pungli risk.
-- Percentiles are exact (quantile_cont's linear interpolation at rank q * (n - 1)) but read from counts of values:
-- quantile_cont over the period x scope fan-out keeps every value in memory and cannot spill. The counts roll up
-- from each unit, service and month to the periods and scopes they belong to (whole months, whole units), first
-- per minute, then per second only inside the minutes that hold a wanted rank: grouping every second of the
-- fan-out spilled under the memory limit (16 s of a year of 50 units; 3.6 s this way).
with scopes as (
    -- Integer keys for the histogram: fixed-width group keys stay inline in DuckDB's hash tables when they spill.
    select scope_type, scope_id, dense_rank() over (order by scope_type, scope_id) as scope_key
    from core.dim_scope
),

periods as (
    select period_type, period_start, period, dense_rank() over (order by period_type, period_start) as period_key
    from core.dim_period
),

scope_period_days as (
    select b.unit_id, b.service_code, b.day, s.scope_key, p.period_key
    from core.dim_scope_period_day as b
    join scopes as s using (scope_type, scope_id)
    join periods as p using (period_type, period_start)
),

tickets as not materialized (
    -- The days of the calendar, as the day bridge counts them (the month roll-up below does not look at days).
    select t.unit_id, t.service_code, t.local_date, t.outcome, t.priority, t.wait_minutes, t.service_minutes
    from core.fct_queue_ticket as t
    semi join core.dim_calendar as c on t.local_date = c.day
),

totals as (
    -- The day figures of the scope's units (service_code NULL: all their services) or of its service, added up.
    select
        b.period_key,
        b.scope_key,
        cast(sum(d.tickets_issued) as bigint) as tickets_issued,
        cast(sum(d.tickets_served) as bigint) as tickets_served,
        cast(sum(d.tickets_no_show) as bigint) as tickets_no_show,
        cast(sum(d.tickets_abandoned) as bigint) as tickets_abandoned,
        cast(sum(d.tickets_cancelled) as bigint) as tickets_cancelled,
        cast(sum(d.tickets_redirected) as bigint) as tickets_redirected,
        cast(sum(d.tickets_called) as bigint) as tickets_called,
        sum(d.wait_minutes_sum) / nullif(sum(d.waits_n), 0) as wait_mean_minutes,
        sum(d.service_minutes_sum) / nullif(sum(d.service_times_n), 0) as service_mean_minutes,
        sum(d.served_within_wait_standard_n) / nullif(sum(d.tickets_served), 0) as sla_share,
        sum(d.tickets_no_show) / sum(d.tickets_issued) as no_show_rate,
        sum(d.tickets_abandoned) / sum(d.tickets_issued) as abandonment_rate,
        cast(sum(d.tickets_priority_called) as bigint) as priority_tickets_called,
        sum(d.priority_wait_minutes_sum) / nullif(sum(d.priority_waits_n), 0) as priority_wait_mean_minutes,
        sum(d.other_wait_minutes_sum) / nullif(sum(d.other_waits_n), 0) as other_wait_mean_minutes,
        sum(d.priority_served_within_wait_standard_n) / nullif(sum(d.priority_served_n), 0) as priority_sla_share,
        sum(d.other_served_within_wait_standard_n) / nullif(sum(d.other_served_n), 0) as other_sla_share,
        cast(sum(d.tickets_with_fee) as bigint) as tickets_with_fee,
        coalesce(sum(d.fees_paid_idr), 0) as fees_paid_idr,
        cast(sum(d.tickets_charged_on_free_service) as bigint) as tickets_charged_on_free_service,
        cast(sum(d.tickets_charged_above_tarif) as bigint) as tickets_charged_above_tarif,
        sum(d.fee_compliant_served_n) / nullif(sum(d.tickets_served), 0) as fee_compliance_share
    from core.fct_queue_service_day as d
    join scope_period_days as b on d.unit_id = b.unit_id and d.local_date = b.day
    where d.service_code is not distinct from b.service_code
    group by b.period_key, b.scope_key
),

month_cells as (
    -- A period is whole months and a scope whole units (or one unit's service): its values roll up from the
    -- values of each unit, service and month, so only those are grouped from the tickets, not the period x scope
    -- fan-out of every ticket.
    select distinct unit_id, service_code, cast(date_trunc('month', day) as date) as month, scope_key, period_key
    from scope_period_days
),

measured_values as not materialized (
    -- measure 1: wait of called tickets; 2: service time of served tickets; 3 / 4: wait of priority / other tickets.
    -- Durations are whole seconds / 60 (core.fct_queue_ticket): counted as integer seconds, a compact histogram key.
    select
        unit_id,
        service_code,
        cast(date_trunc('month', local_date) as date) as month,
        1 as measure,
        cast(round(wait_minutes * 60) as integer) as seconds
    from tickets
    where wait_minutes is not null
    union all
    select unit_id, service_code, date_trunc('month', local_date), 2, cast(round(service_minutes * 60) as integer)
    from tickets
    where outcome = 'served' and service_minutes is not null
    union all
    select unit_id, service_code, date_trunc('month', local_date), 3, cast(round(wait_minutes * 60) as integer)
    from tickets
    where priority and wait_minutes is not null
    union all
    select unit_id, service_code, date_trunc('month', local_date), 4, cast(round(wait_minutes * 60) as integer)
    from tickets
    where not priority and wait_minutes is not null
),

cell_minutes as (
    select unit_id, service_code, month, measure, seconds // 60 as minute, count(*) as n
    from measured_values
    group by unit_id, service_code, month, measure, minute
),

coarse_histogram as (
    select b.period_key, b.scope_key, c.measure, c.minute, sum(c.n) as n
    from cell_minutes as c
    join month_cells as b on c.unit_id = b.unit_id and c.month = b.month
    where b.service_code is null or c.service_code = b.service_code
    group by b.period_key, b.scope_key, c.measure, c.minute
),

coarse_cumulative as (
    select
        period_key,
        scope_key,
        measure,
        minute,
        n,
        sum(n)
            over (
                partition by period_key, scope_key, measure
                order by minute rows between unbounded preceding and current row
            )
            as upto,
        sum(n) over (partition by period_key, scope_key, measure) as values_n
    from coarse_histogram
),

wanted_minutes as (
    -- quantile_cont: position h = q * (n - 1) in the sorted values (0-based), interpolated between floor(h) and ceil(h);
    -- the minutes holding those ranks, with the rank of their first value.
    select
        period_key,
        scope_key,
        measure,
        minute,
        upto - n as minute_rank_first,
        (values_n - 1) * cast(0.5 as double) as h50,
        (values_n - 1) * cast(0.9 as double) as h90
    from coarse_cumulative
    where
        floor((values_n - 1) * cast(0.5 as double)) between upto - n and upto - 1
        or ceil((values_n - 1) * cast(0.5 as double)) between upto - n and upto - 1
        or floor((values_n - 1) * cast(0.9 as double)) between upto - n and upto - 1
        or ceil((values_n - 1) * cast(0.9 as double)) between upto - n and upto - 1
),

wanted_cells as (
    select distinct b.unit_id, b.service_code, b.month, w.measure, w.minute
    from wanted_minutes as w
    join month_cells as b on w.period_key = b.period_key and w.scope_key = b.scope_key
),

cell_seconds as (
    select v.unit_id, v.service_code, v.month, v.measure, v.seconds, count(*) as n
    from measured_values as v
    semi join wanted_cells as w
        on
            v.unit_id = w.unit_id
            and v.month = w.month
            and v.measure = w.measure
            and v.seconds // 60 = w.minute
            and (w.service_code is null or v.service_code = w.service_code)
    group by v.unit_id, v.service_code, v.month, v.measure, v.seconds
),

fine_histogram as (
    select b.period_key, b.scope_key, c.measure, c.seconds // 60 as minute, c.seconds, sum(c.n) as n
    from cell_seconds as c
    join month_cells as b on c.unit_id = b.unit_id and c.month = b.month
    semi join wanted_minutes as w
        on
            b.period_key = w.period_key
            and b.scope_key = w.scope_key
            and c.measure = w.measure
            and c.seconds // 60 = w.minute
    where b.service_code is null or c.service_code = b.service_code
    group by b.period_key, b.scope_key, c.measure, c.seconds
),

ranks as (
    -- Each second's values hold the ranks rank_first..rank_last of its period, scope and measure.
    select period_key, scope_key, measure, value, h50, h90, upto - n as rank_first, upto - 1 as rank_last
    from (
        select
            f.period_key,
            f.scope_key,
            f.measure,
            f.n,
            f.seconds / 60.0 as value,
            w.h50,
            w.h90,
            w.minute_rank_first
            + sum(f.n)
                over (
                    partition by f.period_key, f.scope_key, f.measure, f.minute
                    order by f.seconds rows between unbounded preceding and current row
                )
                as upto
        from fine_histogram as f
        join wanted_minutes as w
            on
                f.period_key = w.period_key
                and f.scope_key = w.scope_key
                and f.measure = w.measure
                and f.minute = w.minute
    ) as counted
),

percentiles as (
    select
        period_key,
        scope_key,
        measure,
        any_value(h50) as h50,
        any_value(h90) as h90,
        max(value) filter (where floor(h50) between rank_first and rank_last) as p50_low,
        max(value) filter (where ceil(h50) between rank_first and rank_last) as p50_high,
        max(value) filter (where floor(h90) between rank_first and rank_last) as p90_low,
        max(value) filter (where ceil(h90) between rank_first and rank_last) as p90_high
    from ranks
    group by period_key, scope_key, measure
),

interpolated as (
    select
        period_key,
        scope_key,
        measure,
        p50_low + (h50 - floor(h50)) * (p50_high - p50_low) as p50,
        p90_low + (h90 - floor(h90)) * (p90_high - p90_low) as p90
    from percentiles
)

select
    p.period_type,
    p.period_start,
    p.period,
    s.scope_type,
    s.scope_id,
    t.tickets_issued,
    t.tickets_served,
    t.tickets_no_show,
    t.tickets_abandoned,
    t.tickets_cancelled,
    t.tickets_redirected,
    t.tickets_called,
    t.wait_mean_minutes,
    w.p50 as wait_median_minutes,
    w.p90 as wait_p90_minutes,
    t.service_mean_minutes,
    sv.p50 as service_median_minutes,
    sv.p90 as service_p90_minutes,
    t.sla_share,
    t.no_show_rate,
    t.abandonment_rate,
    t.priority_tickets_called,
    t.priority_wait_mean_minutes,
    pw.p50 as priority_wait_median_minutes,
    t.other_wait_mean_minutes,
    ow.p50 as other_wait_median_minutes,
    pw.p50 - ow.p50 as priority_wait_gap_minutes,
    t.priority_sla_share,
    t.other_sla_share,
    t.tickets_with_fee,
    t.fees_paid_idr,
    t.tickets_charged_on_free_service,
    t.tickets_charged_above_tarif,
    t.fee_compliance_share
from totals as t
join periods as p on t.period_key = p.period_key
join scopes as s on t.scope_key = s.scope_key
left join interpolated as w on t.period_key = w.period_key and t.scope_key = w.scope_key and w.measure = 1
left join interpolated as sv on t.period_key = sv.period_key and t.scope_key = sv.scope_key and sv.measure = 2
left join interpolated as pw on t.period_key = pw.period_key and t.scope_key = pw.scope_key and pw.measure = 3
left join interpolated as ow on t.period_key = ow.period_key and t.scope_key = ow.scope_key and ow.measure = 4
