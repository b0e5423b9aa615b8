"""Queue-machine tickets for one unit over the whole period, drawn with vectorised numpy."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from .reference import ServiceStandard, Unit, services_of, standard_on
from .workdays import WorkCalendar

OUTCOMES = ("served", "no_show", "abandoned", "cancelled", "redirected")
SERVED, NO_SHOW, ABANDONED, CANCELLED, REDIRECTED = range(len(OUTCOMES))
SLOT_SECONDS = 15 * 60
# Monday carries the weekend backlog; Friday is short because of the Jumatan break.
WEEKDAY_VOLUME = (1.2, 1.05, 1.0, 0.95, 0.8, 0.45, 0.0)
SATURDAY_LAST_TICKET_MINUTE = 11 * 60 + 30
INTEGRITY_SIGNAL_RATE = 0.003  # a charge on a free service or above the tarif: rare, but real
FREE_SERVICE_CHARGES = np.array([10000, 20000, 25000, 50000, 100000])
SURCHARGES = np.array([5000, 10000, 20000, 50000])


def _arrival_weights(opens_minute: int, last_ticket_minute: int, weekday: int) -> np.ndarray:
    """Relative ticket issues per 15-minute slot: a morning peak, a lunch dip, an afternoon bump."""
    last = min(last_ticket_minute, SATURDAY_LAST_TICKET_MINUTE) if weekday == 5 else last_ticket_minute
    starts = np.arange(opens_minute, last, 15)
    hour = (starts + 7.5) / 60
    weights = 0.3 + 1.7 * np.exp(-0.5 * ((hour - 9.3) / 0.85) ** 2) + 0.4 * np.exp(-0.5 * ((hour - 13.3) / 0.6) ** 2)
    weights[(hour >= 12) & (hour < 13)] *= 0.55
    if weekday == 4:
        # Counters close for Friday prayers (about 11:30–13:00); few tickets are printed then.
        weights[(hour >= 11.5) & (hour < 13)] *= 0.1
    weights[0] *= 1.6  # people already waiting at the door when the machine starts
    return weights / weights.sum()


def _day_kind(day: date) -> int:
    return {4: 1, 5: 2}.get(day.weekday(), 0)


def simulate_queue(
    unit: Unit,
    services: list[ServiceStandard],
    calendar: WorkCalendar,
    rng: np.random.Generator,
    waits_double_from: date | None = None,
) -> pl.DataFrame:
    """All tickets of `unit` in the period, typed, with a `_day` column (the partition date).

    `waits_double_from`: from that day on the unit's waits are twice as long (a known shift the control charts must
    flag)."""
    traits = unit.traits
    open_days = calendar.open_days(traits.opens_saturday)
    if not open_days:
        return _empty_tickets()
    codes = services_of(unit, services)
    standards = [[standard_on(unit, code, day, services) for code in codes] for day in open_days]
    max_wait = np.array([[s.max_wait_minutes for s in row] for row in standards], dtype=float)
    service_minutes = np.array([[s.standard_service_minutes for s in row] for row in standards], dtype=float)
    tarif = np.array([[s.fee_idr for s in row] for row in standards], dtype=np.int64)
    demand = np.array([s.demand_weight for s in standards[0]])
    demand = demand / demand.sum()

    day_volume = np.array(
        [
            traits.daily_volume * WEEKDAY_VOLUME[d.weekday()] * (1.25 if calendar.follows_day_off(d) else 1.0)
            for d in open_days
        ]
    )
    day_volume = day_volume * np.exp(rng.normal(0.0, 0.1, len(open_days)))
    per_day = np.maximum(rng.poisson(day_volume), 20)
    day = np.repeat(np.arange(len(open_days)), per_day)
    n = len(day)

    kinds = np.array([_day_kind(d) for d in open_days])[day]
    slot = np.empty(n, dtype=np.int64)
    for kind, weekday in ((0, 0), (1, 4), (2, 5)):
        mask = kinds == kind
        if mask.any():
            weights = _arrival_weights(traits.opens_minute, traits.last_ticket_minute, weekday)
            slot[mask] = rng.choice(len(weights), size=int(mask.sum()), p=weights)
    issued = traits.opens_minute * 60 + slot * SLOT_SECONDS + rng.integers(0, SLOT_SECONDS, n)
    order = np.lexsort((issued, day))
    day, issued = day[order], issued[order]

    # Waits grow with the crowd in the same half hour and on busy days.
    half_hour = (issued - traits.opens_minute * 60) // 1800
    key = day * 64 + half_hour
    crowd = np.bincount(key, minlength=len(open_days) * 64)[key].astype(float)
    crowd_ratio = crowd / (np.bincount(day, weights=crowd) / per_day)[day]
    busy_day = (per_day / per_day.mean())[day]

    service = rng.choice(len(codes), size=n, p=demand)
    priority = rng.random(n) < 0.08
    online = rng.random(n) < traits.online_share

    mean_wait = max_wait[day, service] * traits.wait_level * crowd_ratio**1.2 * busy_day**0.8
    mean_wait = np.where(priority, mean_wait * 0.35, mean_wait)
    mean_wait = np.where(online, mean_wait * 0.7, mean_wait)  # booked slots are called sooner
    if waits_double_from is not None:
        mean_wait = np.where(np.array([d >= waits_double_from for d in open_days])[day], mean_wait * 2.0, mean_wait)
    wait = np.clip(rng.gamma(2.0, mean_wait / 2.0) * 60, 20, 3 * 3600).astype(np.int64)

    abandon_pull = crowd_ratio**1.5
    p_abandon = np.clip(0.07 * abandon_pull / abandon_pull.mean() * np.where(priority, 0.3, 1.0), 0.005, 0.35)
    draw = rng.random(n)
    outcome = np.full(n, SERVED)
    # Later assignments win: abandoned, then no-show 5 %, cancelled 2 %, redirected 1 %.
    outcome[draw < p_abandon + 0.08] = REDIRECTED
    outcome[draw < p_abandon + 0.07] = CANCELLED
    outcome[draw < p_abandon + 0.05] = NO_SHOW
    outcome[draw < p_abandon] = ABANDONED
    called = (outcome == SERVED) | (outcome == NO_SHOW) | (outcome == REDIRECTED)
    served = outcome == SERVED

    called_at = issued + wait
    start_at = called_at + rng.integers(15, 120, n)
    median_service = service_minutes[day, service] * traits.service_pace * 60
    duration = np.clip(rng.lognormal(np.log(median_service), 0.45), 60, service_minutes[day, service] * 60 * 5)
    end_at = start_at + duration.astype(np.int64)

    counter = rng.integers(1, traits.counters + 1, n)
    counter = np.where(priority & (rng.random(n) < 0.85), 1, counter)  # loket 1 is the priority counter

    due = tarif[day, service]
    fee = np.where(served & (due > 0), due, 0)
    irregular = served & (rng.random(n) < INTEGRITY_SIGNAL_RATE)
    fee = np.where(irregular & (due == 0), rng.choice(FREE_SERVICE_CHARGES, n), fee)
    fee = np.where(irregular & (due > 0), due + rng.choice(SURCHARGES, n), fee)

    day_start = np.array(open_days, dtype="datetime64[D]").astype("datetime64[s]").astype(np.int64)[day]
    frame = pl.DataFrame(
        {
            "_day": pl.Series(np.array(open_days, dtype="datetime64[D]")[day]),
            "service": service,
            "letter": np.array([chr(ord("A") + i) for i in range(len(codes))])[service],
            "unit_id": np.full(n, unit.unit_id),
            "service_code": np.array(codes)[service],
            "counter_no": counter,
            "called": called,
            "served": served,
            "priority": priority,
            "channel": np.where(online, "online", "walk_in"),
            "issued_at": day_start + issued,
            "called_at": day_start + called_at,
            "service_start_at": day_start + start_at,
            "service_end_at": day_start + end_at,
            "outcome": np.array(OUTCOMES)[outcome],
            "fee_paid_idr": fee,
        }
    )
    return frame.select(
        "_day",
        # Each service has its own ticket letter and numbering, restarting every day.
        ticket_id=pl.format(
            "{}-{}", pl.col("letter"), (pl.int_range(pl.len()).over("_day", "service") + 1).cast(pl.String).str.zfill(3)
        ),
        unit_id=pl.col("unit_id"),
        service_code=pl.col("service_code"),
        counter_id=pl.when(pl.col("called")).then(pl.format("L{}", pl.col("counter_no"))),
        priority=pl.col("priority"),
        channel=pl.col("channel"),
        issued_at=_timestamp("issued_at"),
        called_at=pl.when(pl.col("called")).then(_timestamp("called_at")),
        service_start_at=pl.when(pl.col("served")).then(_timestamp("service_start_at")),
        service_end_at=pl.when(pl.col("served")).then(_timestamp("service_end_at")),
        outcome=pl.col("outcome"),
        fee_paid_idr=pl.when(pl.col("fee_paid_idr") > 0).then(pl.col("fee_paid_idr")),
    )


def _timestamp(column: str) -> pl.Expr:
    return pl.from_epoch(pl.col(column), time_unit="s")


def _empty_tickets() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "_day": pl.Date,
            "ticket_id": pl.String,
            "unit_id": pl.String,
            "service_code": pl.String,
            "counter_id": pl.String,
            "priority": pl.Boolean,
            "channel": pl.String,
            "issued_at": pl.Datetime("us"),
            "called_at": pl.Datetime("us"),
            "service_start_at": pl.Datetime("us"),
            "service_end_at": pl.Datetime("us"),
            "outcome": pl.String,
            "fee_paid_idr": pl.Int64,
        }
    )


CANONICAL_COLUMNS = (
    "ticket_id",
    "unit_id",
    "service_code",
    "counter_id",
    "priority",
    "channel",
    "issued_at",
    "called_at",
    "service_start_at",
    "service_end_at",
    "outcome",
    "fee_paid_idr",
)
TIMESTAMP_COLUMNS = ("issued_at", "called_at", "service_start_at", "service_end_at")


def canonical_text(tickets: pl.DataFrame) -> pl.DataFrame:
    """Tickets as the canonical CSV cells (strings; null = empty cell), keeping `_day`."""
    return tickets.select(
        "_day",
        *[
            pl.col(c).dt.strftime("%Y-%m-%dT%H:%M:%S") if c in TIMESTAMP_COLUMNS else pl.col(c).cast(pl.String)
            for c in CANONICAL_COLUMNS
        ],
    )
