-- dim_complaints_as_of: The complaint data's as-of date, one row: the complaint models read it here, not in core.dim_source_as_of, so a day of queue or survey data does not rebuild them.
-- grain: as_of_date?
-- column as_of_date: Latest local day of the complaint data (its last landed partition or its last status change): deadlines are judged against it, not against another source's later day.
-- A complaint's status history may reach past the day of the export it came in (an export cut at midnight, a late status update).
with complaint_days as (
    select cast(partition_key as date) as day from staging.complaints
    union all
    select cast(h.at as date) from (select unnest(status_history) as h from staging.complaints) as history
)

select max(day) as as_of_date
from complaint_days
