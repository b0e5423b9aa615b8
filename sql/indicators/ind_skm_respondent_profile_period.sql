-- ind_skm_respondent_profile_period: SKM respondents per period and scope broken down by gender, age band, education and occupation.
-- grain: period_type, period_start, scope_type, scope_id, profile_field, profile_value
-- incremental: period_start by period_type
-- column profile_field: gender, age_band, education or occupation.
-- column profile_value: The value: L/P; <20, 20-29, 30-39, 40-49, 50-59, 60+; the education or occupation code; 'unknown' when not given.
-- column respondents: Respondents with this value of the field.
-- column respondents_in_scope: All respondents in the period and scope (every field's breakdown adds up to it).
-- column share: respondents / respondents_in_scope.
-- PermenPANRB 14/2017 lampiran: the SKM report profiles its respondents (jenis kelamin, usia, pendidikan, pekerjaan).
with scoped as (
    select
        p.period_type,
        p.period_start,
        p.period,
        m.scope_type,
        m.scope_id,
        r.gender,
        case
            when r.age is null then null
            when r.age < 20 then '<20'
            when r.age < 30 then '20-29'
            when r.age < 40 then '30-39'
            when r.age < 50 then '40-49'
            when r.age < 60 then '50-59'
            else '60+'
        end as age_band,
        r.education,
        r.occupation
    from core.fct_survey_response as r
    join core.dim_scope_member as m
        on m.unit_id = r.unit_id and (m.service_code is null or m.service_code = r.service_code)
    join core.dim_period as p
        on r.survey_date between p.period_start and p.period_end
),

profile as (
    select period_type, period_start, period, scope_type, scope_id, 'gender' as profile_field, coalesce(gender, 'unknown') as profile_value from scoped
    union all
    select period_type, period_start, period, scope_type, scope_id, 'age_band', coalesce(age_band, 'unknown') from scoped
    union all
    select period_type, period_start, period, scope_type, scope_id, 'education', coalesce(education, 'unknown') from scoped
    union all
    select period_type, period_start, period, scope_type, scope_id, 'occupation', coalesce(occupation, 'unknown') from scoped
),

counted as (
    select period_type, period_start, period, scope_type, scope_id, profile_field, profile_value, count(*) as respondents
    from profile
    group by all
)

select
    period_type,
    period_start,
    period,
    scope_type,
    scope_id,
    profile_field,
    profile_value,
    respondents,
    cast(sum(respondents) over (partition by period_type, period_start, scope_type, scope_id, profile_field) as bigint) as respondents_in_scope,
    respondents / sum(respondents) over (partition by period_type, period_start, scope_type, scope_id, profile_field) as share
from counted
