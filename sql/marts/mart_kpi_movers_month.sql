-- mart_kpi_movers_month: The three units that improved most and the three that worsened most on each headline KPI, per month.
-- grain: month_start, kpi, mover, mover_rank
-- column mover: best (improved most) or worst (worsened most).
-- column mover_rank: 1 = the largest move of its kind.
with moves as (
    select
        month_start, month, kpi, kpi_label, scope_id, scope_name, agency, province, value, change_mom, improvement_mom,
        row_number() over (partition by kpi, month_start order by improvement_mom desc, scope_id asc) as best_rank,
        row_number() over (partition by kpi, month_start order by improvement_mom asc, scope_id asc) as worst_rank
    from marts.mart_kpi_trend_month
    where scope_type = 'unit' and improvement_mom is not null
)

select
    month_start, month, kpi, kpi_label, 'best' as mover, best_rank as mover_rank, scope_id, scope_name, agency,
    province, value, change_mom, improvement_mom
from moves where best_rank <= 3 and improvement_mom > 0
union all
select
    month_start, month, kpi, kpi_label, 'worst', worst_rank, scope_id, scope_name, agency, province, value, change_mom,
    improvement_mom
from moves where worst_rank <= 3 and improvement_mom < 0
