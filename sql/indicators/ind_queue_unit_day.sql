-- ind_queue_unit_day: Queue service levels per unit and local day.
-- grain: unit_id, local_date
-- incremental: local_date
-- column tickets_issued: Tickets issued.
-- column tickets_served: Tickets served at a counter.
-- column tickets_no_show: Tickets called but absent (no-show).
-- column tickets_abandoned: Tickets never called (left before being called).
-- column tickets_cancelled: Tickets cancelled.
-- column tickets_redirected: Tickets redirected to another unit or service.
-- column wait_mean_minutes: Mean wait (called - issued) over called tickets.
-- column wait_median_minutes: Median wait over called tickets (linear interpolation).
-- column wait_p90_minutes: 90th percentile wait over called tickets (linear interpolation).
-- column service_mean_minutes: Mean service time (end - start) over served tickets.
-- column sla_share: Share of served tickets whose wait was within the published maximum valid that day.
-- column no_show_rate: No-shows / tickets issued.
-- column abandonment_rate: Abandoned / tickets issued.
-- column fee_flags: Tickets charged on a free service or above the tarif (integrity signals).
-- Counts and means from the day's additive figures of all services (core.fct_queue_service_day), percentiles from
-- the tickets.
with wait_percentiles as (
    select
        unit_id,
        local_date,
        quantile_cont(wait_minutes, 0.5) as wait_median_minutes,
        quantile_cont(wait_minutes, 0.9) as wait_p90_minutes
    from core.fct_queue_ticket
    group by unit_id, local_date
)

select
    d.unit_id,
    d.local_date,
    d.tickets_issued,
    d.tickets_served,
    d.tickets_no_show,
    d.tickets_abandoned,
    d.tickets_cancelled,
    d.tickets_redirected,
    d.wait_minutes_sum / nullif(d.waits_n, 0) as wait_mean_minutes,
    p.wait_median_minutes,
    p.wait_p90_minutes,
    d.service_minutes_sum / nullif(d.service_times_n, 0) as service_mean_minutes,
    d.served_within_wait_standard_n / nullif(d.tickets_served, 0) as sla_share,
    d.tickets_no_show / d.tickets_issued as no_show_rate,
    d.tickets_abandoned / d.tickets_issued as abandonment_rate,
    d.tickets_fee_flagged as fee_flags
from core.fct_queue_service_day as d
join wait_percentiles as p on d.unit_id = p.unit_id and d.local_date = p.local_date
where d.service_code is null
