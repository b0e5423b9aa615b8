-- fct_survey_response: One SKM respondent with the profile fields and the answers per unsur (1-4).
-- grain: unit_id, survey_date, respondent_id
-- incremental: survey_date
-- column survey_date: Local date the questionnaire was submitted.
-- column survey_quarter: First day of the quarter of the survey date.
-- column survey_year: Calendar year of the survey date.
select
    unit_id,
    respondent_id,
    service_code,
    ticket_id,
    submitted_at,
    cast(submitted_at as date) as survey_date,
    cast(date_trunc('quarter', submitted_at) as date) as survey_quarter,
    year(submitted_at) as survey_year,
    method,
    gender,
    age,
    education,
    occupation,
    u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14,
    suggestion,
    source_file
from staging.survey_responses
