-- dim_source_as_of: Each source's as-of date: the latest day its own data reaches, against which that source's deadlines and periods are judged.
-- grain: source
-- column source: queue, survey or complaints.
-- column as_of_date: Latest local day of this source's data (its last landed partition; for complaints also its last status change): deadlines and incomplete periods of this source are judged against it, not against another source's later day.
-- An export that lags (complaints exported on the 18th while the queue runs to the 30th) must not make complaints still within
-- their deadline look late: each source is judged against its own last day.
with complaint_days as (
    select cast(partition_key as date) as day from staging.complaints
    union all
    select cast(h.at as date) from (select unnest(status_history) as h from staging.complaints) as history
)

select 'queue' as source, max(cast(partition_key as date)) as as_of_date from staging.queue_tickets
union all
select 'survey', max(cast(partition_key as date)) from staging.survey_responses
union all
select 'complaints', max(day) from complaint_days
