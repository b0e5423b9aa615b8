-- mart_wait_satisfaction_unit_month: Measured waiting beside satisfaction per unit and month: the points the wait-satisfaction correlation is computed over.
-- grain: unit_id, month_start
-- column unit_id: The unit (unit penyelenggara) the month is measured for.
-- column month_start: First day of the month.
-- column tickets_called: Tickets called in the month (the wait sample).
-- column respondents: SKM respondents of the month by the PermenPANRB 14/2017 method.
-- column u3_nrr: NRR of U3 waktu penyelesaian (completion time) in the month, 1-4.
-- column u3_answers: U3 answers given in the month (the u3_nrr denominator).
-- column ikm_converted: Converted IKM of the month (25-100), PermenPANRB 14/2017 method.
-- column is_point: The month counts as a point of the correlation: at least 30 called tickets and 10 U3 answers.
with waits as (
    select
        scope_id as unit_id, period_start as month_start, tickets_called, wait_mean_minutes, wait_p90_minutes, sla_share
    from indicators.ind_queue_period
    where period_type = 'month' and scope_type = 'unit'
),

u3 as (
    select scope_id as unit_id, period_start as month_start, nrr as u3_nrr, answers as u3_answers
    from indicators.ind_ikm_unsur_period
    where period_type = 'month' and scope_type = 'unit' and method = 'permenpanrb_14_2017' and unsur_no = 3
),

ikm as (
    select scope_id as unit_id, period_start as month_start, respondents, ikm_converted
    from indicators.ind_ikm_period
    where period_type = 'month' and scope_type = 'unit' and method = 'permenpanrb_14_2017'
)

select
    w.unit_id,
    u.unit_name,
    w.month_start,
    w.tickets_called,
    w.wait_mean_minutes,
    w.wait_p90_minutes,
    w.sla_share,
    i.respondents,
    s.u3_answers,
    s.u3_nrr,
    i.ikm_converted,
    coalesce(w.tickets_called >= 30 and s.u3_answers >= 10, false) as is_point
from waits as w
join u3 as s using (unit_id, month_start)
join ikm as i using (unit_id, month_start)
join core.dim_unit as u using (unit_id)
