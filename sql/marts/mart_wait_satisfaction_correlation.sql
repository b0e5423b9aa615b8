-- mart_wait_satisfaction_correlation: Does waiting go with lower satisfaction? Spearman rank correlation of each waiting measure with U3 NRR and the IKM across unit-months, with its 95 % interval and the number of points.
-- grain: wait_measure, satisfaction_measure
-- column wait_measure: wait_mean_minutes, wait_p90_minutes or sla_share (of mart_wait_satisfaction_unit_month).
-- column satisfaction_measure: u3_nrr (U3 waktu penyelesaian) or ikm_converted.
-- column points: Unit-months in the correlation (is_point: at least 30 called tickets and 10 U3 answers).
-- column spearman_rho: Spearman's rank correlation (Pearson correlation of the average ranks; ties share their mean rank). NULL with fewer than 10 points.
-- column ci_low: Lower end of the 95 % interval: tanh(atanh(rho) - 1.96 x sqrt(1.06 / (points - 3))) (Fieller, Hartley and Pearson 1957).
-- column ci_high: Upper end of the 95 % interval, same formula with +.
-- column verdict: 'not enough data' under 10 points; else whether the interval excludes 0 ('worse waiting, lower satisfaction' when the association has that sign), or 'no clear association'.
with points as (
    select unit_id, month_start, wait_mean_minutes, wait_p90_minutes, sla_share, u3_nrr, ikm_converted
    from marts.mart_wait_satisfaction_unit_month
    where is_point
),

pairs (wait_measure, satisfaction_measure, worse_waiting_sign) as (
    -- sla_share rises as waiting improves: its sign is read the other way round in the verdict.
    values
    ('wait_mean_minutes', 'u3_nrr', 1), ('wait_mean_minutes', 'ikm_converted', 1),
    ('wait_p90_minutes', 'u3_nrr', 1), ('wait_p90_minutes', 'ikm_converted', 1),
    ('sla_share', 'u3_nrr', -1), ('sla_share', 'ikm_converted', -1)
),

long as (
    select
        p.wait_measure,
        p.satisfaction_measure,
        p.worse_waiting_sign,
        case p.wait_measure
            when 'wait_mean_minutes' then x.wait_mean_minutes
            when 'wait_p90_minutes' then x.wait_p90_minutes
            else x.sla_share
        end as wait_value,
        case p.satisfaction_measure when 'u3_nrr' then x.u3_nrr else x.ikm_converted end as satisfaction_value
    from pairs as p
    cross join points as x
),

ranked as (
    select
        wait_measure,
        satisfaction_measure,
        worse_waiting_sign,
        rank() over (partition by wait_measure, satisfaction_measure order by wait_value)
        + (count(*) over (partition by wait_measure, satisfaction_measure, wait_value) - 1) / 2.0 as wait_rank,
        rank() over (partition by wait_measure, satisfaction_measure order by satisfaction_value)
        + (count(*) over (partition by wait_measure, satisfaction_measure, satisfaction_value) - 1) / 2.0
            as satisfaction_rank
    from long
    where wait_value is not null and satisfaction_value is not null
),

correlated as (
    select
        p.wait_measure,
        p.satisfaction_measure,
        p.worse_waiting_sign,
        count(r.wait_rank) as points,
        corr(r.wait_rank, r.satisfaction_rank) as rho
    from pairs as p
    left join ranked as r using (wait_measure, satisfaction_measure)
    group by p.wait_measure, p.satisfaction_measure, p.worse_waiting_sign
),

bounded as (
    select
        *,
        case when points >= 10 and rho is not null then rho end as spearman_rho,
        case
            when points >= 10 and abs(rho) < 1
                then tanh(atanh(rho) - 1.96 * sqrt(1.06 / (points - 3)))
        end as ci_low,
        case
            when points >= 10 and abs(rho) < 1
                then tanh(atanh(rho) + 1.96 * sqrt(1.06 / (points - 3)))
        end as ci_high
    from correlated
)

select
    wait_measure,
    satisfaction_measure,
    points,
    spearman_rho,
    ci_low,
    ci_high,
    case
        when spearman_rho is null then 'not enough data'
        when ci_high < 0 or ci_low > 0
            then
                case
                    when worse_waiting_sign * spearman_rho < 0 then 'worse waiting, lower satisfaction'
                    else 'worse waiting, higher satisfaction'
                end
        else 'no clear association'
    end as verdict
from bounded
order by wait_measure, satisfaction_measure
