-- mart_queue_unit_day: Queue service levels per unit and local day, for BI.
-- grain: unit_id, local_date
-- column as_of_date: Latest local day of the queue data (its last landed partition): a period ending after it is incomplete.
select
    u.unit_id,
    u.unit_name,
    u.agency,
    u.province,
    q.local_date,
    q.tickets_issued,
    q.tickets_served,
    q.tickets_no_show,
    q.tickets_abandoned,
    q.tickets_cancelled,
    q.tickets_redirected,
    q.wait_mean_minutes,
    q.wait_median_minutes,
    q.wait_p90_minutes,
    q.service_mean_minutes,
    q.sla_share,
    q.no_show_rate,
    q.abandonment_rate,
    q.fee_flags,
    (select as_of_date from core.dim_queue_as_of) as as_of_date
from indicators.ind_queue_unit_day as q
join core.dim_unit as u using (unit_id)
