-- mart_complaint_mix_period: Complaints per period and scope by category, channel and type, integrity signals flagged, for BI.
-- grain: period_type, period_start, scope_type, scope_id, mix_field, mix_value
select
    x.period_type,
    x.period,
    x.period_start,
    x.scope_type,
    x.scope_id,
    s.scope_name,
    x.mix_field,
    x.mix_value,
    x.complaints,
    x.complaints_in_scope,
    x.share,
    x.is_integrity_signal,
    (select as_of_date from core.dim_complaints_as_of) as as_of_date
from indicators.ind_complaint_mix_period as x
join core.dim_scope as s using (scope_type, scope_id)
