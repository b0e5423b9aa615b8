-- mart_ikm_unit_quarter: IKM per unit and quarter with grade and weakest unsur, for BI.
-- grain: unit_id, quarter_start, method
-- column as_of_date: Latest local day of the survey data (its last landed partition): a period ending after it is incomplete.
select
    u.unit_id,
    u.unit_name,
    u.agency,
    u.province,
    i.quarter,
    i.quarter_start,
    i.method,
    i.weight_mode,
    i.unsur_weight,
    i.respondents,
    i.unsur_answered,
    i.ikm,
    i.ikm_converted,
    i.mutu,
    i.kinerja,
    i.no_grade_reason,
    i.weakest_unsur,
    (select as_of_date from core.dim_survey_as_of) as as_of_date
from indicators.ind_ikm_unit_quarter as i
join core.dim_unit as u using (unit_id)
