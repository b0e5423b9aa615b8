-- ind_ikm_unsur_period: NRR of each unsur per period, scope and survey method, ranked from the weakest.
-- grain: period_type, period_start, scope_type, scope_id, method, unsur_no
-- incremental: period_start by period_type
-- column period_type: month, quarter, semester or year.
-- column period_start: First day of the period.
-- column period: Period label: 2026-07, 2026-Q3, 2026-S2 or 2026.
-- column scope_type: unit, service (one service of one unit), agency or province.
-- column scope_id: The unit_id; unit_id/service_code for a service; the agency or the province name.
-- column answers: Answers given for this unsur (the NRR denominator; an empty answer is not a zero).
-- column answer_total: Sum of the answers (1-4) given for this unsur.
-- column nrr: Nilai rata-rata unsur: answer_total / answers (PermenPANRB 14/2017).
-- column nrr_converted: NRR x 25, on the 25-100 scale.
-- column rank_from_weakest: 1 = lowest NRR of the period, scope and method: the first improvement priority.
-- PermenPANRB 14/2017 lampiran: NRR per unsur = total answer value / number of answers for that unsur; the survey
-- report ranks unsur from the lowest NRR (the improvement priorities). Wider scopes pool their respondents' answers.
with per_unsur as (
    select
        b.period_type, b.period_start, b.period, b.scope_type, b.scope_id,
        a.method,
        a.unsur_no,
        count(*) as answers,
        sum(a.answer) as answer_total
    from core.fct_survey_answer as a
    join core.dim_scope_period_day as b on a.unit_id = b.unit_id and a.survey_date = b.day
    where b.service_code is null or a.service_code = b.service_code
    group by all
)

select
    n.period_type, n.period_start, n.period, n.scope_type, n.scope_id,
    n.method,
    n.unsur_no,
    u.unsur_name,
    n.answers,
    n.answer_total,
    n.answer_total / n.answers as nrr,
    n.answer_total / n.answers * 25 as nrr_converted,
    row_number() over (
        partition by n.period_type, n.period_start, n.scope_type, n.scope_id, n.method
        order by n.answer_total / n.answers, n.unsur_no
    ) as rank_from_weakest
from per_unsur as n
join core.dim_unsur as u using (method, unsur_no)
