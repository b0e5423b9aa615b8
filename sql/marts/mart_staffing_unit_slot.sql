-- mart_staffing_unit_slot: Counters (loket) a unit needs per weekday and hour to meet its waiting standard (Erlang C, or Erlang A where people give up), beside the counters it opened, over the last 12 weeks of data.
-- grain: unit_id, staffing_scope, weekday, hour_of_day
-- column staffing_scope: What queues as one: 'unit' when services share counters (one pooled queue), else the service code.
-- column pools_services: The unit's counters served more than one service in the window, so its services form one queue.
-- column weekday: ISO weekday of the slot (1 = Monday ... 7 = Sunday).
-- column hour_of_day: Local hour the tickets were issued in (9 = 09:00-09:59); slots are one hour long.
-- column window_start: First local day of the 12-week window the slot is averaged over.
-- column window_end: Last local day of the window (the queue data's as-of date, core.dim_queue_as_of).
-- column days_observed: Days of this weekday in the window on which the unit issued tickets (the averaging base).
-- column tickets: Tickets issued in the slot over the window (every outcome: the demand).
-- column arrivals_per_hour: Tickets issued per hour in the slot on an average open day (tickets / days_observed).
-- column mean_service_minutes: Mean service time (end - start) of the slot's served tickets.
-- column abandonment_share: Share of the slot's tickets never called (the ticket holder gave up).
-- column mean_patience_minutes: Estimated mean patience: mean wait / abandonment share (Zeltyn and Mandelbaum 2005: P(abandon) ~ E[wait] / mean patience). NULL under Erlang C.
-- column counters_open: Distinct counters calling tickets in this hour, averaged over the open days (0 on a day none called).
-- column counters_open_typical: counters_open rounded to a whole counter: the staffing the prediction is made for.
-- column max_wait_minutes: Published maximum wait of the standard in force at window_end (arrival-weighted mean when services are pooled; each keeps its own maximum in the model).
-- column target_sla_share: Share of served tickets to be called within the maximum wait: the unit's queue_sla_share target of the window_end year (targets.csv), else 0.80.
-- column target_source: 'targets.csv' when the unit has a queue_sla_share target for the year, else 'default 0.80'.
-- column measured_sla_share: Measured share of the slot's served tickets called within their maximum wait.
-- column staffing_model: erlang_c (M/M/n), erlang_a (M/M/n+M, used when 3 % or more of tickets are abandoned), or 'not enough data' (fewer than 4 open days or 30 served tickets in the slot: no figure is given).
-- column predicted_sla_share: Share of served tickets the model predicts within the maximum wait at counters_open_typical.
-- column counters_needed: Fewest counters at which the model predicts that target_sla_share of ALL tickets issued (those who give up count as not called in time) are called within the maximum wait (NULL: not enough data, or no number of counters reaches the target).
-- column counters_gap: counters_needed - counters_open_typical: above 0 too few counters open, below 0 more than the standard needs.
with as_of as (
    select as_of_date, as_of_date - interval 83 day as window_start
    from core.dim_queue_as_of
),

window_tickets as (
    select
        t.unit_id,
        t.local_date,
        t.service_code,
        t.counter_id,
        t.called_at,
        t.outcome,
        t.was_called,
        t.wait_minutes,
        t.service_minutes,
        t.within_wait_standard,
        isodow(t.local_date) as weekday,
        hour(t.issued_at) as hour_of_day
    from core.fct_queue_ticket as t
    cross join as_of as a
    where t.local_date between cast(a.window_start as date) and a.as_of_date
),

counter_services as (
    select unit_id, counter_id, count(distinct service_code) as services
    from window_tickets
    where counter_id is not null
    group by unit_id, counter_id
),

pooling as (
    select unit_id, max(services) > 1 as pools_services
    from counter_services
    group by unit_id
),

scoped as (
    select
        w.*,
        coalesce(p.pools_services, false) as pools_services,
        case when coalesce(p.pools_services, false) then 'unit' else w.service_code end as staffing_scope
    from window_tickets as w
    left join pooling as p using (unit_id)
),

open_days as (
    select unit_id, weekday, count(distinct local_date) as days_observed
    from window_tickets
    group by unit_id, weekday
),

counters_per_day as (
    select
        unit_id, staffing_scope, local_date, isodow(local_date) as weekday, hour(called_at) as hour_of_day,
        count(distinct counter_id) as counters
    from scoped
    where called_at is not null and counter_id is not null
    group by unit_id, staffing_scope, local_date, hour(called_at)
),

counters_open as (
    select unit_id, staffing_scope, weekday, hour_of_day, sum(counters) as counter_days
    from counters_per_day
    group by unit_id, staffing_scope, weekday, hour_of_day
),

standards_now as (
    select s.unit_id, s.service_code, s.max_wait_minutes
    from core.dim_service as s
    cross join as_of as a
    where s.valid_from <= a.as_of_date and (s.valid_to is null or s.valid_to >= a.as_of_date)
),

service_mix as (
    select
        s.unit_id, s.staffing_scope, s.weekday, s.hour_of_day, s.service_code,
        count(*) as tickets, any_value(st.max_wait_minutes) as max_wait_minutes
    from scoped as s
    join standards_now as st using (unit_id, service_code)
    group by s.unit_id, s.staffing_scope, s.weekday, s.hour_of_day, s.service_code
),

mix as (
    select
        unit_id, staffing_scope, weekday, hour_of_day,
        list(cast(max_wait_minutes as double) order by service_code) as max_waits,
        list(cast(tickets as double) order by service_code) as weights,
        sum(max_wait_minutes * tickets) / sum(tickets) as max_wait_minutes
    from service_mix
    group by unit_id, staffing_scope, weekday, hour_of_day
),

slots as (
    select
        unit_id,
        staffing_scope,
        any_value(pools_services) as pools_services,
        weekday,
        hour_of_day,
        count(*) as tickets,
        count(*) filter (where outcome = 'served') as served,
        avg(service_minutes) filter (where outcome = 'served') as mean_service_minutes,
        avg(wait_minutes) filter (where was_called) as mean_wait_minutes,
        count(*) filter (where outcome = 'abandoned') / count(*) as abandonment_share,
        avg(case when within_wait_standard then 1.0 else 0.0 end) filter (where outcome = 'served')
            as measured_sla_share
    from scoped
    group by unit_id, staffing_scope, weekday, hour_of_day
),

targets as (
    select t.unit_id, cast(t.target as double) as target_sla_share
    from core.dim_target as t
    cross join as_of as a
    where t.indicator = 'queue_sla_share' and t.year = year(a.as_of_date)
),

inputs as (
    select
        s.*,
        d.days_observed,
        s.tickets / d.days_observed as arrivals_per_hour,
        coalesce(c.counter_days, 0) / d.days_observed as counters_open,
        cast(round(coalesce(c.counter_days, 0) / d.days_observed) as integer) as counters_open_typical,
        m.max_waits,
        m.weights,
        m.max_wait_minutes,
        coalesce(t.target_sla_share, 0.80) as target_sla_share,
        case when t.target_sla_share is null then 'default 0.80' else 'targets.csv' end as target_source,
        case
            when d.days_observed < 4 or s.served < 30 or m.max_waits is null then 'not enough data'
            when s.abandonment_share >= 0.03 and s.mean_wait_minutes > 0 then 'erlang_a'
            else 'erlang_c'
        end as staffing_model
    from slots as s
    join open_days as d using (unit_id, weekday)
    left join counters_open as c using (unit_id, staffing_scope, weekday, hour_of_day)
    left join mix as m using (unit_id, staffing_scope, weekday, hour_of_day)
    left join targets as t using (unit_id)
),

modelled as (
    select
        i.*,
        case when i.staffing_model = 'erlang_a' then i.mean_wait_minutes / i.abandonment_share end
            as mean_patience_minutes
    from inputs as i
),

predicted as (
    select
        m.*,
        case when m.staffing_model <> 'not enough data' then erlang_service_level(
            m.arrivals_per_hour / 60.0, m.mean_service_minutes, m.counters_open_typical,
            m.max_waits, m.weights, m.mean_patience_minutes
        ) end as predicted_sla_share,
        case when m.staffing_model <> 'not enough data' then erlang_counters_needed(
            m.arrivals_per_hour / 60.0, m.mean_service_minutes,
            m.max_waits, m.weights, m.target_sla_share, m.mean_patience_minutes
        ) end as counters_needed
    from modelled as m
)

select
    p.unit_id,
    u.unit_name,
    p.staffing_scope,
    p.pools_services,
    p.weekday,
    p.hour_of_day,
    cast(a.window_start as date) as window_start,
    a.as_of_date as window_end,
    p.days_observed,
    p.tickets,
    p.arrivals_per_hour,
    p.mean_service_minutes,
    p.abandonment_share,
    p.mean_patience_minutes,
    p.counters_open,
    p.counters_open_typical,
    p.max_wait_minutes,
    p.target_sla_share,
    p.target_source,
    p.measured_sla_share,
    p.staffing_model,
    p.predicted_sla_share,
    p.counters_needed,
    p.counters_needed - p.counters_open_typical as counters_gap
from predicted as p
cross join as_of as a
join core.dim_unit as u using (unit_id)
