-- ind_ikm_unit_quarter: Indeks Kepuasan Masyarakat (IKM) per unit, quarter and survey method, with grade.
-- grain: unit_id, quarter_start, method
-- column unit_id: The unit (the unit scope of ind_ikm_period: every service of the unit).
-- column quarter_start: First day of the quarter.
-- column quarter: Quarter label, e.g. 2026-Q3.
-- The unit scope and quarter period of ind_ikm_period, under the names the first BI marts published.
select
    scope_id as unit_id,
    period_start as quarter_start,
    period as quarter,
    method,
    weight_mode,
    unsur_weight,
    respondents,
    unsur_answered,
    ikm,
    ikm_converted,
    mutu,
    kinerja,
    no_grade_reason,
    weakest_unsur
from indicators.ind_ikm_period
where scope_type = 'unit' and period_type = 'quarter'
