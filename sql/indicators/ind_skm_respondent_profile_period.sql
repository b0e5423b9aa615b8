-- ind_skm_respondent_profile_period: SKM respondents per period and scope broken down by gender, age band, education and occupation.
-- grain: period_type, period_start, scope_type, scope_id, profile_field, profile_value
-- incremental: period_start by period_type
-- column profile_field: gender, age_band, education or occupation.
-- column profile_value: The value: L/P; <20, 20-29, 30-39, 40-49, 50-59, 60+; the education or occupation code; 'unknown' when not given.
-- column respondents: Respondents with this value of the field.
-- column respondents_in_scope: All respondents in the period and scope (every field's breakdown adds up to it).
-- column share: respondents / respondents_in_scope.
-- The respondents of ind_breakdown_period, under this table's published names.
select
    period_type, period_start, period, scope_type, scope_id,
    field_name as profile_field,
    field_value as profile_value,
    members as respondents,
    members_in_scope as respondents_in_scope,
    share
from indicators.ind_breakdown_period
where population = 'respondents'
