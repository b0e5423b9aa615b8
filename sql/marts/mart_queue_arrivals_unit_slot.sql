-- mart_queue_arrivals_unit_slot: Tickets issued per unit, local day and 15-minute slot (the arrival curve), for BI.
-- grain: unit_id, local_date, slot_start
select
    a.unit_id,
    u.unit_name,
    a.local_date,
    a.slot_start,
    a.arrivals,
    a.priority_arrivals
from indicators.ind_queue_arrivals_unit_slot as a
join core.dim_unit as u using (unit_id)
