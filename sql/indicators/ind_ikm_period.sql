-- ind_ikm_period: Indeks Kepuasan Masyarakat (IKM) per period, scope and survey method, with grade and sample adequacy.
-- grain: period_type, period_start, scope_type, scope_id, method
-- incremental: period_start by period_type
-- column respondents: Respondents (questionnaires) in the period and scope.
-- column unsur_answered: Unsur with at least one answer (9 for the 2017 method, 14 for 2004, when none was left empty by all).
-- column weight_mode: exact (1/9 or 1/14), three_decimals (0.111 or 0.071) or two_decimals (0.11; 0.071 for 2004).
-- column unsur_weight: Weight applied to each unsur's NRR.
-- column ikm: Sum of NRR x weight, on the 1-4 scale; NULL when an unsur of the method has no answer (see no_grade_reason).
-- column ikm_converted: IKM x 25, on the 25-100 scale (unrounded; graded rounded to two decimals).
-- column mutu: Service quality grade A, B, C or D of the row's method, on ikm_converted rounded to two decimals (the precision the bands are written in).
-- column kinerja: Unit performance label (Sangat baik, Baik, Kurang baik, Tidak baik).
-- column no_grade_reason: Why the row has no IKM and no grade (an unsur of the method nobody answered), else NULL.
-- column weakest_unsur: Name of the unsur with the lowest NRR: the first improvement priority.
-- column annual_users: The unit's annual service users N (unit scope only; NULL for wider or service scopes).
-- column km_population: Row of the Krejcie-Morgan table used: the smallest tabulated N >= annual_users (unit scope only).
-- column min_sample: Minimum respondents for N from the Krejcie-Morgan table, never more than N itself (unit scope only).
-- column sample_adequate: respondents >= min_sample; judge it on the row whose period is the unit's survey period (unit scope only).
-- PermenPANRB 14/2017: IKM = sum(NRR x 1/9); converted = IKM x 25; grade on the converted value rounded to two decimals:
-- the bands of each method (PermenPANRB 14/2017; KepMenPAN 25/2004, legacy, 14 unsur, weight 1/14) are core.dim_ikm_grade_band.
-- Sample: PermenPANRB 14/2017 lampiran, Krejcie-Morgan table (95 %, 5 %) for the unit's annual service users.
with params as (
    select ikm_weight_mode as weight_mode from staging.run_parameters
),

respondents as (
    select
        b.period_type,
        b.period_start,
        b.scope_type,
        b.scope_id,
        r.method,
        count(*) as respondents
    from core.fct_survey_response as r
    join core.dim_scope_period_day as b on r.unit_id = b.unit_id and r.survey_date = b.day
    where b.service_code is null or r.service_code = b.service_code
    group by all
),

weighted as (
    select
        n.*,
        w.weight_mode,
        -- Every mode and method named: an unknown one stops the build instead of falling through to a weight.
        case
            when w.weight_mode = 'exact' and n.method = 'permenpanrb_14_2017' then 1.0 / 9
            when w.weight_mode = 'exact' and n.method = 'kepmenpan_25_2004' then 1.0 / 14
            when w.weight_mode = 'three_decimals' and n.method = 'permenpanrb_14_2017' then 0.111
            when w.weight_mode = 'two_decimals' and n.method = 'permenpanrb_14_2017' then 0.11
            when w.weight_mode in ('three_decimals', 'two_decimals') and n.method = 'kepmenpan_25_2004' then 0.071
            else error(
                'IKM weight mode ' || coalesce(w.weight_mode, 'NULL') || ' with method ' || n.method
                || ' has no weight; use exact, three_decimals or two_decimals'
            )
        end as unsur_weight
    from indicators.ind_ikm_unsur_period as n
    cross join params as w
),

ikm as (
    select
        period_type, period_start, period, scope_type, scope_id,
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
    select
        k.period_type, k.period_start, k.scope_type, k.scope_id, k.method,
        string_agg('U' || u.unsur_no || ' ' || u.unsur_name, ', ' order by u.unsur_no) as unsur_missing
    from ikm as k
    join core.dim_unsur as u on k.method = u.method
    where
        not exists (
            select 1 from weighted as w
            where
                w.period_type = k.period_type
                and w.period_start = k.period_start
                and w.scope_type = k.scope_type
                and w.scope_id = k.scope_id
                and w.method = k.method
                and w.unsur_no = u.unsur_no
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
        b.grade as mutu,
        b.kinerja,
        'No answer for '
        || x.unsur_missing
        || ': an IKM needs every unsur of its method, so neither IKM nor grade' as no_grade_reason
    from ikm as k
    left join unanswered as x using (period_type, period_start, scope_type, scope_id, method)
    left join core.dim_ikm_grade_band as b
        on
            x.unsur_missing is null
            and k.method = b.method
            and (b.converted_from is null or round(k.ikm_converted, 2) >= b.converted_from)
            and (b.converted_below is null or round(k.ikm_converted, 2) < b.converted_below)
),

sample_size as (
    -- The row of the smallest tabulated N >= the unit's N; above the last row (1 000 000) that row's 384 holds.
    select
        u.unit_id,
        u.annual_users,
        coalesce(min(k.population) filter (where k.population >= u.annual_users), max(k.population)) as km_population
    from core.dim_unit as u
    cross join core.dim_krejcie_morgan as k
    group by u.unit_id, u.annual_users
)

select
    g.period_type, g.period_start, g.period, g.scope_type, g.scope_id,
    g.method,
    g.weight_mode,
    g.unsur_weight,
    r.respondents,
    g.unsur_answered,
    g.ikm,
    g.ikm_converted,
    g.mutu,
    g.kinerja,
    g.no_grade_reason,
    g.weakest_unsur,
    s.annual_users,
    s.km_population,
    -- A population smaller than the table's row is surveyed whole: never ask for more respondents than N.
    least(k.min_sample, s.annual_users) as min_sample,
    r.respondents >= least(k.min_sample, s.annual_users) as sample_adequate
from graded as g
join respondents as r using (period_type, period_start, scope_type, scope_id, method)
left join sample_size as s
    on g.scope_type = 'unit' and g.scope_id = s.unit_id
left join core.dim_krejcie_morgan as k
    on s.km_population = k.population
