-- mart_ikm_unsur_unit_quarter: NRR of each unsur per unit and quarter, ranked from the weakest, for BI.
-- grain: unit_id, quarter_start, method, unsur_no
-- column as_of_date: Latest local day of the survey data (its last landed partition): a period ending after it is incomplete.
select
    u.unit_id,
    u.unit_name,
    u.agency,
    u.province,
    n.quarter,
    n.quarter_start,
    n.method,
    n.unsur_no,
    n.unsur_name,
    n.answers,
    n.nrr,
    n.nrr_converted,
    n.rank_from_weakest,
    (select as_of_date from core.dim_survey_as_of) as as_of_date
from indicators.ind_ikm_unsur_unit_quarter as n
join core.dim_unit as u using (unit_id)
