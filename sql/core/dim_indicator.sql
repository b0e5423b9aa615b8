-- dim_indicator: The KPIs a unit can set a yearly target for (targets.csv indicator) and which direction meets each; indicators.ind_effectiveness_period reads their values.
-- grain: indicator
-- column indicator: KPI name as written in targets.csv.
-- column source_dataset: The landed dataset the KPI's value comes from (queue_tickets, survey_responses or complaints).
-- column higher_is_better: True when the target is met at or above it (shares, IKM); false when met at or below it (waits, rates, loads).
-- column measure: How the value reads: share (0..1, a percentage), minutes, workdays, score or ratio.
-- column description: What the KPI measures.
-- column label_id: The KPI's name for an officer, in Bahasa Indonesia (as the review pack shows it).
-- column label_en: The KPI's name for an officer, in English (as the review pack shows it).
-- The catalogue is pipelines/indicators.yaml, shared with the review pack's labels.
select indicator, source_dataset, higher_is_better, measure, description, label_id, label_en
from staging.indicator_catalogue
