-- dim_indicator: The KPIs a unit can set a yearly target for (targets.csv indicator) and which direction meets each; indicators.ind_effectiveness_period reads their values.
-- column indicator: KPI name as written in targets.csv.
-- column higher_is_better: True when the target is met at or above it (shares, IKM); false when met at or below it (waits, rates, loads).
-- column description: What the KPI measures.
with catalogue (indicator, higher_is_better, description) as (
    values
        ('ikm_converted', true, 'IKM on the 25-100 scale (PermenPANRB 14/2017 method where the unit used it, else KepMenPAN 25/2004).'),
        ('ikm', true, 'IKM on the 1-4 scale.'),
        ('queue_sla_share', true, 'Share of served tickets within the published maximum wait.'),
        ('queue_wait_mean_minutes', false, 'Mean wait in minutes.'),
        ('queue_wait_median_minutes', false, 'Median wait in minutes.'),
        ('queue_wait_p90_minutes', false, '90th percentile wait in minutes.'),
        ('queue_abandonment_rate', false, 'Tickets never called / tickets issued.'),
        ('queue_no_show_rate', false, 'Tickets called but absent / tickets issued.'),
        ('queue_fee_compliance_share', true, 'Share of served tickets charged nothing on a free service and at most the tarif.'),
        ('queue_counter_utilisation', true, 'Service minutes / counter opening span.'),
        ('complaint_verified_within_limit_share', true, 'Complaints verified within 3 working days.'),
        ('complaint_responded_within_limit_share', true, 'Complaints followed up within 5 working days of forwarding.'),
        ('complaint_closed_within_limit_share', true, 'Due complaints closed within 8 working days of receipt (3 + 5).'),
        ('complaint_handled_share', true, 'Complaints closed / complaints due.'),
        ('complaint_workdays_to_close_median', false, 'Median working days from receipt to closure.'),
        ('complaints_per_1000_served', false, 'Complaints received per 1 000 served tickets.')
)
select indicator, higher_is_better, description
from catalogue
