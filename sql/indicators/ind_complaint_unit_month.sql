-- ind_complaint_unit_month: Complaint handling per unit and month of receipt, on working days.
-- grain: unit_id, month_start
-- column unit_id: The unit (the unit scope of ind_complaint_period: every service of the unit).
-- column month_start: First day of the month the complaints were received.
-- column integrity_signals: Complaints about pungli (illegal fees) or discrimination.
-- The unit scope and month period of ind_complaint_period, under the names the first BI marts published: only
-- months with complaints received (ind_complaint_period also has months with only a backlog or queue tickets).
select
    scope_id as unit_id,
    period_start as month_start,
    complaints_received,
    complaints_closed,
    complaints_open,
    workdays_to_close_median,
    verified_within_limit_share,
    responded_within_limit_share,
    integrity_signals
from indicators.ind_complaint_period
where scope_type = 'unit' and period_type = 'month' and complaints_received > 0
