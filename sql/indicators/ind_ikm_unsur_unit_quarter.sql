-- ind_ikm_unsur_unit_quarter: NRR of each unsur per unit, quarter and survey method, ranked from the weakest.
-- grain: unit_id, quarter_start, method, unsur_no
-- column unit_id: The unit (the unit scope of ind_ikm_unsur_period: every service of the unit).
-- column quarter_start: First day of the quarter.
-- column quarter: Quarter label, e.g. 2026-Q3.
-- column nrr: Nilai rata-rata unsur: sum of answers / answers given (PermenPANRB 14/2017).
-- The unit scope and quarter period of ind_ikm_unsur_period, under the names the first BI marts published.
select
    scope_id as unit_id,
    period_start as quarter_start,
    period as quarter,
    method,
    unsur_no,
    unsur_name,
    answers,
    nrr,
    nrr_converted,
    rank_from_weakest
from indicators.ind_ikm_unsur_period
where scope_type = 'unit' and period_type = 'quarter'
