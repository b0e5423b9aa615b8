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
select
    unit_id,
    local_date,
    count(*) as tickets_issued,
    count(*) filter (where outcome = 'served') as tickets_served,
    count(*) filter (where outcome = 'no_show') as tickets_no_show,
    count(*) filter (where outcome = 'abandoned') as tickets_abandoned,
    count(*) filter (where outcome = 'cancelled') as tickets_cancelled,
    count(*) filter (where outcome = 'redirected') as tickets_redirected,
    avg(wait_minutes) as wait_mean_minutes,
    quantile_cont(wait_minutes, 0.5) as wait_median_minutes,
    quantile_cont(wait_minutes, 0.9) as wait_p90_minutes,
    avg(service_minutes) filter (where outcome = 'served') as service_mean_minutes,
    avg(case when within_wait_standard then 1.0 else 0.0 end) filter (where outcome = 'served') as sla_share,
    count(*) filter (where outcome = 'no_show') / count(*) as no_show_rate,
    count(*) filter (where outcome = 'abandoned') / count(*) as abandonment_rate,
    count(*) filter (where charged_on_free_service or charged_above_tarif) as fee_flags
from core.fct_queue_ticket
group by unit_id, local_date
