-- fct_queue_ticket: One queue ticket with its waiting and service times and the standard valid on its day.
-- grain: unit_id, local_date, ticket_id
-- incremental: local_date
-- column local_date: The unit's local date of issue (the partition).
-- column was_called: The ticket was called at least once.
-- column wait_minutes: Minutes from issue to first call (wait = called - issued).
-- column service_minutes: Minutes from service start to end (service = end - start).
-- column max_wait_minutes: Published maximum wait of the standard valid that day.
-- column standard_service_minutes: Published service time of the standard valid that day.
-- column fee_idr: Published tarif of the standard valid that day.
-- column within_wait_standard: Served with a wait at or under the published maximum.
-- column charged_on_free_service: A fee was paid for a service published as free (integrity signal).
-- column charged_above_tarif: A fee above the published tarif was paid (integrity signal).
with staged as (
    select
        partition_key,
        source_file,
        source_row,
        ticket_id,
        unit_id,
        service_code,
        counter_id,
        priority,
        channel,
        issued_at,
        called_at,
        service_start_at,
        service_end_at,
        outcome,
        fee_paid_idr,
        cast(issued_at as date) as local_date,
        -- In the export of its own day (nearly every ticket), or in another day's (an export repeating the evening
        -- before): the same ticket in both is counted once, from its own day's export, else from the latest.
        coalesce(partition_key = cast(cast(issued_at as date) as varchar), true) as in_own_day
    from staging.queue_tickets
),

elsewhere as (
    select * from staged
    where not in_own_day
),

held as (
    select h.unit_id, h.local_date, h.ticket_id
    from staged as h
    inner join elsewhere using (unit_id, local_date, ticket_id)
    where h.in_own_day
),

tickets as (
    select * from staged
    where in_own_day
    union all
    select e.* from elsewhere as e
    anti join held using (unit_id, local_date, ticket_id)
    qualify
        row_number() over (partition by unit_id, local_date, ticket_id order by partition_key desc, source_row desc) = 1
),

standards as (
    select unit_id, service_code, valid_from, valid_to, max_wait_minutes, standard_service_minutes, fee_idr
    from core.dim_service
)

select
    t.unit_id,
    t.local_date,
    t.ticket_id,
    t.service_code,
    t.counter_id,
    t.priority,
    t.channel,
    t.issued_at,
    t.called_at,
    t.service_start_at,
    t.service_end_at,
    t.outcome,
    t.fee_paid_idr,
    t.called_at is not null as was_called,
    date_diff('second', t.issued_at, t.called_at) / 60.0 as wait_minutes,
    date_diff('second', t.service_start_at, t.service_end_at) / 60.0 as service_minutes,
    s.max_wait_minutes,
    s.standard_service_minutes,
    s.fee_idr,
    t.outcome = 'served'
    and date_diff('second', t.issued_at, t.called_at) <= s.max_wait_minutes * 60 as within_wait_standard,
    coalesce(t.fee_paid_idr > 0 and s.fee_idr = 0, false) as charged_on_free_service,
    coalesce(t.fee_paid_idr > s.fee_idr and s.fee_idr > 0, false) as charged_above_tarif,
    t.source_file
from tickets as t
left join standards as s
    on
        t.unit_id = s.unit_id
        and t.service_code = s.service_code
        and t.local_date >= s.valid_from
        and (s.valid_to is null or t.local_date <= s.valid_to)
