-- fct_survey_answer: One answer of one respondent to one unsur (long form of fct_survey_response).
-- grain: unit_id, survey_date, respondent_id, unsur_no
-- incremental: survey_date
-- column unsur_no: Position of the unsur in the questionnaire (u1 = 1).
-- column answer: Answer on the 1-4 scale (1 tidak baik ... 4 sangat baik).
with answers as (
    unpivot core.fct_survey_response
    on u1, u2, u3, u4, u5, u6, u7, u8, u9, u10, u11, u12, u13, u14
    into name unsur value answer
)

select
    unit_id,
    respondent_id,
    service_code,
    survey_date,
    survey_quarter,
    survey_year,
    method,
    cast(substr(unsur, 2) as integer) as unsur_no,
    answer
from answers
where answer is not null
