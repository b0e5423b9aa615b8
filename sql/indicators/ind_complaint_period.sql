-- ind_complaint_period: Complaint handling per period and scope on working days: speed, limits, closure, backlog, integrity signals, load and repeat reporters.
-- grain: period_type, period_start, scope_type, scope_id
-- incremental: period_start by period_type
-- column complaints_received: Complaints received in the period (the cohort the rates below are about).
-- column complaints_verified: Of those, with a verification outcome by the end of the data: verified, or archived at intake (the funnel's second stage).
-- column complaints_responded: Of those, with a first response to the reporter by the end of the data.
-- column complaints_closed: Of those, closed by the end of the data (closed_automatically ones included).
-- column complaints_closed_automatically: Of those closed, closed by Mutu's own rule: left at responded without the reporter's reply for auto_close_workdays working days (MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS).
-- column auto_close_workdays: The working days of that rule in this build (NULL: the rule is off and such complaints stay open).
-- column complaints_archived: Of those, archived or rejected without closure (not due for handling).
-- column complaints_open: Of those, neither closed nor archived at the end of the data.
-- column workdays_to_verify_mean: Mean working days from receipt to verification (verified ones).
-- column workdays_to_verify_median: Median working days from receipt to verification (verified ones).
-- column workdays_to_first_response_median: Median working days from receipt to the first response to the reporter (responded ones).
-- column workdays_to_respond_median: Median working days from forwarding to the first response: the follow-up the 5-day limit is about.
-- column workdays_to_close_mean: Mean working days from receipt to closure (closed ones).
-- column workdays_to_close_median: Median working days from receipt to closure (closed ones).
-- column verified_within_limit_share: Share verified or archived at intake within 3 working days, of those with a verification outcome or past their deadline.
-- column responded_within_limit_share: Share followed up within 5 working days of forwarding, of those responded or past their deadline.
-- column complaints_due: Complaints due for closure: closed, or not archived and past the closure deadline (8 working days after receipt, Mutu's own rule) at the end of the data.
-- column handled_share: complaints_closed / complaints_due.
-- column closed_within_limit_share: Share of the due complaints closed by their deadline, 8 working days after receipt: Mutu's own rule (SP4N-LAPOR!'s 3 days to verify and 5 to follow up, end to end), not a limit the regulation sets.
-- column pungli_complaints: Complaints about illegal fees (pungli): integrity signal.
-- column discrimination_complaints: Complaints about discrimination: integrity signal.
-- column integrity_signals: pungli_complaints + discrimination_complaints.
-- column tickets_served: Queue tickets served in the period and scope (from ind_queue_period).
-- column complaints_per_1000_served: complaints_received x 1000 / tickets_served.
-- column reporters: Distinct identified reporters (keyed pseudonyms; anonymous complaints have none).
-- column repeat_reporters: Pseudonyms with two or more complaints in the period and scope.
-- column complaints_from_repeat_reporters: Complaints filed by those repeat reporters.
-- Perpres 76/2013 and PermenPANRB 62/2018 (SP4N-LAPOR!): verify within 3 working days, follow up within 5 working days of
-- forwarding (judged in core.fct_complaint_deadline); working days exclude weekends, national holidays and cuti bersama.
with scoped as (
    select
        b.period_type, b.period_start, b.period, b.scope_type, b.scope_id,
        c.complaint_id,
        c.category,
        c.reporter_pseudonym,
        c.closed_at,
        c.closed_automatically,
        c.archived_at,
        c.is_open,
        c.workdays_to_verify,
        c.workdays_to_respond,
        c.workdays_to_close,
        d.workdays_to_first_response,
        d.verify_judged,
        d.verified_within_limit,
        d.respond_judged,
        d.responded_within_limit,
        d.close_judged,
        d.closed_within_limit
    from core.fct_complaint as c
    join core.fct_complaint_deadline as d using (complaint_id)
    join core.dim_scope_period_day as b on c.unit_id = b.unit_id and c.received_date = b.day
    where b.service_code is null or c.service_code = b.service_code
),

received as (
    select
        period_type, period_start, period, scope_type, scope_id,
        count(*) as complaints_received,
        count(*) filter (where workdays_to_verify is not null) as complaints_verified,
        count(*) filter (where workdays_to_first_response is not null) as complaints_responded,
        count(*) filter (where closed_at is not null) as complaints_closed,
        count(*) filter (where closed_automatically) as complaints_closed_automatically,
        count(*) filter (where archived_at is not null and closed_at is null) as complaints_archived,
        count(*) filter (where is_open) as complaints_open,
        avg(workdays_to_verify) as workdays_to_verify_mean,
        quantile_cont(workdays_to_verify, 0.5) as workdays_to_verify_median,
        quantile_cont(workdays_to_first_response, 0.5) as workdays_to_first_response_median,
        quantile_cont(workdays_to_respond, 0.5) as workdays_to_respond_median,
        avg(workdays_to_close) as workdays_to_close_mean,
        quantile_cont(workdays_to_close, 0.5) as workdays_to_close_median,
        avg(case when verified_within_limit then 1.0 else 0.0 end) filter (where verify_judged)
            as verified_within_limit_share,
        avg(case when responded_within_limit then 1.0 else 0.0 end) filter (where respond_judged)
            as responded_within_limit_share,
        count(*) filter (where close_judged) as complaints_due,
        avg(case when closed_at is not null then 1.0 else 0.0 end) filter (where close_judged) as handled_share,
        avg(case when closed_within_limit then 1.0 else 0.0 end) filter (where close_judged)
            as closed_within_limit_share,
        count(*) filter (where category = 'pungli') as pungli_complaints,
        count(*) filter (where category = 'discrimination') as discrimination_complaints,
        count(*) filter (where category in ('pungli', 'discrimination')) as integrity_signals
    from scoped
    group by all
),

reporters as (
    select
        period_type,
        period_start,
        scope_type,
        scope_id,
        count(*) as reporters,
        count(*) filter (where complaints >= 2) as repeat_reporters,
        coalesce(sum(complaints) filter (where complaints >= 2), 0) as complaints_from_repeat_reporters
    from (
        select period_type, period_start, scope_type, scope_id, reporter_pseudonym, count(*) as complaints
        from scoped
        where reporter_pseudonym is not null
        group by all
    ) as per_reporter
    group by all
),

spine as (
    select period_type, period_start, period, scope_type, scope_id from received
    union
    select period_type, period_start, period, scope_type, scope_id from indicators.ind_complaint_backlog_period
    union
    select period_type, period_start, period, scope_type, scope_id from indicators.ind_queue_period
)

select
    s.period_type, s.period_start, s.period, s.scope_type, s.scope_id,
    coalesce(r.complaints_received, 0) as complaints_received,
    coalesce(r.complaints_verified, 0) as complaints_verified,
    coalesce(r.complaints_responded, 0) as complaints_responded,
    coalesce(r.complaints_closed, 0) as complaints_closed,
    coalesce(r.complaints_closed_automatically, 0) as complaints_closed_automatically,
    (select complaint_auto_close_workdays from staging.run_parameters) as auto_close_workdays,
    coalesce(r.complaints_archived, 0) as complaints_archived,
    coalesce(r.complaints_open, 0) as complaints_open,
    r.workdays_to_verify_mean,
    r.workdays_to_verify_median,
    r.workdays_to_first_response_median,
    r.workdays_to_respond_median,
    r.workdays_to_close_mean,
    r.workdays_to_close_median,
    r.verified_within_limit_share,
    r.responded_within_limit_share,
    coalesce(r.complaints_due, 0) as complaints_due,
    r.handled_share,
    r.closed_within_limit_share,
    coalesce(b.backlog_open, 0) as backlog_open,
    b.backlog_age_mean_workdays,
    b.backlog_age_max_workdays,
    coalesce(r.pungli_complaints, 0) as pungli_complaints,
    coalesce(r.discrimination_complaints, 0) as discrimination_complaints,
    coalesce(r.integrity_signals, 0) as integrity_signals,
    coalesce(q.tickets_served, 0) as tickets_served,
    coalesce(r.complaints_received, 0) * 1000.0 / nullif(q.tickets_served, 0) as complaints_per_1000_served,
    coalesce(rp.reporters, 0) as reporters,
    coalesce(rp.repeat_reporters, 0) as repeat_reporters,
    coalesce(rp.complaints_from_repeat_reporters, 0) as complaints_from_repeat_reporters
from spine as s
left join received as r using (period_type, period_start, scope_type, scope_id)
left join indicators.ind_complaint_backlog_period as b using (period_type, period_start, scope_type, scope_id)
left join indicators.ind_queue_period as q using (period_type, period_start, scope_type, scope_id)
left join reporters as rp using (period_type, period_start, scope_type, scope_id)
