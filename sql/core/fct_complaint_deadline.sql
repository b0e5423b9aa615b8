-- fct_complaint_deadline: One complaint with its SP4N-LAPOR! deadlines and, as of the end of the data, whether each limit is judged yet and was kept.
-- grain: complaint_id
-- column received_workday_index: Working-day number (core.dim_calendar) of the day of receipt.
-- column workdays_to_first_response: Working days from receipt to the first response to the reporter.
-- column close_due_date: Closure deadline: the 8th working day after receipt (3 to verify + 5 to follow up), Mutu's own rule.
-- column verify_judged: Verified or archived at intake, or its verification deadline passed before the end of the data: counts in the verification share.
-- column verified_within_limit: Verified or archived at intake (the two outcomes of verification) within 3 working days of receipt.
-- column respond_judged: Forwarded, and responded or its follow-up deadline passed before the end of the data: counts in the follow-up share.
-- column responded_within_limit: First response within 5 working days of forwarding.
-- column close_judged: Closed, or not archived and past close_due_date at the end of the data: due for closure.
-- column closed_within_limit: Closed on or before close_due_date.
-- Perpres 76/2013 and PermenPANRB 62/2018 (SP4N-LAPOR!): verify within 3 working days; the unit follows up within 5 working days of
-- forwarding. The closure deadline is Mutu's own rule, not the regulation's: the two limits end to end, 8 working days after receipt.
with params as (
    select as_of_date from core.dim_complaints_as_of  -- the complaints' own last day
),

calendar as (
    select day, is_workday, workday_index from core.dim_calendar
)

select
    c.complaint_id,
    received.workday_index as received_workday_index,
    responded.workday_index - received.workday_index as workdays_to_first_response,
    due.day as close_due_date,
    -- Only complaints whose outcome is known, or whose deadline has passed, count in a share.
    c.verification_outcome_at is not null or c.verify_due_date < p.as_of_date as verify_judged,
    coalesce(c.workdays_to_verify <= 3, false) as verified_within_limit,
    c.forwarded_at is not null and (c.responded_at is not null or c.respond_due_date < p.as_of_date) as respond_judged,
    coalesce(c.workdays_to_respond <= 5, false) as responded_within_limit,
    c.closed_at is not null or (c.archived_at is null and due.day < p.as_of_date) as close_judged,
    coalesce(cast(c.closed_at as date) <= due.day, false) as closed_within_limit
from core.fct_complaint as c
cross join params as p
join calendar as received on c.received_date = received.day
left join calendar as responded on responded.day = cast(c.responded_at as date)
left join calendar as due on due.is_workday and due.workday_index = received.workday_index + 8
