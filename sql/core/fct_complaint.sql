-- fct_complaint: One complaint with its milestones and the working days each took.
-- grain: complaint_id
-- column received_at: Local time the complaint was received (first status).
-- column received_date: Local date the complaint was received.
-- column is_integrity_signal: The category is pungli (illegal fee) or discrimination.
-- column verified_at: First verification.
-- column verification_outcome_at: When verification ended: verified, or archived at intake (SP4N-LAPOR!'s other outcome of verification).
-- column verification_outcome: verified or archived: which outcome ended verification first; NULL while it is pending.
-- column forwarded_at: First forwarding to the unit.
-- column responded_at: First response (follow-up) to the reporter.
-- column closed_at: Closure, when closed: the closed status, or (closed_automatically) the day the automatic closure fell on.
-- column closed_automatically: Left at responded without the reporter's reply for MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS working days (Mutu's own rule, default 10; 0 = never) by the complaints' as-of date, so counted as closed on that day.
-- column archived_at: Archived or rejected, when it was.
-- column current_status: Last status in the history.
-- column workdays_to_verify: Working days from receipt to the verification outcome, verified or archived (SP4N-LAPOR! limit: 3).
-- column workdays_to_respond: Working days from forwarding to the first response (limit: 5).
-- column workdays_to_close: Working days from receipt to closure (the automatic closure's day for those closed automatically).
-- column verify_due_date: Last working day verification is within its limit.
-- column respond_due_date: Last working day the follow-up is within its limit.
-- column is_open: Neither closed nor archived at the end of the data.
-- Perpres 76/2013 and PermenPANRB 62/2018 (SP4N-LAPOR!): verify in 3 working days; the unit follows up within 5 working days of forwarding.
-- Verification ends in one of two outcomes: the report is verified (and forwarded) or archived at intake. Both are the verification
-- event; the statuses are the complaints contract's verificationOutcomes (data_contracts/complaints.odcs.yaml, status_history.status).
-- A report SP4N-LAPOR! leaves at `responded` waits for the reporter's confirmation; many never give it. Mutu closes such a complaint
-- after staging.run_parameters.complaint_auto_close_workdays working days without a reply: its own, configurable rule.
with complaints_as_of as (
    -- The complaints' own last day (core.dim_complaints_as_of): a lagging export is not judged on another source's later day.
    select as_of_date from core.dim_complaints_as_of
),

params as (
    select a.as_of_date, r.complaint_auto_close_workdays as auto_close_workdays
    from staging.run_parameters as r
    cross join complaints_as_of as a
),

latest as (
    -- Of a complaint's versions in several day partitions, the one whose last status change is latest (the complaints
    -- contract's versionedBy: status_history), whichever day's export holds it; then a restated later day's export.
    select *
    from staging.complaints
    qualify row_number() over (
        partition by complaint_id
        order by
            list_max(list_transform(status_history, lambda s: s.at)) desc nulls last,
            partition_key desc,
            source_row desc
    ) = 1
),

milestones as (
    select
        complaint_id,
        min(h.at) filter (where h.status = 'verified') as verified_at,
        min(h.at) filter (where h.status in ('verified', 'archived')) as verification_outcome_at,
        arg_min(h.status, h.at) filter (where h.status in ('verified', 'archived')) as verification_outcome,
        min(h.at) filter (where h.status = 'forwarded') as forwarded_at,
        min(h.at) filter (where h.status = 'responded') as responded_at,
        max(h.at) filter (where h.status = 'responded') as last_responded_at,
        min(h.at) filter (where h.status = 'closed') as closed_at,
        min(h.at) filter (where h.status = 'archived') as archived_at,
        arg_max(h.status, h.at) as current_status
    from (select complaint_id, unnest(status_history) as h from latest) as history
    group by complaint_id
),

cal as (
    select day, workday_index, is_workday from core.dim_calendar
),

dated as (
    select
        l.complaint_id,
        l.unit_id,
        l.service_code,
        l.channel,
        l.type,
        l.category,
        l.reporter_pseudonym,
        l.anonymous,
        l.rating,
        l.submitted_at as received_at,
        m.verified_at,
        m.verification_outcome_at,
        m.verification_outcome,
        m.forwarded_at,
        m.responded_at,
        m.closed_at,
        m.archived_at,
        m.current_status,
        (select workday_index from cal where day = cast(l.submitted_at as date)) as received_idx,
        (select workday_index from cal where day = cast(m.verification_outcome_at as date)) as verified_idx,
        (select workday_index from cal where day = cast(m.forwarded_at as date)) as forwarded_idx,
        (select workday_index from cal where day = cast(m.responded_at as date)) as responded_idx,
        (select workday_index from cal where day = cast(m.last_responded_at as date)) as last_responded_idx,
        (select workday_index from cal where day = cast(m.closed_at as date)) as closed_idx
    from latest as l
    left join milestones as m using (complaint_id)
),

auto_closing as (
    -- Still at responded (the last status), neither closed nor archived: the working day the automatic closure falls on.
    select
        d.*,
        p.as_of_date,
        case
            when
                d.current_status = 'responded'
                and d.closed_at is null
                and d.archived_at is null
                and p.auto_close_workdays is not null
                then d.last_responded_idx + p.auto_close_workdays
        end as auto_close_idx
    from dated as d
    cross join params as p
),

closing as (
    select
        a.* replace (
            case when a.auto_close_day <= a.as_of_date then cast(a.auto_close_day as timestamp) else a.closed_at end
                as closed_at,
            case when a.auto_close_day <= a.as_of_date then a.auto_close_idx else a.closed_idx end as closed_idx
        ),
        coalesce(a.auto_close_day <= a.as_of_date, false) as closed_automatically
    from (
        select *, (select min(day) from cal where is_workday and workday_index = auto_close_idx) as auto_close_day
        from auto_closing
    ) as a
)

select
    complaint_id,
    unit_id,
    service_code,
    channel,
    type,
    category,
    category in ('pungli', 'discrimination') as is_integrity_signal,
    reporter_pseudonym,
    anonymous,
    rating,
    received_at,
    cast(received_at as date) as received_date,
    verified_at,
    verification_outcome_at,
    verification_outcome,
    forwarded_at,
    responded_at,
    closed_at,
    closed_automatically,
    archived_at,
    current_status,
    verified_idx - received_idx as workdays_to_verify,
    responded_idx - forwarded_idx as workdays_to_respond,
    closed_idx - received_idx as workdays_to_close,
    (select min(day) from cal where is_workday and workday_index = received_idx + 3) as verify_due_date,
    (select min(day) from cal where is_workday and workday_index = forwarded_idx + 5) as respond_due_date,
    closed_at is null and archived_at is null as is_open
from closing
