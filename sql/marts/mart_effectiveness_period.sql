-- mart_effectiveness_period: Each unit's KPI targets against their realisation per period, met or not met, for the management review.
-- grain: period_type, period_start, unit_id, indicator, ikm_method?
-- column as_of_date: Last day of the indicator's own source (survey for IKM, queue, complaints; core.dim_source_as_of) the realisation is judged on.
-- column indicator_label_id: The indicator's name in Bahasa Indonesia, as the review pack shows it (pipelines/indicators.yaml).
-- column indicator_label_en: The indicator's name in English, as the review pack shows it (pipelines/indicators.yaml).
select
    e.period_type,
    e.period,
    e.period_start,
    e.unit_id,
    u.unit_name,
    u.agency,
    u.province,
    e.target_year,
    e.indicator,
    e.ikm_method,
    d.description,
    d.label_id as indicator_label_id,
    d.label_en as indicator_label_en,
    e.higher_is_better,
    e.target,
    e.realisation,
    e.achievement_ratio,
    e.status,
    (
        select a.as_of_date from core.dim_source_as_of as a
        where a.source = case
            when e.indicator like 'ikm%' then 'survey' when e.indicator like 'queue%' then 'queue'
            when e.indicator like 'complaint%' then 'complaints'
        end
    ) as as_of_date
from indicators.ind_effectiveness_period as e
join core.dim_unit as u using (unit_id)
left join core.dim_indicator as d using (indicator)
