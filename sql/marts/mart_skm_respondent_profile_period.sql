-- mart_skm_respondent_profile_period: SKM respondent profile (gender, age band, education, occupation) per period and scope, for BI.
-- grain: period_type, period_start, scope_type, scope_id, profile_field, profile_value
select
    r.period_type,
    r.period,
    r.period_start,
    r.scope_type,
    r.scope_id,
    s.scope_name,
    r.profile_field,
    r.profile_value,
    r.respondents,
    r.respondents_in_scope,
    r.share
from indicators.ind_skm_respondent_profile_period as r
join core.dim_scope as s using (scope_type, scope_id)
