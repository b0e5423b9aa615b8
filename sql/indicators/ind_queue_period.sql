-- ind_queue_period: Queue service levels per period and scope: volumes, waits, service times, SLA, priority equity and fees.
-- column tickets_issued: Tickets issued.
-- column tickets_served: Tickets served at a counter.
-- column tickets_no_show: Tickets called but absent (no-show).
-- column tickets_abandoned: Tickets never called (left before being called).
-- column tickets_cancelled: Tickets cancelled.
-- column tickets_redirected: Tickets redirected to another unit or service.
-- column tickets_called: Tickets called at least once (the wait denominators).
-- column wait_mean_minutes: Mean wait (called - issued) over called tickets.
-- column wait_median_minutes: Median wait over called tickets (linear interpolation).
-- column wait_p90_minutes: 90th percentile wait over called tickets (linear interpolation).
-- column service_mean_minutes: Mean service time (end - start) over served tickets.
-- column service_median_minutes: Median service time over served tickets (linear interpolation).
-- column service_p90_minutes: 90th percentile service time over served tickets (linear interpolation).
-- column sla_share: Share of served tickets whose wait was within the published maximum of the standard valid on their day.
-- column no_show_rate: No-shows / tickets issued.
-- column abandonment_rate: Abandoned / tickets issued.
-- column priority_tickets_called: Called tickets of the priority group (elderly, disabled, pregnant).
-- column priority_wait_mean_minutes: Mean wait of called priority tickets.
-- column priority_wait_median_minutes: Median wait of called priority tickets.
-- column other_wait_mean_minutes: Mean wait of the other called tickets.
-- column other_wait_median_minutes: Median wait of the other called tickets.
-- column priority_wait_gap_minutes: priority_wait_median_minutes - other_wait_median_minutes: above 0 means priority visitors wait longer (an equity finding).
-- column priority_sla_share: SLA share of served priority tickets.
-- column other_sla_share: SLA share of the other served tickets.
-- column tickets_with_fee: Tickets with a fee paid above zero.
-- column fees_paid_idr: Sum of the fees paid (IDR).
-- column tickets_charged_on_free_service: Tickets charged on a service published as free (integrity signal).
-- column tickets_charged_above_tarif: Tickets charged above the published tarif (integrity signal).
-- column fee_compliance_share: Share of served tickets with neither fee flag: paid nothing on a free service and at most the tarif otherwise.
-- Standar pelayanan (PermenPANRB 15/2014; UU 25/2009 art. 21): waiting time and tarif are published per service; the
-- standard valid on the ticket's day is the one judged (core.fct_queue_ticket). A fee on a free service or above tarif is pungli risk.
select
    p.period_type,
    p.period_start,
    p.period,
    m.scope_type,
    m.scope_id,
    count(*) as tickets_issued,
    count(*) filter (where t.outcome = 'served') as tickets_served,
    count(*) filter (where t.outcome = 'no_show') as tickets_no_show,
    count(*) filter (where t.outcome = 'abandoned') as tickets_abandoned,
    count(*) filter (where t.outcome = 'cancelled') as tickets_cancelled,
    count(*) filter (where t.outcome = 'redirected') as tickets_redirected,
    count(*) filter (where t.was_called) as tickets_called,
    avg(t.wait_minutes) as wait_mean_minutes,
    quantile_cont(t.wait_minutes, 0.5) as wait_median_minutes,
    quantile_cont(t.wait_minutes, 0.9) as wait_p90_minutes,
    avg(t.service_minutes) filter (where t.outcome = 'served') as service_mean_minutes,
    quantile_cont(t.service_minutes, 0.5) filter (where t.outcome = 'served') as service_median_minutes,
    quantile_cont(t.service_minutes, 0.9) filter (where t.outcome = 'served') as service_p90_minutes,
    avg(case when t.within_wait_standard then 1.0 else 0.0 end) filter (where t.outcome = 'served') as sla_share,
    count(*) filter (where t.outcome = 'no_show') / count(*) as no_show_rate,
    count(*) filter (where t.outcome = 'abandoned') / count(*) as abandonment_rate,
    count(*) filter (where t.was_called and t.priority) as priority_tickets_called,
    avg(t.wait_minutes) filter (where t.priority) as priority_wait_mean_minutes,
    quantile_cont(t.wait_minutes, 0.5) filter (where t.priority) as priority_wait_median_minutes,
    avg(t.wait_minutes) filter (where not t.priority) as other_wait_mean_minutes,
    quantile_cont(t.wait_minutes, 0.5) filter (where not t.priority) as other_wait_median_minutes,
    quantile_cont(t.wait_minutes, 0.5) filter (where t.priority) - quantile_cont(t.wait_minutes, 0.5) filter (where not t.priority) as priority_wait_gap_minutes,
    avg(case when t.within_wait_standard then 1.0 else 0.0 end) filter (where t.outcome = 'served' and t.priority) as priority_sla_share,
    avg(case when t.within_wait_standard then 1.0 else 0.0 end) filter (where t.outcome = 'served' and not t.priority) as other_sla_share,
    count(*) filter (where t.fee_paid_idr > 0) as tickets_with_fee,
    coalesce(sum(t.fee_paid_idr), 0) as fees_paid_idr,
    count(*) filter (where t.charged_on_free_service) as tickets_charged_on_free_service,
    count(*) filter (where t.charged_above_tarif) as tickets_charged_above_tarif,
    avg(case when t.charged_on_free_service or t.charged_above_tarif then 0.0 else 1.0 end) filter (where t.outcome = 'served') as fee_compliance_share
from core.fct_queue_ticket as t
join core.dim_scope_member as m
    on m.unit_id = t.unit_id and (m.service_code is null or m.service_code = t.service_code)
join core.dim_period as p
    on t.local_date between p.period_start and p.period_end
group by all
