-- ind_ikm_unsur_unit_quarter: NRR of each unsur per unit, quarter and survey method, ranked from the weakest.
-- grain: unit_id, quarter_start, method, unsur_no
-- column quarter_start: First day of the quarter.
-- column quarter: Quarter label, e.g. 2026-Q3.
-- column answers: Answers given for this unsur (the NRR denominator).
-- column nrr: Nilai rata-rata unsur: sum of answers / answers given (PermenPANRB 14/2017).
-- column nrr_converted: NRR x 25, on the 25-100 scale.
-- column rank_from_weakest: 1 = lowest NRR: the first improvement priority.
-- PermenPANRB 14/2017 lampiran: NRR per unsur = total answer value / number of answers for that unsur.
with per_unsur as (
    select
        unit_id,
        survey_quarter as quarter_start,
        method,
        unsur_no,
        count(*) as answers,
        sum(answer) as answer_total
    from core.fct_survey_answer
    group by all
)

select
    p.unit_id,
    p.quarter_start,
    strftime(p.quarter_start, '%Y') || '-Q' || quarter(p.quarter_start) as quarter,
    p.method,
    p.unsur_no,
    u.unsur_name,
    p.answers,
    p.answer_total / p.answers as nrr,
    p.answer_total / p.answers * 25 as nrr_converted,
    rank() over (partition by p.unit_id, p.quarter_start, p.method order by p.answer_total / p.answers, p.unsur_no) as rank_from_weakest
from per_unsur as p
join core.dim_unsur as u using (method, unsur_no)
