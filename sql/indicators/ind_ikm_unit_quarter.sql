-- ind_ikm_unit_quarter: Indeks Kepuasan Masyarakat (IKM) per unit, quarter and survey method, with grade.
-- grain: unit_id, quarter_start, method
-- column quarter_start: First day of the quarter.
-- column quarter: Quarter label, e.g. 2026-Q3.
-- column respondents: Respondents in the quarter.
-- column weight_mode: exact (1/9 or 1/14), three_decimals (0.111 or 0.071) or two_decimals (0.11; 0.071 for 2004).
-- column unsur_weight: Weight applied to each unsur's NRR.
-- column unsur_answered: Unsur with at least one answer (9 for the 2017 method, 14 for 2004, when none was left empty by all).
-- column ikm: Sum of NRR x weight, on the 1-4 scale; NULL when an unsur of the method has no answer (see no_grade_reason).
-- column ikm_converted: IKM x 25, on the 25-100 scale (unrounded; graded rounded to two decimals).
-- column mutu: Service quality grade A, B, C or D, on ikm_converted rounded to two decimals (the precision the bands are written in).
-- column kinerja: Unit performance label (Sangat baik, Baik, Kurang baik, Tidak baik).
-- column no_grade_reason: Why the row has no IKM and no grade (an unsur of the method nobody answered), else NULL.
-- column weakest_unsur: Name of the unsur with the lowest NRR: the first improvement priority.
-- PermenPANRB 14/2017: IKM = sum(NRR x 1/9); converted = IKM x 25; grade on the converted value rounded to two decimals.
-- KepMenPAN 25/2004 (legacy, 14 unsur, weight 1/14): A >= 81.26, B >= 62.51, C >= 43.76, else D.
with params as (
    select ikm_weight_mode as weight_mode from staging.run_parameters
),

respondents as (
    select unit_id, survey_quarter as quarter_start, method, count(*) as respondents
    from core.fct_survey_response
    group by all
),

weighted as (
    select
        n.unit_id,
        n.quarter_start,
        n.quarter,
        n.method,
        p.weight_mode,
        -- Every mode and method named: an unknown one stops the build instead of falling through to a weight.
        case
            when p.weight_mode = 'exact' and n.method = 'permenpanrb_14_2017' then 1.0 / 9
            when p.weight_mode = 'exact' and n.method = 'kepmenpan_25_2004' then 1.0 / 14
            when p.weight_mode = 'three_decimals' and n.method = 'permenpanrb_14_2017' then 0.111
            when p.weight_mode = 'two_decimals' and n.method = 'permenpanrb_14_2017' then 0.11
            when p.weight_mode in ('three_decimals', 'two_decimals') and n.method = 'kepmenpan_25_2004' then 0.071
            else error('IKM weight mode ' || coalesce(p.weight_mode, 'NULL') || ' with method ' || n.method
                       || ' has no weight; use exact, three_decimals or two_decimals')
        end as unsur_weight,
        n.unsur_no,
        n.nrr,
        n.unsur_name,
        n.rank_from_weakest
    from indicators.ind_ikm_unsur_unit_quarter as n
    cross join params as p
),

ikm as (
    select
        unit_id,
        quarter_start,
        quarter,
        method,
        weight_mode,
        any_value(unsur_weight) as unsur_weight,
        count(*) as unsur_answered,
        sum(nrr * unsur_weight) as ikm,
        sum(nrr * unsur_weight) * 25 as ikm_converted,
        min(unsur_name) filter (where rank_from_weakest = 1) as weakest_unsur
    from weighted
    group by all
),

unanswered as (
    -- Unsur of the method that nobody in the scope answered: without them a sum of NRR x weight is not an IKM.
    select k.unit_id, k.quarter_start, k.method,
           string_agg('U' || u.unsur_no || ' ' || u.unsur_name, ', ' order by u.unsur_no) as unsur_missing
    from ikm as k
    join core.dim_unsur as u on u.method = k.method
    where not exists (
        select 1 from weighted as w
        where w.unit_id = k.unit_id and w.quarter_start = k.quarter_start and w.method = k.method and w.unsur_no = u.unsur_no
    )
    group by all
),

graded as (
    select
        k.* replace (
            case when x.unsur_missing is null then k.ikm end as ikm,
            case when x.unsur_missing is null then k.ikm_converted end as ikm_converted
        ),
        -- The bands are written to two decimals (76.61-88.30 B): grade the value as published, rounded to two decimals,
        -- so the figure a report shows and its grade agree (76.607 shows as 76.61 and is B).
        case
            when x.unsur_missing is not null then null
            when k.method = 'permenpanrb_14_2017' then
                case when round(k.ikm_converted, 2) >= 88.31 then 'A' when round(k.ikm_converted, 2) >= 76.61 then 'B'
                     when round(k.ikm_converted, 2) >= 65.00 then 'C' else 'D' end
            else
                case when round(k.ikm_converted, 2) >= 81.26 then 'A' when round(k.ikm_converted, 2) >= 62.51 then 'B'
                     when round(k.ikm_converted, 2) >= 43.76 then 'C' else 'D' end
        end as mutu,
        'No answer for ' || x.unsur_missing || ': an IKM needs every unsur of its method, so neither IKM nor grade' as no_grade_reason
    from ikm as k
    left join unanswered as x using (unit_id, quarter_start, method)
)

select
    g.unit_id,
    g.quarter_start,
    g.quarter,
    g.method,
    g.weight_mode,
    g.unsur_weight,
    r.respondents,
    g.unsur_answered,
    g.ikm,
    g.ikm_converted,
    g.mutu,
    case g.mutu when 'A' then 'Sangat baik' when 'B' then 'Baik' when 'C' then 'Kurang baik' when 'D' then 'Tidak baik' end as kinerja,
    g.no_grade_reason,
    g.weakest_unsur
from graded as g
join respondents as r using (unit_id, quarter_start, method)
