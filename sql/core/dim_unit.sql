-- dim_unit: One public-service unit (unit penyelenggara) with its place and time zone.
-- grain: unit_id
select
    unit_id,
    unit_name,
    agency,
    province,
    regency,
    timezone,
    annual_users
from staging.units
