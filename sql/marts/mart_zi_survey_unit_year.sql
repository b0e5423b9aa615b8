-- mart_zi_survey_unit_year: Zona Integritas "Penilaian kepuasan" per unit and year: SKM surveys held and the grade they earn, for the ZI evaluator.
-- grain: unit_id, year
-- column as_of_date: Latest local day of the survey data (its last landed partition): a period ending after it is incomplete.
select
    z.unit_id,
    u.unit_name,
    u.agency,
    u.province,
    z.year,
    z.surveys_held,
    z.surveys_with_adequate_sample,
    z.quarters_not_counted,
    z.respondents,
    z.quarters_elapsed,
    z.zi_survey_grade,
    z.grade_is_provisional,
    z.results_published,
    z.results_followed_up_share,
    (select as_of_date from core.dim_survey_as_of) as as_of_date
from indicators.ind_zi_survey_unit_year as z
join core.dim_unit as u using (unit_id)
