-- dim_service: One published service standard (standar pelayanan) of a unit, with its validity period.
-- grain: unit_id, service_code, valid_from
-- column is_free: The published tarif is zero: any fee paid is an integrity signal.
select
    unit_id,
    service_code,
    service_name,
    max_wait_minutes,
    standard_service_minutes,
    completion_workdays,
    fee_idr,
    fee_idr = 0 as is_free,
    valid_from,
    valid_to
from staging.services
