-- ind_queue_counter_period: Counter (loket) utilisation per period and scope (units, agencies, provinces; a counter serves every service of its unit).
-- grain: period_type, period_start, scope_type, scope_id
-- incremental: period_start by period_type
-- column counter_days: Counter-days with at least one call.
-- column counters: Distinct counters (per unit) that called at least one ticket.
-- column open_minutes: Sum over counter-days of the opening span, first call to last service end.
-- column busy_minutes: Sum of service minutes (end - start) of the tickets served at those counters.
-- column counter_utilisation: busy_minutes / open_minutes: share of the counters' opening span spent serving.
select
    p.period_type,
    p.period_start,
    p.period,
    m.scope_type,
    m.scope_id,
    count(*) as counter_days,
    count(distinct c.unit_id || '/' || c.counter_id) as counters,
    sum(c.open_minutes) as open_minutes,
    sum(c.busy_minutes) as busy_minutes,
    sum(c.busy_minutes) / nullif(sum(c.open_minutes), 0) as counter_utilisation
from core.fct_queue_counter_day as c
join core.dim_scope_member as m
    on m.unit_id = c.unit_id and m.service_code is null
join core.dim_period as p
    on c.local_date between p.period_start and p.period_end
group by all
