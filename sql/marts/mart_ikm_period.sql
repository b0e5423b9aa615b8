-- mart_ikm_period: IKM per period (month, quarter, semester, year) and scope (unit, service, agency, province) with grade, weakest unsur and sample adequacy, for BI.
-- grain: period_type, period_start, scope_type, scope_id, method
-- column as_of_date: Latest local day of the survey data (its last landed partition): a period ending after it is incomplete.
select
    i.period_type,
    i.period,
    i.period_start,
    i.scope_type,
    i.scope_id,
    s.scope_name,
    s.agency,
    s.province,
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
    i.annual_users,
    i.km_population,
    i.min_sample,
    i.sample_adequate,
    (select as_of_date from core.dim_survey_as_of) as as_of_date
from indicators.ind_ikm_period as i
join core.dim_scope as s using (scope_type, scope_id)
