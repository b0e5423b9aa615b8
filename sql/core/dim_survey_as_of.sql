-- dim_survey_as_of: The survey data's as-of date, one row: the survey models read it here, not in core.dim_source_as_of, so a day of queue or complaint data does not rebuild them.
-- grain: as_of_date?
-- column as_of_date: Latest local day of the survey data (its last landed partition): a period ending after it is incomplete.
select max(cast(partition_key as date)) as as_of_date
from staging.survey_responses
