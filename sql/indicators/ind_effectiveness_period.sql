-- ind_effectiveness_period: Realisation against each yearly KPI target of a unit, per period of the target year, with met / not met for the management review.
-- grain: period_type, period_start, unit_id, indicator, ikm_method?
-- column target_year: Year the target was set for (targets.year).
-- column period: Period label: 2026-07 (month), 2026-Q3 (quarter), 2026-S2 (semester), 2026 (year).
-- column ikm_method: For an IKM indicator, the survey method of the realisation: a unit with both methods in a period has a row for each (never one dropped); NULL for other indicators.
-- column realisation: The unit's value of the indicator in the period (NULL when there is no data or the indicator is not in core.dim_indicator).
-- column achievement_ratio: realisation / target (for a lower-is-better KPI, <= 1 meets it).
-- column status: met, not met, no data (no realisation in the period) or unknown indicator (not in core.dim_indicator).
-- ISO 9001:2015 clauses 6.2 and 9.1.3: quality objectives are measurable and their achievement is evaluated; a yearly target is judged
-- on every period of its year so a miss shows before the year ends.
with periods as (
    -- Periods of the unit that carry data (queue tickets, complaints or surveys).
    select period_type, period_start, period, scope_id as unit_id
    from indicators.ind_complaint_period
    where scope_type = 'unit'
    union
    select period_type, period_start, period, scope_id from indicators.ind_ikm_period where scope_type = 'unit'
),

ikm as (
    -- Each method's IKM: a unit that moved from the 2004 to the 2017 method within a period is judged on both, side by side.
    select period_type, period_start, scope_id as unit_id, method, ikm, ikm_converted
    from indicators.ind_ikm_period
    where scope_type = 'unit'
),

queue as (
    select * from indicators.ind_queue_period where scope_type = 'unit'
),

counters as (
    select * from indicators.ind_queue_counter_period where scope_type = 'unit'
),

complaints as (
    select * from indicators.ind_complaint_period where scope_type = 'unit'
),

realised as (
    select
        t.unit_id,
        t.year as target_year,
        t.indicator,
        t.target,
        p.period_type,
        p.period_start,
        p.period,
        d.higher_is_better,
        i.method as ikm_method,
        case t.indicator
            when 'ikm_converted' then i.ikm_converted
            when 'ikm' then i.ikm
            when 'queue_sla_share' then q.sla_share
            when 'queue_wait_mean_minutes' then q.wait_mean_minutes
            when 'queue_wait_median_minutes' then q.wait_median_minutes
            when 'queue_wait_p90_minutes' then q.wait_p90_minutes
            when 'queue_abandonment_rate' then q.abandonment_rate
            when 'queue_no_show_rate' then q.no_show_rate
            when 'queue_fee_compliance_share' then q.fee_compliance_share
            when 'queue_counter_utilisation' then u.counter_utilisation
            when 'complaint_verified_within_limit_share' then c.verified_within_limit_share
            when 'complaint_responded_within_limit_share' then c.responded_within_limit_share
            when 'complaint_closed_within_limit_share' then c.closed_within_limit_share
            when 'complaint_handled_share' then c.handled_share
            when 'complaint_workdays_to_close_median' then c.workdays_to_close_median
            when 'complaints_per_1000_served' then c.complaints_per_1000_served
        end as realisation
    from core.dim_target as t
    join periods as p
        on t.unit_id = p.unit_id and year(p.period_start) = t.year
    left join core.dim_indicator as d using (indicator)
    left join ikm as i
        on
            t.indicator in ('ikm_converted', 'ikm')
            and t.unit_id = i.unit_id
            and p.period_type = i.period_type
            and p.period_start = i.period_start
    left join queue as q on t.unit_id = q.scope_id and p.period_type = q.period_type and p.period_start = q.period_start
    left join
        counters as u
        on t.unit_id = u.scope_id and p.period_type = u.period_type and p.period_start = u.period_start
    left join
        complaints as c
        on t.unit_id = c.scope_id and p.period_type = c.period_type and p.period_start = c.period_start
)

select
    period_type,
    period_start,
    period,
    unit_id,
    target_year,
    indicator,
    ikm_method,
    higher_is_better,
    target,
    realisation,
    realisation / nullif(target, 0) as achievement_ratio,
    case
        when higher_is_better is null then 'unknown indicator'
        when realisation is null then 'no data'
        when higher_is_better and realisation >= target then 'met'
        when not higher_is_better and realisation <= target then 'met'
        else 'not met'
    end as status
from realised
