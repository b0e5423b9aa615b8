-- ind_zi_survey_unit_year: Zona Integritas LKE "Penilaian kepuasan" per unit and year: SKM surveys held (quarters with respondents) and the grade they earn.
-- column year: Calendar year.
-- column surveys_held: Survey periods (quarters) of the year with at least one SKM respondent for the unit.
-- column surveys_with_adequate_sample: Of those, quarters whose respondents reached the Krejcie-Morgan minimum for the unit.
-- column quarters_elapsed: Quarters of the year begun by the end of the data (4 for a past year): how many surveys were still possible.
-- column zi_survey_grade: A (>= 4 surveys), B (3), C (2), D (1), E (none in the year).
-- column results_published: Whether the survey results were published: not in the data, so NULL (never inferred).
-- column results_followed_up_share: Share of survey results followed up: not in the data, so NULL (never inferred).
-- PermenPANRB 90/2021 (Zona Integritas), LKE "Penilaian kepuasan terhadap pelayanan": surveys per year >= 4 / 3 / 2 / 1 = A / B / C / D,
-- none = E. A survey is a survey period (quarter) with respondents for the unit.
with params as (
    select as_of_date from core.dim_source_as_of where source = 'survey'  -- the surveys' own last day
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
        bool_or(sample_adequate) as sample_adequate
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
        sum(respondents) as respondents
    from quarters
    group by all
)

select
    u.unit_id,
    y.year,
    coalesce(h.surveys_held, 0) as surveys_held,
    coalesce(h.surveys_with_adequate_sample, 0) as surveys_with_adequate_sample,
    cast(coalesce(h.respondents, 0) as bigint) as respondents,
    case
        when y.year < year(p.as_of_date) then 4
        when y.year = year(p.as_of_date) then quarter(p.as_of_date)
        else 0
    end as quarters_elapsed,
    case
        when coalesce(h.surveys_held, 0) >= 4 then 'A'
        when h.surveys_held = 3 then 'B'
        when h.surveys_held = 2 then 'C'
        when h.surveys_held = 1 then 'D'
        else 'E'
    end as zi_survey_grade,
    cast(null as boolean) as results_published,
    cast(null as double) as results_followed_up_share
from core.dim_unit as u
cross join years as y
cross join params as p
left join held as h on h.unit_id = u.unit_id and h.year = y.year
