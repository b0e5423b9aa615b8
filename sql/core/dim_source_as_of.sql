-- dim_source_as_of: Each source's as-of date: the latest day its own data reaches, against which that source's deadlines and periods are judged.
-- grain: source
-- column source: queue, survey or complaints.
-- column as_of_date: Latest local day of this source's data (its last landed partition; for complaints also its last status change): deadlines and incomplete periods of this source are judged against it, not against another source's later day.
-- An export that lags (complaints exported on the 18th while the queue runs to the 30th) must not make complaints still within
-- their deadline look late: each source is judged against its own last day. Each source's date is its own model
-- (core.dim_queue_as_of, core.dim_survey_as_of, core.dim_complaints_as_of); this table gathers them for BI and the
-- figures that mix sources.
select 'queue' as source, as_of_date from core.dim_queue_as_of
union all
select 'survey', as_of_date from core.dim_survey_as_of
union all
select 'complaints', as_of_date from core.dim_complaints_as_of
