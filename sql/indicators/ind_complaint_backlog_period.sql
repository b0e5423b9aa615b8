-- ind_complaint_backlog_period: Open complaint backlog per period and scope at the period end (or the end of the data, if earlier), with its age in working days.
-- grain: period_type, period_start, scope_type, scope_id
-- column backlog_open: Complaints received by the period end and neither closed nor archived on that day.
-- column backlog_age_mean_workdays: Mean age of that backlog in working days since receipt, at the period end.
-- column backlog_age_max_workdays: Age of the oldest complaint in that backlog, in working days.
-- A stock, not a cohort: complaints received in earlier periods and still open count too. Working days per SP4N-LAPOR! (core.dim_calendar).
with params as (
    select as_of_date from core.dim_complaints_as_of  -- the complaints' own last day
),

period_ends as (
    select p.period_type, p.period_start, p.period, c.day as period_end, c.workday_index
    from core.dim_period as p
    cross join params as a
    join core.dim_calendar as c on c.day = least(p.period_end, a.as_of_date)
    where p.period_start <= a.as_of_date
)

select
    e.period_type,
    e.period_start,
    e.period,
    m.scope_type,
    m.scope_id,
    count(*) as backlog_open,
    avg(e.workday_index - d.received_workday_index) as backlog_age_mean_workdays,
    max(e.workday_index - d.received_workday_index) as backlog_age_max_workdays
from core.fct_complaint as c
join core.fct_complaint_deadline as d using (complaint_id)
join core.dim_scope_member as m
    on c.unit_id = m.unit_id and (m.service_code is null or c.service_code = m.service_code)
join period_ends as e
    on
        c.received_date <= e.period_end
        and (c.closed_at is null or cast(c.closed_at as date) > e.period_end)
        and (c.archived_at is null or cast(c.archived_at as date) > e.period_end)
group by all
