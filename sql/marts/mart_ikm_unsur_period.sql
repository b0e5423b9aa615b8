-- mart_ikm_unsur_period: NRR of each unsur per period and scope, ranked from the weakest (the improvement priorities), for BI.
-- grain: period_type, period_start, scope_type, scope_id, method, unsur_no
-- column as_of_date: Latest local day of the survey data (its last landed partition): a period ending after it is incomplete.
select
    n.period_type,
    n.period,
    n.period_start,
    n.scope_type,
    n.scope_id,
    s.scope_name,
    n.method,
    n.unsur_no,
    n.unsur_name,
    n.answers,
    n.nrr,
    n.nrr_converted,
    n.rank_from_weakest,
    (select as_of_date from core.dim_survey_as_of) as as_of_date
from indicators.ind_ikm_unsur_period as n
join core.dim_scope as s using (scope_type, scope_id)
