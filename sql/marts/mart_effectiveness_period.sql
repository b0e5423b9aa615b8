-- mart_effectiveness_period: Each unit's KPI targets against their realisation per period, met or not met, for the management review.
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
    d.description,
    e.higher_is_better,
    e.target,
    e.realisation,
    e.achievement_ratio,
    e.status
from indicators.ind_effectiveness_period as e
join core.dim_unit as u using (unit_id)
left join core.dim_indicator as d using (indicator)
