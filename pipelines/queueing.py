"""Counter staffing models: Erlang C (M/M/n) and Erlang A (M/M/n+M, callers who give up).

Times are in minutes, rates per minute. A "service level" is the share of *served* tickets whose wait
was within the standard's maximum wait: the same definition as the measured `sla_share` of the queue
marts, so a prediction and a measurement can be compared directly.

- Erlang C (Erlang 1917; Gross & Harris, *Fundamentals of Queueing Theory*, M/M/c): offered load
  A = λ/μ, P(wait > 0) = C(n, A) = n·B(n, A) / (n − A·(1 − B(n, A))) with B the Erlang B loss
  probability (stable recursion B(k) = A·B(k−1) / (k + A·B(k−1))), and P(W ≤ t) = 1 − C·exp(−(nμ − λ)t).
  With A ≥ n the queue grows without bound: the service level is 0.
- Erlang A (Palm 1943; Garnett, Mandelbaum & Reiman 2002, "Designing a call center with impatient
  customers"): exponential patience with mean 1/θ. The number in system is a birth–death chain with
  birth rate λ and death rate min(k, n)·μ + max(k − n, 0)·θ. An arrival (PASTA) that finds j ≥ 0 tickets
  queued moves up at rate nμ + i·θ while i tickets are ahead of it and gives up at rate θ itself; it is
  served with probability nμ / (nμ + (j + 1)θ) (the product telescopes), and served within t with that
  probability times a regularised incomplete beta function (derivation at the line; checked in the tests
  against the matrix exponential of the same chain and against a simulation).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import scipy
from scipy.special import betainc

MAX_COUNTERS = 200  # beyond any unit's hall: the target cannot be met by adding counters
TAIL = 1e-12  # the Erlang A state space is cut where the stationary tail is below this
MEMO = "staging.mutu_erlang_memo"
# A remembered answer is one of this code and this SciPy: a changed formula forgets them all.
_VERSION = hashlib.sha256(Path(__file__).read_bytes() + scipy.__version__.encode()).hexdigest()[:12]


def erlang_b(servers: int, load: float) -> float:
    """Erlang B: probability that all `servers` are busy in M/M/n/n with offered `load` (Erlangs)."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return blocking


def erlang_c(servers: int, load: float) -> float:
    """Erlang C: probability that an arrival waits (all servers busy) in M/M/n; 1 when the load is not below n."""
    if load <= 0:
        return 0.0
    if servers <= 0 or load >= servers:
        return 1.0
    blocking = erlang_b(servers, load)
    return servers * blocking / (servers - load * (1 - blocking))


def erlang_c_service_level(arrival_rate: float, mean_service: float, servers: int, max_wait: float) -> float:
    """P(W ≤ max_wait) in M/M/n."""
    if arrival_rate <= 0:
        return 1.0
    load = arrival_rate * mean_service
    if servers <= 0 or load >= servers:
        return 0.0
    return 1.0 - erlang_c(servers, load) * math.exp(-(servers / mean_service - arrival_rate) * max_wait)


def _erlang_a_queue_seen(arrival_rate: float, mean_service: float, servers: int, mean_patience: float):
    """(P(arrival finds a free server), array P(arrival finds j queued) for j = 0, 1, ...), by PASTA."""
    mu, theta = 1.0 / mean_service, 1.0 / mean_patience
    # The chain drifts up until its death rate nμ + jθ meets λ; past that mode the tail falls off geometrically.
    mode = servers + max(0.0, (arrival_rate - servers * mu) / theta)
    size = int(mode + 64 + 8 * math.sqrt(mode))
    while True:
        k = np.arange(1, size + 1)
        death = np.minimum(k, servers) * mu + np.maximum(k - servers, 0) * theta
        log_weights = np.concatenate(([0.0], np.cumsum(math.log(arrival_rate) - np.log(death))))
        if log_weights[-1] < log_weights.max() + math.log(TAIL):
            break
        size *= 2
    weights = np.exp(log_weights - log_weights.max())
    probabilities = weights / weights.sum()
    return probabilities[:servers].sum(), probabilities[servers:]


def erlang_a_levels(
    arrival_rate: float,
    mean_service: float,
    servers: int,
    max_waits: Sequence[float],
    mean_patience: float,
    among: str = "served",
) -> tuple[list[float], float]:
    """([service level for each maximum wait], share of arrivals who give up) in M/M/n+M.

    among="served": share of served tickets called within the wait (what the queue marts measure);
    among="arrivals": share of all tickets, those who gave up counting as not called in time."""
    if arrival_rate <= 0:
        return [1.0] * len(max_waits), 0.0
    if servers <= 0:
        return [0.0] * len(max_waits), 1.0
    free, queued = _erlang_a_queue_seen(arrival_rate, mean_service, servers, mean_patience)
    service_rate, theta = servers / mean_service, 1.0 / mean_patience
    ahead = np.arange(len(queued))
    served_eventually = service_rate / (service_rate + (ahead + 1) * theta)
    served = free + float(queued @ served_eventually)
    levels = []
    for max_wait in max_waits:
        # Being called means passing j + 1 stages whose total exit rates are nμ + θ, ..., nμ + (j + 1)θ, each
        # left upward with probability (nμ + iθ) / (nμ + (i + 1)θ). The passage time S satisfies
        # exp(−θS) ~ Beta(nμ/θ + 1, j + 1) (its moments are the product of the stage transforms), so
        # P(called by t) = P(served) · I_{1 − exp(−θt)}(j + 1, nμ/θ + 1), the regularised incomplete beta.
        called_by_t = served_eventually * betainc(ahead + 1, service_rate / theta + 1, -math.expm1(-theta * max_wait))
        within = free + float(queued @ np.clip(called_by_t, 0.0, 1.0))
        levels.append(within / served if among == "served" else within)
    return levels, 1.0 - served


def erlang_a_outcomes(
    arrival_rate: float, mean_service: float, servers: int, max_wait: float, mean_patience: float
) -> tuple[float, float]:
    """(service level among served tickets, share of arrivals who give up) in M/M/n+M."""
    levels, gave_up = erlang_a_levels(arrival_rate, mean_service, servers, [max_wait], mean_patience)
    return levels[0], gave_up


def service_level(
    arrival_rate: float,
    mean_service: float,
    servers: int,
    max_waits: Sequence[float],
    weights: Sequence[float] | None = None,
    mean_patience: float | None = None,
    among: str = "served",
) -> float:
    """Predicted share of served tickets (among="arrivals": of all tickets) called within their service's maximum.

    Services that share counters form one queue; each keeps its own maximum wait, so the unit's share
    is the arrival-weighted mix of P(W ≤ t_s). Erlang A when a mean patience is given, else Erlang C (where
    nobody gives up, so both shares are the same)."""
    weights = list(weights) if weights is not None else [1.0] * len(max_waits)
    total = sum(weights)
    if not max_waits or total <= 0:
        raise ValueError("service_level needs at least one maximum wait with a positive weight")
    if mean_patience is None:
        shares = [erlang_c_service_level(arrival_rate, mean_service, servers, t) for t in max_waits]
    else:
        shares = erlang_a_levels(arrival_rate, mean_service, servers, max_waits, mean_patience, among)[0]
    return sum(weight / total * share for weight, share in zip(weights, shares, strict=False))


def counters_needed(
    arrival_rate: float,
    mean_service: float,
    max_waits: Sequence[float],
    target: float,
    weights: Sequence[float] | None = None,
    mean_patience: float | None = None,
) -> int | None:
    """Fewest counters at which the share of ALL tickets called within their maximum wait reaches `target`;
    None when no hall could.

    Counted over all tickets, not only the served: among the served alone, a hall so slow that most people
    leave would look compliant (those who stay are the ones called soon), and one counter would always do.
    The share grows with the number of counters, so the first reaching the target is found by bisection,
    bracketed from Erlang C's answer (a first guess for Erlang A: giving up shortens the queue for the rest,
    but the impatient who leave before the maximum wait count as missed) and searched upward when it is low."""
    if arrival_rate <= 0:
        return 0

    def reaches(servers: int) -> bool:
        level = service_level(arrival_rate, mean_service, servers, max_waits, weights, mean_patience, "arrivals")
        return level >= target

    load = arrival_rate * mean_service
    low = math.floor(load) if mean_patience is None else 0  # Erlang C: n <= A never reaches any target
    high = min(max(low + 1, 1), MAX_COUNTERS)
    if mean_patience is not None:
        high = counters_needed(arrival_rate, mean_service, max_waits, target, weights) or MAX_COUNTERS
    while not reaches(high):  # the answer is above: double the step until it is bracketed
        if high >= MAX_COUNTERS:
            return None
        low, high = high, min(high + max(high - low, 1) * 2, MAX_COUNTERS)
    while high - low > 1:  # invariant: low does not reach the target (or is a bound below), high does
        middle = (low + high) // 2
        if reaches(middle):
            high = middle
        else:
            low = middle
    return high


def _sql_service_level(arrivals_per_minute, mean_service_minutes, counters, max_waits, weights, mean_patience):
    if None in (arrivals_per_minute, mean_service_minutes, counters, max_waits) or mean_service_minutes <= 0:
        return None
    return service_level(arrivals_per_minute, mean_service_minutes, int(counters), max_waits, weights, mean_patience)


def _sql_counters_needed(arrivals_per_minute, mean_service_minutes, max_waits, weights, target, mean_patience):
    if None in (arrivals_per_minute, mean_service_minutes, max_waits, target) or mean_service_minutes <= 0:
        return None
    return counters_needed(arrivals_per_minute, mean_service_minutes, max_waits, target, weights, mean_patience)


# The answers of the SQL functions in the build database between builds. The staffing mart's 12-week window moves
# by one day a night, so six weekdays in seven ask again what the last build asked, and an Erlang A evaluation
# costs about 0.3 ms (a bisection of them per slot: over a second a build).
_remembered: dict[str, object] = {}  # call -> answer, as the last build left them
_asked: dict[str, object] = {}  # the calls of this build


def _settled(value):
    """A number to 12 significant digits: DuckDB's parallel sums differ run to run in their last bits, and an
    answer for inputs that close is the same answer."""
    if isinstance(value, float):
        return float(f"{value:.12g}")
    if isinstance(value, list):
        return [_settled(v) for v in value]
    return value


def _remembering(name: str, function: Callable) -> Callable:
    @functools.wraps(function)  # DuckDB counts the parameters of the function it is given
    def call(*args):
        key = f"{_VERSION} {name} {[_settled(a) for a in args]!r}"
        if key not in _asked:
            _asked[key] = _remembered[key] if key in _remembered else function(*args)
        return _asked[key]

    return call


def recall(con) -> None:
    """Take up the answers the last build left in `con`'s database (its `staging` schema)."""
    con.execute(f"create table if not exists {MEMO} (call varchar primary key, answer varchar)").fetchall()
    _remembered.clear()
    _remembered.update((call, json.loads(answer)) for call, answer in con.execute(f"select * from {MEMO}").fetchall())
    _asked.clear()


def remember(con) -> None:
    """Keep this build's answers in `con`'s database (in the caller's transaction), forgetting older ones."""
    if not _asked or _asked == _remembered:
        return
    calls, answers = list(_asked), [json.dumps(a) for a in _asked.values()]
    con.execute(f"delete from {MEMO}").fetchall()
    con.execute(f"insert into {MEMO} select unnest(?::varchar[]), unnest(?::varchar[])", [calls, answers]).fetchall()
    _remembered.clear()
    _remembered.update(_asked)
    _asked.clear()


def register_sql_functions(con) -> None:
    """`erlang_service_level(...)` and `erlang_counters_needed(...)` for the staffing SQL models.

    A NULL mean patience means Erlang C; any other NULL input gives NULL (the model marks thin slots itself)."""
    from duckdb import sqltypes

    number, numbers = sqltypes.DOUBLE, sqltypes.DuckDBPyType(list[float])
    for name, function, parameters, result in (
        (
            "erlang_service_level",
            _sql_service_level,
            [number, number, sqltypes.INTEGER, numbers, numbers, number],
            number,
        ),
        (
            "erlang_counters_needed",
            _sql_counters_needed,
            [number, number, numbers, numbers, number, number],
            sqltypes.INTEGER,
        ),
    ):
        con.create_function(
            name, _remembering(name, function), parameters, result, null_handling="special", side_effects=False
        )
