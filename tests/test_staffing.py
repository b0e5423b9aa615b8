"""Counter staffing (issue 17): Erlang C against a published worked example and a direct-sum formula,
Erlang C and Erlang A against a discrete-event simulation, and marts.mart_staffing_unit_slot on a
constructed unit whose answer is known (too few counters at the morning peak, too many after lunch)."""

from __future__ import annotations

import heapq
import math
import statistics
from datetime import date, datetime, timedelta

import duckdb
import numpy as np
import pytest
from scipy.linalg import expm

from pipelines import queueing
from pipelines.queueing import (
    counters_needed,
    erlang_a_outcomes,
    erlang_c,
    erlang_c_service_level,
    register_sql_functions,
    service_level,
)
from pipelines.sql_models import models
from pipelines.warehouse import build_model

MODELS = {m.name: m for m in models()}


def _erlang_c_direct(servers: int, load: float) -> float:
    """The textbook form: (A^n/n! · n/(n−A)) / (Σ_{k<n} A^k/k! + A^n/n! · n/(n−A))."""
    top = load**servers / math.factorial(servers) * servers / (servers - load)
    return top / (sum(load**k / math.factorial(k) for k in range(servers)) + top)


def test_erlang_c_matches_the_published_worked_example():
    # The step-by-step example of "The Erlang-C formula" (Westbay Engineers; widely republished): 360 calls per
    # half hour, 4-minute calls, 55 agents, 15-second target: traffic intensity u = 48, occupancy 0.873 and
    # E_C(m, u) = 0.2387, printed to four decimals (other Erlang libraries test the same 0.2387 checkpoint).
    arrival_rate, mean_service, agents = 360 / 30, 4.0, 55
    load = arrival_rate * mean_service
    assert load == 48
    assert round(load / agents, 3) == 0.873
    assert round(erlang_c(agents, load), 4) == 0.2387
    # The page's next steps: ASA = E_C · T / (m − u) = 0.2387 · 240 s / 7 = 8.2 s;
    # service level = 1 − E_C · exp(−(m − u) · t / T) = 1 − 0.2387 · exp(−7 · 15 / 240) = 0.846.
    assert round(erlang_c(agents, load) * mean_service * 60 / (agents - load), 1) == 8.2
    assert round(erlang_c_service_level(arrival_rate, mean_service, agents, 15 / 60), 3) == 0.846


@pytest.mark.parametrize("servers, load", [(1, 0.5), (3, 2.4), (11, 10.0), (14, 10.0), (55, 48.0)])
def test_erlang_c_recursion_equals_the_direct_sum(servers, load):
    assert erlang_c(servers, load) == pytest.approx(_erlang_c_direct(servers, load), rel=1e-12)


def test_erlang_c_is_one_and_service_level_zero_when_overloaded():
    assert erlang_c(4, 4.0) == 1.0
    assert erlang_c_service_level(1.0, 5.0, 4, 10.0) == 0.0


def test_erlang_a_tends_to_erlang_c_when_nobody_gives_up():
    level, abandoned = erlang_a_outcomes(12.0, 4.0, 55, 0.25, mean_patience=1e7)
    assert level == pytest.approx(erlang_c_service_level(12.0, 4.0, 55, 0.25), abs=1e-6)
    assert abandoned < 1e-5


def test_erlang_a_closed_form_equals_the_matrix_exponential_of_its_chain():
    arrival_rate, mean_service, servers, max_wait, patience = 1.2, 5.0, 5, 10.0, 8.0
    mu, theta = 1 / mean_service, 1 / patience
    free, queued = queueing._erlang_a_queue_seen(arrival_rate, mean_service, servers, patience)
    ahead = np.arange(len(queued))
    advance = servers * mu + ahead * theta
    # index 0 = called (absorbing); index i + 1 = i tickets ahead; own abandonment at θ leaves the chain.
    generator = np.diag(np.r_[0.0, -(advance + theta)]) + np.diag(advance, -1)
    called_by_t = expm(generator * max_wait)[1:, 0]
    served = free + queued @ (servers * mu / (servers * mu + (ahead + 1) * theta))
    expected = (free + queued @ called_by_t) / served
    level = erlang_a_outcomes(arrival_rate, mean_service, servers, max_wait, patience)[0]
    assert level == pytest.approx(expected, rel=1e-9)


def _simulate(arrival_rate, mean_service, servers, max_wait, mean_patience, customers, rng):
    """FCFS multi-server queue: each arrival takes the earliest free counter; with exponential patience it
    leaves unserved when that wait exceeds its patience (then it occupies no counter). Returns
    (share of served waiting <= max_wait, share abandoned), after a warm-up tenth."""
    arrivals = np.cumsum(rng.exponential(1 / arrival_rate, customers))
    services = rng.exponential(mean_service, customers)
    patience = rng.exponential(mean_patience, customers) if mean_patience else np.full(customers, np.inf)
    free_at = [0.0] * servers
    within = served = abandoned = 0
    warm_up = customers // 10
    for i in range(customers):
        wait = max(0.0, free_at[0] - arrivals[i])
        if wait > patience[i]:
            abandoned += i >= warm_up
            continue
        heapq.heapreplace(free_at, arrivals[i] + wait + services[i])
        if i >= warm_up:
            served += 1
            within += wait <= max_wait
    counted = customers - warm_up
    return within / served, abandoned / counted


@pytest.mark.parametrize("mean_patience", [None, 12.0])
def test_models_agree_with_a_discrete_event_simulation(mean_patience):
    # A busy hall: 1 ticket a minute, 4-minute services, 5 counters (load 4, 80 % busy), 5-minute standard.
    arrival_rate, mean_service, servers, max_wait = 1.0, 4.0, 5, 5.0
    rng = np.random.default_rng(17)
    runs = [_simulate(arrival_rate, mean_service, servers, max_wait, mean_patience, 40_000, rng) for _ in range(12)]
    levels = [r[0] for r in runs]
    mean = statistics.fmean(levels)
    half_width = 2.201 * statistics.stdev(levels) / math.sqrt(len(levels))  # t(0.975, 11 df)
    predicted = service_level(arrival_rate, mean_service, servers, [max_wait], mean_patience=mean_patience)
    assert abs(predicted - mean) <= half_width, (predicted, mean, half_width)
    assert half_width < 0.015  # the interval is tight enough to mean something
    if mean_patience:
        gave_up = [r[1] for r in runs]
        predicted_gave_up = erlang_a_outcomes(arrival_rate, mean_service, servers, max_wait, mean_patience)[1]
        gave_up_half_width = 2.201 * statistics.stdev(gave_up) / math.sqrt(len(gave_up))
        assert abs(predicted_gave_up - statistics.fmean(gave_up)) <= gave_up_half_width


def test_counters_needed_is_the_first_count_reaching_the_target():
    # 10 Erlangs (100 calls per 30 minutes, 3-minute calls), 80 % within 20 s: 13 agents give 0.7956, 14 give 0.8884.
    needed = counters_needed(100 / 30, 3.0, [20 / 60], 0.80)
    assert needed == 14
    assert service_level(100 / 30, 3.0, 13, [20 / 60]) < 0.80 <= service_level(100 / 30, 3.0, 14, [20 / 60])
    assert counters_needed(0.0, 3.0, [5.0], 0.8) == 0
    assert counters_needed(100.0, 3.0, [5.0], 0.8) is None  # 300 Erlangs: beyond any hall's counters


def test_pooled_services_mix_their_own_maximum_waits():
    one = service_level(1.0, 4.0, 6, [5.0])
    other = service_level(1.0, 4.0, 6, [20.0])
    assert service_level(1.0, 4.0, 6, [5.0, 20.0], [3.0, 1.0]) == pytest.approx(0.75 * one + 0.25 * other)


# --- the mart on a constructed unit -------------------------------------------------------------------

MONDAYS = [date(2026, 3, 2) + timedelta(weeks=i) for i in range(6)]


def _ticket(unit, day, hour, n, counter, service_minutes=10.0, wait_minutes=5.0, outcome="served", service="KTP"):
    issued = datetime.combine(day, datetime.min.time()) + timedelta(hours=hour, minutes=n % 50)
    called = issued + timedelta(minutes=wait_minutes) if outcome != "abandoned" else None
    end = called + timedelta(minutes=service_minutes) if outcome == "served" else None
    return (
        unit,
        day,
        f"{service}-{hour}-{n}",
        service,
        counter if called else None,
        issued,
        called,
        outcome,
        called is not None,
        wait_minutes if called else None,
        service_minutes if end else None,
        outcome == "served" and wait_minutes <= 15,
    )


def _staffing_mart(tickets: list[tuple], as_of: date, targets: list[tuple] = ()) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    register_sql_functions(con)
    for schema in ("staging", "core", "marts"):
        con.execute(f"create schema {schema}")
    con.execute("create table core.dim_queue_as_of as select ?::date as as_of_date", [as_of])
    con.execute("create table core.dim_unit (unit_id varchar, unit_name varchar)")
    con.execute("insert into core.dim_unit values ('U1', 'Unit built by hand'), ('THIN', 'Unit with two days')")
    con.execute("comment on column core.dim_unit.unit_id is 'Unit code.'")  # as the contracts document them
    con.execute("comment on column core.dim_unit.unit_name is 'Unit name.'")
    con.execute(
        "create table core.dim_service (unit_id varchar, service_code varchar, max_wait_minutes integer, "
        "valid_from date, valid_to date)"
    )
    con.execute(
        "insert into core.dim_service values ('U1', 'KTP', 15, '2025-01-01', null), "
        "('U1', 'KK', 45, '2025-01-01', null), ('THIN', 'KTP', 15, '2025-01-01', null)"
    )
    con.execute("create table core.dim_target (unit_id varchar, year integer, indicator varchar, target double)")
    for target in targets:
        con.execute("insert into core.dim_target values (?, ?, ?, ?)", list(target))
    con.execute(
        "create table core.fct_queue_ticket (unit_id varchar, local_date date, ticket_id varchar, "
        "service_code varchar, counter_id varchar, issued_at timestamp, called_at timestamp, outcome varchar, "
        "was_called boolean, wait_minutes double, service_minutes double, within_wait_standard boolean)"
    )
    con.executemany("insert into core.fct_queue_ticket values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tickets)
    con.execute("comment on column core.fct_queue_ticket.unit_id is 'Unit code.'")
    build_model(con, MODELS["mart_staffing_unit_slot"])
    return con


def _constructed_unit() -> list[tuple]:
    tickets = []
    for day in MONDAYS:
        # 09:00 peak: 30 tickets an hour, 10-minute services, only 3 counters calling.
        tickets += [_ticket("U1", day, 9, n, f"L{n % 3 + 1}") for n in range(30)]
        # 14:00 after lunch: 6 tickets an hour at 6 different counters.
        tickets += [_ticket("U1", day, 14, n, f"L{n + 1}") for n in range(6)]
    # A unit seen on two days only: whatever it did, no staffing figure may come out of it.
    for day in MONDAYS[:2]:
        tickets += [_ticket("THIN", day, 9, n, f"L{n % 2 + 1}") for n in range(40)]
    return tickets


def test_staffing_gap_on_a_constructed_unit():
    con = _staffing_mart(_constructed_unit(), MONDAYS[-1], targets=[("U1", 2026, "queue_sla_share", 0.80)])
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select hour_of_day, arrivals_per_hour, mean_service_minutes, counters_open_typical, staffing_model, "
            "counters_needed, counters_gap, predicted_sla_share, target_source from marts.mart_staffing_unit_slot "
            "where unit_id = 'U1' and weekday = 1"
        ).fetchall()
    }
    # 09:00: λ = 30/h = 0.5/min, 10-minute services: A = 5 Erlangs. With 3 counters the queue is unstable
    # (predicted share 0). Erlang C direct sum: n = 6 gives C = 0.5875 and 1 − C·exp(−(0.6 − 0.5)·15) = 0.869 ≥ 0.80,
    # n = 5 is A = n (unstable): 6 are needed, 3 short.
    peak = rows[9]
    assert peak[:4] == (30.0, 10.0, 3, "erlang_c")
    assert round(_erlang_c_direct(6, 5.0), 4) == 0.5875
    assert 1 - _erlang_c_direct(6, 5.0) * math.exp(-(0.6 - 0.5) * 15) >= 0.80
    assert peak[4:7] == (6, 3, 0.0)
    # 14:00: λ = 6/h = 0.1/min, A = 1. n = 1 is unstable; n = 2: C = 1/3, 1 − exp(−(0.2 − 0.1)·15)/3 = 0.926 ≥ 0.80:
    # 2 needed, 6 open, 4 too many.
    quiet = rows[14]
    assert quiet[:4] == (6.0, 10.0, 6, "erlang_c")
    assert quiet[4:6] == (2, -4)
    assert quiet[6] == pytest.approx(erlang_c_service_level(0.1, 10.0, 6, 15.0))
    assert peak[7] == quiet[7] == "targets.csv"


def test_thin_data_gives_not_enough_data_never_a_number():
    con = _staffing_mart(_constructed_unit(), MONDAYS[-1])
    rows = con.execute(
        "select staffing_model, predicted_sla_share, counters_needed, counters_gap, target_source "
        "from marts.mart_staffing_unit_slot where unit_id = 'THIN'"
    ).fetchall()
    assert rows == [("not enough data", None, None, None, "default 0.80")]


def test_abandonment_switches_to_erlang_a_with_the_estimated_patience():
    tickets = []
    for day in MONDAYS:
        tickets += [_ticket("U1", day, 10, n, f"L{n % 4 + 1}", wait_minutes=6.0) for n in range(36)]
        tickets += [_ticket("U1", day, 10, 100 + n, None, outcome="abandoned") for n in range(4)]
    con = _staffing_mart(tickets, MONDAYS[-1])
    model, patience, share, needed = con.execute(
        "select staffing_model, mean_patience_minutes, abandonment_share, counters_needed "
        "from marts.mart_staffing_unit_slot"
    ).fetchone()
    assert model == "erlang_a"
    assert share == pytest.approx(0.1)
    assert patience == pytest.approx(6.0 / 0.1)  # mean wait / abandonment share
    assert needed == counters_needed(40 / 60, 10.0, [15.0], 0.80, mean_patience=60.0)


def test_every_staffing_column_is_documented():
    con = _staffing_mart(_constructed_unit(), MONDAYS[-1])
    undocumented = con.execute(
        "select column_name from duckdb_columns() where table_name = 'mart_staffing_unit_slot' "
        "and (comment is null or comment = '')"
    ).fetchall()
    assert undocumented == []


# --- the real call-centre log ---------------------------------------------------------------------------


def test_real_call_centre_log_comparison_counts_agents_and_keeps_no_names():
    import polars as pl

    from bench.realdata_staffing import LOG, compare, markdown

    rows = compare()
    table = markdown(rows)
    names = set(pl.read_csv(LOG, infer_schema=False)["server"].unique().to_list()) - {"NO_SERVER"}
    assert names and not any(name in table for name in names)
    assert all(isinstance(r.agents, int) for r in rows)
    judged = [r for r in rows if r.measured is not None]
    assert len(judged) == 17
    # Measured (README table): Erlang A at the agents present misses the hourly share by 13.8 points on average,
    # Erlang C at the distinct agents answering by 24.0 points: counting agents right matters more than the model.
    mean_error = sum(abs(r.erlang_a_present - r.measured) for r in judged) / len(judged)
    assert mean_error < 0.15
    assert mean_error < sum(abs(r.erlang_c - r.measured) for r in judged) / len(judged)


def test_services_with_their_own_counters_are_staffed_apart_and_shared_counters_pool_them():
    own, shared = [], []
    for day in MONDAYS:
        # KTP at counters L1-L2, KK at L3: each service is its own queue.
        own += [_ticket("U1", day, 9, n, f"L{n % 2 + 1}") for n in range(12)]
        own += [_ticket("U1", day, 9, 100 + n, "L3", service="KK") for n in range(6)]
        # The same tickets at counters that serve both: one queue, each service keeping its own maximum wait.
        shared += [_ticket("U1", day, 9, n, f"L{n % 3 + 1}") for n in range(12)]
        shared += [_ticket("U1", day, 9, 100 + n, f"L{n % 3 + 1}", service="KK") for n in range(6)]
    apart = {
        r[0]: r[1:]
        for r in _staffing_mart(own, MONDAYS[-1])
        .execute(
            "select staffing_scope, pools_services, arrivals_per_hour, counters_open, max_wait_minutes, "
            "counters_needed "
            "from marts.mart_staffing_unit_slot"
        )
        .fetchall()
    }
    assert apart == {
        "KTP": (False, 12.0, 2.0, 15.0, counters_needed(0.2, 10.0, [15.0], 0.80)),
        "KK": (False, 6.0, 1.0, 45.0, counters_needed(0.1, 10.0, [45.0], 0.80)),
    }
    pooled = (
        _staffing_mart(shared, MONDAYS[-1])
        .execute(
            "select staffing_scope, pools_services, arrivals_per_hour, counters_open, max_wait_minutes, "
            "predicted_sla_share from marts.mart_staffing_unit_slot"
        )
        .fetchall()
    )
    # 18 tickets an hour at 3 counters; the maximum wait shown is the arrival-weighted (12 x 15 + 6 x 45) / 18.
    assert pooled == [
        (
            "unit",
            True,
            18.0,
            3.0,
            (12 * 15 + 6 * 45) / 18,
            pytest.approx(service_level(0.3, 10.0, 3, [45.0, 15.0], [6.0, 12.0])),
        )
    ]


@pytest.mark.parametrize("seed", range(4))
def test_counters_needed_equals_a_linear_search_and_counts_those_who_give_up(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        rate, service, target = rng.uniform(0.05, 3), rng.uniform(1, 20), rng.uniform(0.5, 0.99)
        wait = float(rng.choice([5, 15, 30, 60]))
        patience = None if rng.random() < 0.3 else rng.uniform(0.5, 400)
        levels = (
            service_level(rate, service, n, [wait], mean_patience=patience, among="arrivals") for n in range(1, 201)
        )
        first = next((n for n, level in enumerate(levels, start=1) if level >= target), None)
        assert counters_needed(rate, service, [wait], target, mean_patience=patience) == first
    # Impatient people (2.4 minutes against a 60-minute standard): among the served alone one counter looks
    # compliant, because only those called at once stay; counted over all tickets it takes 7.
    assert service_level(1.29, 8.8, 1, [60.0], mean_patience=2.4) > 0.58
    assert counters_needed(1.29, 8.8, [60.0], 0.58, mean_patience=2.4) == 7


def test_a_rebuild_takes_the_answers_of_the_last_build_and_a_changed_formula_forgets_them(monkeypatch):
    """The build database keeps the Erlang answers of the last build: asked again (up to the last bits of a
    parallel sum) they are not computed again; answers of another version of the formulas are not used."""
    con = _staffing_mart(_constructed_unit(), MONDAYS[-1], targets=[("U1", 2026, "queue_sla_share", 0.80)])
    queueing.recall(con)  # what connect_build does: this build database remembers nothing yet
    build_model(con, MODELS["mart_staffing_unit_slot"])
    queueing.remember(con)
    first = con.execute("select * from marts.mart_staffing_unit_slot order by all").fetchall()
    assert con.execute(f"select count(*) from {queueing.MEMO}").fetchone()[0] > 0

    def not_again(*args):
        raise AssertionError(f"computed again: {args}")

    monkeypatch.setattr(queueing, "counters_needed", not_again)
    monkeypatch.setattr(queueing, "service_level", not_again)
    queueing.recall(con)
    build_model(con, MODELS["mart_staffing_unit_slot"])
    assert con.execute("select * from marts.mart_staffing_unit_slot order by all").fetchall() == first
    # Inputs that differ in their last bits are the same question.
    assert queueing._settled(0.1 + 0.2) == queueing._settled(0.3)

    monkeypatch.setattr(queueing, "_VERSION", "another formula")
    queueing.recall(con)
    with pytest.raises(duckdb.InvalidInputException, match="computed again"):
        build_model(con, MODELS["mart_staffing_unit_slot"])
