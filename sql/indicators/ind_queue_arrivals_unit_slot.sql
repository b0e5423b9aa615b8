-- ind_queue_arrivals_unit_slot: Tickets issued per unit, local day and 15-minute slot, zero-filled from the day's first to its last slot.
-- grain: unit_id, local_date, slot_start
-- incremental: local_date
-- column slot_start: Local wall-clock start of the 15-minute slot (08:00, 08:15, ...).
-- column arrivals: Tickets issued in the slot (0 for a quiet slot inside the day's span).
-- column priority_arrivals: Priority tickets (elderly, disabled, pregnant) issued in the slot.
with arrivals as (
    select
        unit_id,
        local_date,
        time_bucket(interval 15 minute, issued_at) as slot_start,
        count(*) as arrivals,
        count(*) filter (where priority) as priority_arrivals
    from core.fct_queue_ticket
    group by all
),

slots as (
    select
        unit_id,
        local_date,
        unnest(generate_series(min(slot_start), max(slot_start), interval 15 minute)) as slot_start
    from arrivals
    group by unit_id, local_date
)

select
    s.unit_id,
    s.local_date,
    s.slot_start,
    coalesce(a.arrivals, 0) as arrivals,
    coalesce(a.priority_arrivals, 0) as priority_arrivals
from slots as s
left join arrivals as a using (unit_id, local_date, slot_start)
