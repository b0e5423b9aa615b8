-- mart_complaint_unit_month: Complaint handling per unit and month of receipt, for BI.
-- grain: unit_id, month_start
select
    u.unit_id,
    u.unit_name,
    u.agency,
    u.province,
    c.month_start,
    c.complaints_received,
    c.complaints_closed,
    c.complaints_open,
    c.workdays_to_close_median,
    c.verified_within_limit_share,
    c.responded_within_limit_share,
    c.integrity_signals,
    (select as_of_date from core.dim_complaints_as_of) as as_of_date
from indicators.ind_complaint_unit_month as c
join core.dim_unit as u using (unit_id)
