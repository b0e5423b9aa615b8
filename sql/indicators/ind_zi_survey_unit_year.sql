-- ind_zi_survey_unit_year: Zona Integritas LKE "Penilaian kepuasan" per unit and year: SKM surveys held (quarters with respondents) and the grade they earn.
-- grain: unit_id, year
-- column year: Calendar year.
-- column surveys_held: Survey periods (quarters) of the year with at least one SKM respondent for the unit.
-- column surveys_with_adequate_sample: Of those, quarters whose respondents reached the Krejcie-Morgan minimum for the unit: the surveys the grade counts.
-- column quarters_not_counted: Quarters held but not counted, each with why (respondents below the Krejcie-Morgan minimum); NULL when none.
-- column quarters_elapsed: Quarters of the year begun by the end of the data (4 for a past year): how many surveys were still possible.
-- column zi_survey_grade: A (>= 4 surveys), B (3), C (2), D (1), E (none in the year), counting only quarters with an adequate sample.
-- column grade_is_provisional: The year is not over by the surveys' last day (core.dim_survey_as_of): the grade can still rise, so it is not final.
-- column results_published: Whether the survey results were published: not in the data, so NULL (never inferred).
-- column results_followed_up_share: Share of survey results followed up: not in the data, so NULL (never inferred).
-- PermenPANRB 90/2021 (Zona Integritas), LKE "Penilaian kepuasan terhadap pelayanan": surveys per year >= 4 / 3 / 2 / 1 = A / B / C / D,
-- none = E. A survey is a survey period (quarter) whose respondents reach the Krejcie-Morgan minimum for the unit (PermenPANRB 14/2017
-- lampiran): a handful of questionnaires is not a survey. A year the data has not finished is graded provisionally.
with params as (
    select as_of_date from core.dim_survey_as_of  -- the surveys' own last day
),

years as (
    -- Every year the data touches, so that a unit without any survey in it shows as E.
    select distinct year(period_start) as year
    from indicators.ind_complaint_period
    where scope_type = 'unit' and period_type = 'year'
    union
    select distinct year(period_start) from indicators.ind_ikm_period where period_type = 'year'
),

quarters as (
    select
        scope_id as unit_id,
        year(period_start) as year,
        period_start,
        sum(respondents) as respondents,
        max(min_sample) as min_sample,
        sum(respondents) >= max(min_sample) as sample_adequate
    from indicators.ind_ikm_period
    where scope_type = 'unit' and period_type = 'quarter'
    group by all
),

held as (
    select
        unit_id,
        year,
        count(*) as surveys_held,
        count(*) filter (where sample_adequate) as surveys_with_adequate_sample,
        string_agg(
            strftime(period_start, '%Y') || '-Q' || quarter(period_start) || ': ' || respondents
            || ' respondent(s), fewer than the Krejcie-Morgan minimum of ' || min_sample,
            '; ' order by period_start
        ) filter (where not sample_adequate) as quarters_not_counted,
        sum(respondents) as respondents
    from quarters
    group by all
)

select
    u.unit_id,
    y.year,
    coalesce(h.surveys_held, 0) as surveys_held,
    coalesce(h.surveys_with_adequate_sample, 0) as surveys_with_adequate_sample,
    h.quarters_not_counted,
    cast(coalesce(h.respondents, 0) as bigint) as respondents,
    case
        when y.year < year(p.as_of_date) then 4
        when y.year = year(p.as_of_date) then quarter(p.as_of_date)
        else 0
    end as quarters_elapsed,
    case
        when coalesce(h.surveys_with_adequate_sample, 0) >= 4 then 'A'
        when h.surveys_with_adequate_sample = 3 then 'B'
        when h.surveys_with_adequate_sample = 2 then 'C'
        when h.surveys_with_adequate_sample = 1 then 'D'
        else 'E'
    end as zi_survey_grade,
    coalesce(p.as_of_date < make_date(y.year, 12, 31), true) as grade_is_provisional,
    cast(null as boolean) as results_published,
    cast(null as double) as results_followed_up_share
from core.dim_unit as u
cross join years as y
cross join params as p
left join held as h on u.unit_id = h.unit_id and y.year = h.year
