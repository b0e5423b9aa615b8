-- mart_ikm_confidence_period: IKM per period and unit, agency or province with its 95 % confidence interval from the respondents' answers, and whether the change since the previous period is larger than the noise.
-- grain: period_type, period_start, scope_type, scope_id
-- column standard_error: Standard error of the converted IKM: sample standard deviation of the respondents' mean answer x 25 / sqrt(respondents).
-- column ci_low: ikm_converted - 1.96 x standard_error (normal approximation; SKM samples are Krejcie-Morgan sized, mostly 30 or more).
-- column ci_high: ikm_converted + 1.96 x standard_error.
-- column previous_ikm_converted: Converted IKM of the previous period of the same type and scope.
-- column change: ikm_converted - previous_ikm_converted.
-- column change_is_significant: |change| > 1.96 x sqrt(se^2 + se_previous^2): the change is beyond sampling noise at 95 %.
-- PermenPANRB 14/2017 gives the point estimate only; the interval treats each respondent's mean answer as one observation.
with respondent_scores as (
    select unit_id, respondent_id, service_code, survey_date, avg(answer) * 25 as score
    from core.fct_survey_answer
    where method = 'permenpanrb_14_2017'
    group by all
),

spread as (
    select
        b.period_type, b.period_start, b.scope_type, b.scope_id, stddev_samp(r.score) / sqrt(count(*)) as standard_error
    from respondent_scores as r
    join core.dim_scope_period_day as b
        on r.unit_id = b.unit_id and r.survey_date = b.day and b.service_code is null
    where b.scope_type in ('unit', 'agency', 'province')
    group by all
),

estimates as (
    select
        i.period_type, i.period, i.period_start, i.scope_type, i.scope_id, i.respondents, i.ikm_converted, i.mutu,
        s.standard_error,
        lag(i.ikm_converted) over previous as previous_ikm_converted,
        lag(s.standard_error) over previous as previous_standard_error
    from indicators.ind_ikm_period as i
    join spread as s using (period_type, period_start, scope_type, scope_id)
    where i.method = 'permenpanrb_14_2017' and i.ikm_converted is not null  -- no IKM where an unsur went unanswered
    window previous as (partition by i.period_type, i.scope_type, i.scope_id order by i.period_start)
)

select
    e.period_type,
    e.period,
    e.period_start,
    e.scope_type,
    e.scope_id,
    d.scope_name,
    e.respondents,
    e.ikm_converted,
    e.mutu,
    e.standard_error,
    e.ikm_converted - 1.96 * e.standard_error as ci_low,
    e.ikm_converted + 1.96 * e.standard_error as ci_high,
    e.previous_ikm_converted,
    e.ikm_converted - e.previous_ikm_converted as change,
    abs(e.ikm_converted - e.previous_ikm_converted)
    > 1.96 * sqrt(e.standard_error ^ 2 + e.previous_standard_error ^ 2) as change_is_significant
from estimates as e
join core.dim_scope as d using (scope_type, scope_id)
