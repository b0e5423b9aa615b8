-- mart_wait_satisfaction_band: Satisfaction of respondents linked to their queue ticket (survey exports with a ticket number), by how long that ticket waited: all units together and per unit.
-- grain: scope_type, scope_id, band_order
-- column scope_type: 'all' (every linked respondent) or 'unit'.
-- column scope_id: 'all', or the unit_id.
-- column wait_band: <= 15, 15-30, 30-60 or > 60 minutes from issue to call of the respondent's ticket.
-- column band_order: 1 to 4, from the shortest wait band.
-- column respondents: Respondents of the 2017 method whose ticket number matched a called ticket of their unit on the survey day.
-- column u3_nrr: Mean U3 (waktu penyelesaian) answer of the band's respondents, 1-4. NULL under 30 respondents.
-- column u3_ci_low: Lower end of the 95 % interval of u3_nrr: mean - 1.96 x sd / sqrt(n).
-- column u3_ci_high: Upper end of the 95 % interval of u3_nrr.
-- column ikm_converted: IKM of the band's respondents (mean NRR of the nine unsur x 25). NULL under 30 respondents.
-- column ikm_ci_low: Lower end of the 95 % interval of ikm_converted: 1.96 x the standard error of the respondents' mean answer x 25.
-- column ikm_ci_high: Upper end of the 95 % interval of ikm_converted.
-- column u3_change_vs_shortest: u3_nrr minus u3_nrr of the <= 15 minute band of the same scope: how much U3 falls with longer waits.
-- column verdict: 'not enough data' under 30 respondents, else 'ok'.
with linked as (
    select
        r.unit_id,
        r.respondent_id,
        t.wait_minutes,
        r.u3,
        [r.u1, r.u2, r.u3, r.u4, r.u5, r.u6, r.u7, r.u8, r.u9] as answers
    from core.fct_survey_response as r
    join core.fct_queue_ticket as t
        on r.unit_id = t.unit_id and r.survey_date = t.local_date and r.ticket_id = t.ticket_id
    where r.ticket_id is not null and r.method = 'permenpanrb_14_2017' and t.was_called
),

banded as (
    select
        unit_id,
        respondent_id,
        u3,
        list_avg(answers) as respondent_mean,  -- list aggregates skip NULL: an empty answer is not a zero
        answers,
        case when wait_minutes <= 15 then 1 when wait_minutes <= 30 then 2 when wait_minutes <= 60 then 3 else 4 end
            as band_order
    from linked
),

scoped as (
    select 'all' as scope_type, 'all' as scope_id, * from banded
    union all
    select 'unit' as scope_type, unit_id as scope_id, * from banded
),

unsur as (
    select scope_type, scope_id, band_order, unnest(range(1, 10)) as unsur_no, answers
    from scoped
),

nrr as (
    select scope_type, scope_id, band_order, unsur_no, avg(answers[unsur_no]) as nrr
    from unsur
    group by scope_type, scope_id, band_order, unsur_no
),

ikm as (
    select scope_type, scope_id, band_order, avg(nrr) * 25 as ikm_converted
    from nrr
    group by scope_type, scope_id, band_order
),

bands as (
    select
        scope_type,
        scope_id,
        band_order,
        count(*) as respondents,
        avg(u3) as u3_mean,
        stddev_samp(u3) / sqrt(count(u3)) as u3_se,
        stddev_samp(respondent_mean) / sqrt(count(respondent_mean)) as respondent_mean_se
    from scoped
    group by scope_type, scope_id, band_order
),

judged as (
    select
        b.*,
        i.ikm_converted,
        b.respondents >= 30 as enough
    from bands as b
    join ikm as i using (scope_type, scope_id, band_order)
)

select
    j.scope_type,
    j.scope_id,
    case j.band_order when 1 then '<= 15' when 2 then '15-30' when 3 then '30-60' else '> 60' end as wait_band,
    j.band_order,
    j.respondents,
    case when j.enough then j.u3_mean end as u3_nrr,
    case when j.enough then j.u3_mean - 1.96 * j.u3_se end as u3_ci_low,
    case when j.enough then j.u3_mean + 1.96 * j.u3_se end as u3_ci_high,
    case when j.enough then j.ikm_converted end as ikm_converted,
    case when j.enough then j.ikm_converted - 1.96 * j.respondent_mean_se * 25 end as ikm_ci_low,
    case when j.enough then j.ikm_converted + 1.96 * j.respondent_mean_se * 25 end as ikm_ci_high,
    case when j.enough and s.enough then j.u3_mean - s.u3_mean end as u3_change_vs_shortest,
    case when j.enough then 'ok' else 'not enough data' end as verdict
from judged as j
left join judged as s on j.scope_type = s.scope_type and j.scope_id = s.scope_id and s.band_order = 1
order by j.scope_type, j.scope_id, j.band_order
