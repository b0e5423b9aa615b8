-- fct_queue_counter_day: One counter (loket) of a unit on one local day: how long it was open and how long it served.
-- grain: unit_id, local_date, counter_id
-- incremental: local_date
-- column first_call_at: First call of a ticket to this counter that day.
-- column last_service_end_at: End of the last service at this counter that day.
-- column open_minutes: Opening span of the counter: minutes from the first call to the last service end.
-- column busy_minutes: Sum of service minutes (end - start) of the tickets served at the counter.
-- column tickets_called: Tickets called to the counter (served, no-show or redirected).
-- column tickets_served: Tickets served at the counter.
-- column utilisation: busy_minutes / open_minutes: share of the opening span spent serving (NULL when nothing was served).
select
    unit_id,
    local_date,
    counter_id,
    min(called_at) as first_call_at,
    max(service_end_at) as last_service_end_at,
    date_diff('second', min(called_at), max(service_end_at)) / 60.0 as open_minutes,
    coalesce(sum(service_minutes) filter (where outcome = 'served'), 0) as busy_minutes,
    count(*) filter (where was_called) as tickets_called,
    count(*) filter (where outcome = 'served') as tickets_served,
    sum(service_minutes) filter (where outcome = 'served')
    / nullif(date_diff('second', min(called_at), max(service_end_at)) / 60.0, 0) as utilisation
from core.fct_queue_ticket
where counter_id is not null
group by unit_id, local_date, counter_id
