-- dim_scope: One reporting scope: a unit, one service of a unit, an agency (instansi) or a province.
-- grain: scope_type, scope_id
-- column scope_type: unit, service (one service of one unit), agency or province.
-- column scope_id: The unit_id; unit_id/service_code for a service; the agency or the province name.
-- column scope_name: Unit name; service name and unit name; agency; province.
-- column unit_id: The unit of a unit or service scope; NULL for agencies and provinces.
-- column service_code: The service of a service scope; NULL otherwise.
-- column agency: The agency of a unit, service or agency scope; NULL for provinces (they span agencies).
-- column province: The province of a unit, service or province scope; NULL for agencies (they span provinces).
with services as (
    -- A service keeps its code across standard revisions; its name is the latest published one.
    select unit_id, service_code, arg_max(service_name, valid_from) as service_name
    from core.dim_service
    group by unit_id, service_code
)

select
    'unit' as scope_type,
    unit_id as scope_id,
    unit_name as scope_name,
    unit_id,
    cast(null as varchar) as service_code,
    agency,
    province
from core.dim_unit
union all
select
    'service',
    s.unit_id || '/' || s.service_code,
    s.service_name || ' - ' || u.unit_name,
    s.unit_id,
    s.service_code,
    u.agency,
    u.province
from services as s
join core.dim_unit as u using (unit_id)
union all
select distinct 'agency', agency as scope_id, agency as scope_name, null, null, agency, null
from core.dim_unit
union all
select distinct 'province', province as scope_id, province as scope_name, null, null, null, province
from core.dim_unit
