-- dim_scope_member: Which unit (and service) each reporting scope covers: a fact row counts in every scope it is a member of.
-- grain: scope_type, scope_id, unit_id, service_code?
-- column service_code: The service covered; NULL = every service of the unit (unit, agency and province scopes).
select
    s.scope_type,
    s.scope_id,
    u.unit_id,
    s.service_code
from core.dim_scope as s
join core.dim_unit as u
    on
        (s.scope_type in ('unit', 'service') and s.unit_id = u.unit_id)
        or (s.scope_type = 'agency' and s.agency = u.agency)
        or (s.scope_type = 'province' and s.province = u.province)
