-- dim_target: One KPI target (sasaran mutu) of a unit for a year, as set in its quality objectives.
-- grain: unit_id, year, indicator
select
    unit_id,
    year,
    indicator,
    target
from staging.targets
