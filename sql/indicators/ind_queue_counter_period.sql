-- ind_queue_counter_period: Counter (loket) utilisation per period and scope (units, agencies, provinces; a counter serves every service of its unit).
-- grain: period_type, period_start, scope_type, scope_id
-- incremental: period_start by period_type
-- column counter_days: Counter-days with at least one call.
-- column counters: Distinct counters (per unit) that called at least one ticket.
-- column open_minutes: Sum over counter-days of the opening span, first call to last service end.
-- column busy_minutes: Sum of service minutes (end - start) of the tickets served at those counters.
-- column counter_utilisation: busy_minutes / open_minutes: share of the counters' opening span spent serving.
select
    b.period_type, b.period_start, b.period, b.scope_type, b.scope_id,
    count(*) as counter_days,
    count(distinct c.unit_id || '/' || c.counter_id) as counters,
    sum(c.open_minutes) as open_minutes,
    sum(c.busy_minutes) as busy_minutes,
    sum(c.busy_minutes) / nullif(sum(c.open_minutes), 0) as counter_utilisation
from core.fct_queue_counter_day as c
join core.dim_scope_period_day as b
    on c.unit_id = b.unit_id and c.local_date = b.day and b.service_code is null
group by all
