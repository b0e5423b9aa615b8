-- dim_calendar: One calendar day with its working-day flag and running working-day number.
-- grain: day
-- incremental: day
-- column day: Calendar day.
-- column is_workday: False on weekends, Indonesian national holidays and joint leave days (cuti bersama).
-- column holiday_name: Name of the holiday or joint leave day, when there is one.
-- column workday_index: Working days from the start of the calendar up to and including this day.
select
    day,
    is_workday,
    holiday_name,
    sum(case when is_workday then 1 else 0 end) over (order by day) as workday_index
from staging.calendar
