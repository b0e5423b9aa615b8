-- ind_complaint_mix_period: Complaints received per period and scope broken down by category, channel and type.
-- grain: period_type, period_start, scope_type, scope_id, mix_field, mix_value
-- incremental: period_start by period_type
-- column mix_field: category, channel or type.
-- column mix_value: The category (procedure, time, cost, staff_behaviour, pungli, discrimination, facilities, information, other), channel or type.
-- column complaints: Complaints received with this value.
-- column complaints_in_scope: All complaints received in the period and scope (each field's breakdown adds up to it).
-- column share: complaints / complaints_in_scope.
-- column is_integrity_signal: The value is the pungli or discrimination category (SP4N-LAPOR! integrity signals).
-- The complaints of ind_breakdown_period, under this table's published names.
select
    period_type, period_start, period, scope_type, scope_id,
    field_name as mix_field,
    field_value as mix_value,
    members as complaints,
    members_in_scope as complaints_in_scope,
    share,
    field_name = 'category' and field_value in ('pungli', 'discrimination') as is_integrity_signal
from indicators.ind_breakdown_period
where population = 'complaints'
