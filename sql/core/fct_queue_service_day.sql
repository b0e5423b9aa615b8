-- fct_queue_service_day: The additive queue figures of a unit on one local day, per service and for all its services together: counts and sums that period, scope and day indicators add up.
-- grain: unit_id, local_date, service_code?
-- incremental: local_date
-- column local_date: The unit's local date of issue (the partition).
-- column service_code: The service; NULL = all services of the unit that day (one row more per unit and day).
-- column tickets_issued: Tickets issued.
-- column tickets_served: Tickets served at a counter.
-- column tickets_no_show: Tickets called but absent (no-show).
-- column tickets_abandoned: Tickets never called (left before being called).
-- column tickets_cancelled: Tickets cancelled.
-- column tickets_redirected: Tickets redirected to another unit or service.
-- column tickets_called: Tickets called at least once (the wait denominators).
-- column tickets_priority_called: Called tickets of the priority group (elderly, disabled, pregnant).
-- column tickets_with_fee: Tickets with a fee paid above zero.
-- column tickets_charged_on_free_service: Tickets charged on a service published as free (integrity signal).
-- column tickets_charged_above_tarif: Tickets charged above the published tarif (integrity signal).
-- column tickets_fee_flagged: Tickets with either fee flag.
-- column waits_n: Tickets with a wait (called - issued).
-- column wait_minutes_sum: Sum of those waits.
-- column priority_waits_n: Priority tickets with a wait.
-- column priority_wait_minutes_sum: Sum of their waits.
-- column other_waits_n: The other tickets with a wait.
-- column other_wait_minutes_sum: Sum of their waits.
-- column service_times_n: Served tickets with a service time (end - start).
-- column service_minutes_sum: Sum of those service times.
-- column served_within_wait_standard_n: Served tickets whose wait was within the published maximum valid that day.
-- column priority_served_n: Served priority tickets.
-- column priority_served_within_wait_standard_n: Served priority tickets within the waiting-time standard.
-- column other_served_n: The other served tickets.
-- column other_served_within_wait_standard_n: The other served tickets within the waiting-time standard.
-- column fee_compliant_served_n: Served tickets with neither fee flag.
-- column fees_paid_idr: Sum of the fees paid (IDR).
select
    unit_id,
    local_date,
    service_code,
    count(*) as tickets_issued,
    count(*) filter (where outcome = 'served') as tickets_served,
    count(*) filter (where outcome = 'no_show') as tickets_no_show,
    count(*) filter (where outcome = 'abandoned') as tickets_abandoned,
    count(*) filter (where outcome = 'cancelled') as tickets_cancelled,
    count(*) filter (where outcome = 'redirected') as tickets_redirected,
    count(*) filter (where was_called) as tickets_called,
    count(*) filter (where was_called and priority) as tickets_priority_called,
    count(*) filter (where fee_paid_idr > 0) as tickets_with_fee,
    count(*) filter (where charged_on_free_service) as tickets_charged_on_free_service,
    count(*) filter (where charged_above_tarif) as tickets_charged_above_tarif,
    count(*) filter (where charged_on_free_service or charged_above_tarif) as tickets_fee_flagged,
    count(wait_minutes) as waits_n,
    sum(wait_minutes) as wait_minutes_sum,
    count(wait_minutes) filter (where priority) as priority_waits_n,
    sum(wait_minutes) filter (where priority) as priority_wait_minutes_sum,
    count(wait_minutes) filter (where not priority) as other_waits_n,
    sum(wait_minutes) filter (where not priority) as other_wait_minutes_sum,
    count(service_minutes) filter (where outcome = 'served') as service_times_n,
    sum(service_minutes) filter (where outcome = 'served') as service_minutes_sum,
    count(*) filter (where outcome = 'served' and within_wait_standard) as served_within_wait_standard_n,
    count(*) filter (where outcome = 'served' and priority) as priority_served_n,
    count(*) filter (where outcome = 'served' and priority and within_wait_standard)
        as priority_served_within_wait_standard_n,
    count(*) filter (where outcome = 'served' and not priority) as other_served_n,
    count(*) filter (where outcome = 'served' and not priority and within_wait_standard)
        as other_served_within_wait_standard_n,
    count(*) filter (
        where outcome = 'served' and not coalesce(charged_on_free_service or charged_above_tarif, false)
    ) as fee_compliant_served_n,
    sum(fee_paid_idr) as fees_paid_idr
from core.fct_queue_ticket
-- Means and shares are ratios of these sums, taken after adding (a mean of daily means would weigh days, not tickets).
group by grouping sets ((unit_id, local_date), (unit_id, local_date, service_code))
