-- ind_complaint_mix_period: Complaints received per period and scope broken down by category, channel and type.
-- grain: period_type, period_start, scope_type, scope_id, mix_field, mix_value
-- column mix_field: category, channel or type.
-- column mix_value: The category (procedure, time, cost, staff_behaviour, pungli, discrimination, facilities, information, other), channel or type.
-- column complaints: Complaints received with this value.
-- column complaints_in_scope: All complaints received in the period and scope (each field's breakdown adds up to it).
-- column share: complaints / complaints_in_scope.
-- column is_integrity_signal: The value is the pungli or discrimination category (SP4N-LAPOR! integrity signals).
with scoped as (
    select
        p.period_type,
        p.period_start,
        p.period,
        m.scope_type,
        m.scope_id,
        c.category,
        c.channel,
        c.type
    from core.fct_complaint as c
    join core.dim_scope_member as m
        on m.unit_id = c.unit_id and (m.service_code is null or m.service_code = c.service_code)
    join core.dim_period as p
        on c.received_date between p.period_start and p.period_end
),

mix as (
    select period_type, period_start, period, scope_type, scope_id, 'category' as mix_field, coalesce(category, 'unknown') as mix_value from scoped
    union all
    select period_type, period_start, period, scope_type, scope_id, 'channel', coalesce(channel, 'unknown') from scoped
    union all
    select period_type, period_start, period, scope_type, scope_id, 'type', coalesce(type, 'unknown') from scoped
),

counted as (
    select period_type, period_start, period, scope_type, scope_id, mix_field, mix_value, count(*) as complaints
    from mix
    group by all
)

select
    period_type,
    period_start,
    period,
    scope_type,
    scope_id,
    mix_field,
    mix_value,
    complaints,
    cast(sum(complaints) over (partition by period_type, period_start, scope_type, scope_id, mix_field) as bigint) as complaints_in_scope,
    complaints / sum(complaints) over (partition by period_type, period_start, scope_type, scope_id, mix_field) as share,
    mix_field = 'category' and mix_value in ('pungli', 'discrimination') as is_integrity_signal
from counted
