-- mart_kpi_control: Control chart of each headline KPI per unit, agency and province, by week and by month: centre line, limits and the points that signal a real change.
-- grain: grain, period_start, scope_type, scope_id, kpi
-- column period: Period label: ISO week (2026-W27) or month (2026-07), after grain.
-- column centre_line: Centre line: the pooled share (p chart) or the mean of the values (individuals chart) over every period of the series; NULL with fewer than min_points.
-- column ucl: Upper control limit: p + 3 sigma_p x sigma_z (Laney p', sigma_p from the period's own sample size) or mean + 2.66 x mean moving range.
-- column lcl: Lower control limit (same rule, downwards; a share is not below 0).
-- column sigma_z: Laney's between-period dispersion of the standardised shares (mean moving range of z / 1.128); below 1 the plain p chart is used.
-- column points: Periods in the series the limits were computed from.
-- column min_points: Fewest periods a series needs before its centre line, limits and flags are published (8).
-- column limits_status: "limits from N points", or "not enough history: N of 8 points" (no limits, nothing flagged).
-- column beyond_limits: The value lies outside the control limits (Shewhart rule 1); false without limits.
-- column run_length: How many periods in a row, up to this one, lie on the same side of the centre line.
-- column flagged: beyond_limits, or the point ends a run of 8 or more on one side (a shift); never on a series shorter than min_points.
-- column signal: Why the point is flagged (beyond UCL, beyond LCL, run of N above/below the centre line), or NULL.
-- Limits follow Montgomery, Introduction to Statistical Quality Control (I-MR: 2.66 = 3 / d2, d2 = 1.128 for n = 2)
-- and Laney (2002) for p charts on large, varying samples; the run rule is 8 in a row on one side (Nelson rule 2 uses 9, AIAG 7).
-- Limits from a handful of points are noise (three monthly points give a moving range of two): Mutu publishes limits and flags
-- only from 8 points, the length of the run rule, and says "not enough history" below that.
with settings as (
    select 8 as min_points
),

ordered as (
    select
        s.*,
        row_number() over series as point_no,
        count(*) over (partition by grain, scope_type, scope_id, kpi) as points,
        sum(successes) over (partition by grain, scope_type, scope_id, kpi)
        / sum(sample_size) over (partition by grain, scope_type, scope_id, kpi) as p_bar,
        avg(value) over (partition by grain, scope_type, scope_id, kpi) as mean_value,
        abs(value - lag(value) over series) as moving_range
    from indicators.ind_kpi_series as s
    window series as (partition by grain, scope_type, scope_id, kpi order by period_start)
),

standardised as (
    select
        *,
        sqrt(p_bar * (1 - p_bar) / sample_size) as sigma_p,
        case
            when chart = 'p' and p_bar > 0 and p_bar < 1 then (value - p_bar) / sqrt(p_bar * (1 - p_bar) / sample_size)
        end as z
    from ordered
),

z_moving as (
    select
        *, abs(z - lag(z) over (partition by grain, scope_type, scope_id, kpi order by period_start)) as z_moving_range
    from standardised
),

dispersion as (
    select
        *,
        avg(moving_range) over (partition by grain, scope_type, scope_id, kpi) as mr_bar,
        avg(z_moving_range) over (partition by grain, scope_type, scope_id, kpi) / 1.128 as sigma_z
    from z_moving
),

limits as (
    select
        d.*,
        st.min_points,
        d.points >= st.min_points as enough_history,
        case
            when d.points >= st.min_points and d.chart = 'p' then d.p_bar
            when d.points >= st.min_points then d.mean_value
        end as centre_line,
        case
            when d.points >= st.min_points and d.chart = 'p'
                then least(1.0, d.p_bar + 3 * d.sigma_p * greatest(coalesce(d.sigma_z, 1), 1))
            when d.points >= st.min_points then d.mean_value + 2.66 * d.mr_bar
        end as ucl,
        case
            when d.points >= st.min_points and d.chart = 'p'
                then greatest(0.0, d.p_bar - 3 * d.sigma_p * greatest(coalesce(d.sigma_z, 1), 1))
            when d.points >= st.min_points then greatest(0.0, d.mean_value - 2.66 * d.mr_bar)
        end as lcl
    from dispersion as d
    cross join settings as st
),

sides as (
    select *, sign(value - centre_line) as side
    from limits
),

runs as (
    select
        *,
        sum(case when side = lag_side then 0 else 1 end)
            over (partition by grain, scope_type, scope_id, kpi order by period_start)
            as run_id
    from (
        select *, lag(side) over (partition by grain, scope_type, scope_id, kpi order by period_start) as lag_side
        from sides
    ) as sided
),

judged as (
    select
        *,
        case
            when side = 0 then 0
            else row_number() over (partition by grain, scope_type, scope_id, kpi, run_id order by period_start)
        end as run_length,
        coalesce(value > ucl or value < lcl, false) as beyond_limits
    from runs
)

select
    j.grain,
    j.period_start,
    case j.grain when 'week' then strftime(j.period_start, '%G-W%V') else strftime(j.period_start, '%Y-%m') end
        as period,
    j.scope_type,
    j.scope_id,
    d.scope_name,
    d.agency,
    d.province,
    j.kpi,
    coalesce(i.description, j.kpi_label) as kpi_label,
    j.chart,
    j.higher_is_better,
    j.value,
    j.sample_size,
    j.centre_line,
    j.ucl,
    j.lcl,
    j.sigma_z,
    j.points,
    j.min_points,
    case
        when j.enough_history then 'limits from ' || j.points || ' points'
        else 'not enough history: ' || j.points || ' of ' || j.min_points || ' points'
    end as limits_status,
    j.beyond_limits,
    j.run_length,
    j.enough_history and (j.beyond_limits or j.run_length >= 8) as flagged,
    case
        when not j.enough_history then null
        when j.value > j.ucl then 'beyond UCL'
        when j.value < j.lcl then 'beyond LCL'
        when j.run_length >= 8
            then 'run of ' || j.run_length || case when j.side > 0 then ' above' else ' below' end || ' the centre line'
    end as signal
from judged as j
join core.dim_scope as d using (scope_type, scope_id)
left join core.dim_indicator as i on j.kpi = i.indicator
