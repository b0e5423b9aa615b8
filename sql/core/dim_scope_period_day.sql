-- dim_scope_period_day: Every reporting scope and period a unit's (or service's) fact of one day counts in: the scope x period fan-out of the per-period indicators.
-- grain: unit_id, service_code?, day, scope_type, scope_id, period_type
-- incremental: day
-- column unit_id: The unit whose facts count in the scope.
-- column service_code: The service whose facts count; NULL = every service of the unit (unit, agency and province scopes).
-- column day: The local day of the fact (a day of core.dim_calendar).
-- A fact joins it on unit_id and day, keeping the rows where service_code is null or the fact's service: one equality join,
-- so a model never holds its facts in memory for a range join (local_date between period_start and period_end).
select
    m.unit_id,
    m.service_code,
    c.day,
    m.scope_type,
    m.scope_id,
    p.period_type,
    p.period_start,
    p.period
from core.dim_scope_member as m
cross join core.dim_period as p
join core.dim_calendar as c on c.day between p.period_start and p.period_end
