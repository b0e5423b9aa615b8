-- mart_complaint_unit_month: Complaint handling per unit and month of receipt, for BI.
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
    c.integrity_signals
from indicators.ind_complaint_unit_month as c
join core.dim_unit as u using (unit_id)
