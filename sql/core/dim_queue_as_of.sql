-- dim_queue_as_of: The queue data's as-of date, one row: the queue marts read it here, not in core.dim_source_as_of, so a day of survey or complaint data does not rebuild them.
-- grain: as_of_date?
-- column as_of_date: Latest local day of the queue data (its last landed partition): a period ending after it is incomplete.
select max(cast(partition_key as date)) as as_of_date
from staging.queue_tickets
