-- ind_breakdown_period: Complaints received and SKM respondents per period and scope, broken down by one field at a time (complaints: category, channel, type; respondents: gender, age band, education, occupation).
-- grain: population, period_type, period_start, scope_type, scope_id, field_name, field_value
-- incremental: period_start by period_type
-- column population: complaints (received in the period) or respondents (SKM questionnaires of the period).
-- column field_name: complaints: category, channel or type; respondents: gender, age_band, education or occupation.
-- column field_value: The field's value; 'unknown' when not given. Age bands: <20, 20-29, 30-39, 40-49, 50-59, 60+.
-- column members: Complaints or respondents with this value of the field.
-- column members_in_scope: All of the population in the period and scope (every field's breakdown adds up to it).
-- column share: members / members_in_scope.
-- One breakdown for both populations: ind_complaint_mix_period and ind_skm_respondent_profile_period publish it.
-- PermenPANRB 14/2017 lampiran: the SKM report profiles its respondents (jenis kelamin, usia, pendidikan, pekerjaan).
with fields as (
    select
        'complaints' as population,
        unit_id,
        service_code,
        received_date as day,
        unnest([
            { 'field_name': 'category', 'field_value': category },
            { 'field_name': 'channel', 'field_value': channel },
            { 'field_name': 'type', 'field_value': type }
        ]) as field
    from core.fct_complaint
    union all
    select
        'respondents',
        unit_id,
        service_code,
        survey_date,
        unnest([
            { 'field_name': 'gender', 'field_value': gender },
            {
                'field_name': 'age_band',
                'field_value': case
                    when age is null then null
                    when age < 20 then '<20'
                    when age < 30 then '20-29'
                    when age < 40 then '30-39'
                    when age < 50 then '40-49'
                    when age < 60 then '50-59'
                    else '60+'
                end
            },
            { 'field_name': 'education', 'field_value': education },
            { 'field_name': 'occupation', 'field_value': occupation }
        ])
    from core.fct_survey_response
),

counted as (
    select
        f.population,
        b.period_type, b.period_start, b.period, b.scope_type, b.scope_id,
        f.field.field_name,
        coalesce(f.field.field_value, 'unknown') as field_value,
        count(*) as members
    from fields as f
    join core.dim_scope_period_day as b
        on f.unit_id = b.unit_id and f.day = b.day and (b.service_code is null or f.service_code = b.service_code)
    group by all
)

select
    population,
    period_type, period_start, period, scope_type, scope_id,
    field_name,
    field_value,
    members,
    cast(sum(members) over in_scope as bigint) as members_in_scope,
    members / sum(members) over in_scope as share
from counted
window in_scope as (partition by population, period_type, period_start, scope_type, scope_id, field_name)
