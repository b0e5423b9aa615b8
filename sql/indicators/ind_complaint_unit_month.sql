-- ind_complaint_unit_month: Complaint handling per unit and month of receipt, on working days.
-- grain: unit_id, month_start
-- column month_start: First day of the month the complaints were received.
-- column complaints_received: Complaints received in the month.
-- column complaints_closed: Of those, closed by the end of the data.
-- column complaints_open: Of those, neither closed nor archived at the end of the data.
-- column workdays_to_close_median: Median working days from receipt to closure (closed ones).
-- column verified_within_limit_share: Share verified or archived at intake within 3 working days, of those with a verification outcome or past their deadline.
-- column responded_within_limit_share: Share followed up within 5 working days of forwarding, of those responded or past their deadline.
-- column integrity_signals: Complaints about pungli (illegal fees) or discrimination.
-- SP4N-LAPOR! limits: verification 3 working days; follow-up 5 working days after forwarding.
with params as (
    select as_of_date from core.dim_source_as_of where source = 'complaints'  -- the complaints' own last day
),

judged as (
    select
        c.*,
        -- Only complaints whose outcome is known, or whose deadline has passed, count in the share.
        c.verification_outcome_at is not null or c.verify_due_date < p.as_of_date as verify_due,
        c.forwarded_at is not null and (c.responded_at is not null or c.respond_due_date < p.as_of_date) as respond_due
    from core.fct_complaint as c
    cross join params as p
)

select
    unit_id,
    cast(date_trunc('month', received_date) as date) as month_start,
    count(*) as complaints_received,
    count(*) filter (where closed_at is not null) as complaints_closed,
    count(*) filter (where is_open) as complaints_open,
    quantile_cont(workdays_to_close, 0.5) as workdays_to_close_median,
    avg(case when workdays_to_verify <= 3 then 1.0 else 0.0 end) filter (where verify_due) as verified_within_limit_share,
    avg(case when workdays_to_respond <= 5 then 1.0 else 0.0 end) filter (where respond_due) as responded_within_limit_share,
    count(*) filter (where is_integrity_signal) as integrity_signals
from judged
group by all
