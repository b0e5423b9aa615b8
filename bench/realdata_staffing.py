"""Mutu's staffing models against a real queue: the "Anonymous Bank" call-centre log (tests/realdata).

Per hour: calls reaching the agents' queue, agents answering that hour, the service level Erlang C and
Erlang A predict at that many agents, and the share actually answered within the threshold. Agent names
are personal data: they are only counted here, in memory; nothing but counts leaves this script.

    .venv/bin/python -m bench.realdata_staffing            # markdown table for the README
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.queueing import erlang_a_outcomes, erlang_c_service_level

LOG = Path(__file__).resolve().parent.parent / "tests" / "realdata" / "calls_one_day.csv"
THRESHOLD_SECONDS = 60
MIN_SERVED = 20  # hours with fewer answered calls are reported without a prediction
PRESENT_GAP_SECONDS = 600  # an agent answering again within 10 minutes is taken to have been there in between


@dataclass(frozen=True)
class HourComparison:
    hour: int
    calls: int
    served: int
    agents: int
    mean_service_minutes: float | None
    measured: float | None
    erlang_c: float | None
    erlang_a: float | None
    agents_present: float = 0.0
    erlang_a_present: float | None = None


def _seconds(column: str) -> pl.Expr:
    parts = pl.col(column).str.split(":")
    return (
        parts.list.get(0).cast(pl.Int64) * 3600
        + parts.list.get(1).cast(pl.Int64) * 60
        + parts.list.get(2).cast(pl.Int64)
    )


def queued_calls(path: Path = LOG) -> pl.DataFrame:
    """Calls that reached the agents: answered ones, and hang-ups that had joined the queue (PHANTOM dropped)."""
    calls = pl.read_csv(path, infer_schema=False)
    return calls.filter(
        (pl.col("outcome") == "AGENT") | ((pl.col("outcome") == "HANG") & (pl.col("q_start") != "0:00:00"))
    ).select(
        served=pl.col("outcome") == "AGENT",
        arrival=_seconds("vru_exit"),  # leaving the voice-response unit = asking for an agent
        answered=pl.when(pl.col("outcome") == "AGENT").then(_seconds("ser_start")),
        finished=pl.when(pl.col("outcome") == "AGENT").then(_seconds("ser_exit")),
        wait=pl.col("q_time").cast(pl.Int64),
        service=pl.col("ser_time").cast(pl.Int64),
        agent=pl.when(pl.col("outcome") == "AGENT").then(pl.col("server")),
    )


def mean_patience_minutes(calls: pl.DataFrame) -> float:
    """Exponential patience by maximum likelihood: abandonments / total time all queued calls spent waiting."""
    abandoned = calls.filter(~pl.col("served")).height
    return calls["wait"].sum() / 60 / abandoned


def agents_present(calls: pl.DataFrame) -> dict[int, float]:
    """Agent-hours present per hour: each agent from a call's start to the next one's when it follows within
    PRESENT_GAP_SECONDS, else to the call's end. Agents are told apart by name only inside this function."""
    spans = (
        calls.filter(pl.col("served"))
        .sort("agent", "answered")
        .with_columns(next_start=pl.col("answered").shift(-1).over("agent"))
        .select(
            "answered",
            until=pl.when(pl.col("next_start") - pl.col("answered") <= PRESENT_GAP_SECONDS)
            .then(pl.col("next_start"))
            .otherwise(pl.max_horizontal("finished", "answered")),
        )
    )
    present: dict[int, float] = {}
    for start, end in spans.iter_rows():
        for hour in range(start // 3600, end // 3600 + 1):
            overlap = min(end, (hour + 1) * 3600) - max(start, hour * 3600)
            present[hour] = present.get(hour, 0.0) + max(overlap, 0) / 3600
    return present


def compare(path: Path = LOG, threshold_seconds: int = THRESHOLD_SECONDS) -> list[HourComparison]:
    calls = queued_calls(path)
    patience = mean_patience_minutes(calls)
    arrivals = calls.group_by(hour=pl.col("arrival") // 3600).agg(
        calls=pl.len(),
        served=pl.col("served").sum(),
        mean_service_minutes=pl.col("service").filter(pl.col("served")).mean() / 60,
        measured=(pl.col("wait") <= threshold_seconds).filter(pl.col("served")).mean(),
    )
    # Agents answering in the hour: distinct names counted, never kept.
    agents = (
        calls.filter(pl.col("served")).group_by(hour=pl.col("answered") // 3600).agg(agents=pl.col("agent").n_unique())
    )
    hours = arrivals.join(agents, on="hour", how="left").sort("hour")
    present = agents_present(calls)
    rows = []
    for hour, count, served, service, measured, agent_count in hours.select(
        "hour", "calls", "served", "mean_service_minutes", "measured", "agents"
    ).iter_rows():
        agent_count = agent_count or 0
        predicted_c = predicted_a = predicted_present = None
        if served >= MIN_SERVED and service:
            rate, limit = count / 60, threshold_seconds / 60
            predicted_c = erlang_c_service_level(rate, service, agent_count, limit)
            predicted_a = erlang_a_outcomes(rate, service, agent_count, limit, patience)[0]
            predicted_present = erlang_a_outcomes(rate, service, round(present.get(hour, 0.0)), limit, patience)[0]
        rows.append(
            HourComparison(
                hour,
                count,
                served,
                agent_count,
                service,
                measured if served >= MIN_SERVED else None,
                predicted_c,
                predicted_a,
                present.get(hour, 0.0),
                predicted_present,
            )
        )
    return rows


def markdown(rows: list[HourComparison], threshold_seconds: int = THRESHOLD_SECONDS) -> str:
    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    lines = [
        f"| hour | calls | answered | agents | agents present | mean service (min) "
        f"| measured ≤ {threshold_seconds} s | Erlang C | Erlang A | Erlang A, agents present |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        service = "—" if r.mean_service_minutes is None else f"{r.mean_service_minutes:.1f}"
        lines.append(
            f"| {r.hour:02d} | {r.calls} | {r.served} | {r.agents} | {r.agents_present:.1f} | {service} "
            f"| {pct(r.measured)} | {pct(r.erlang_c)} | {pct(r.erlang_a)} | {pct(r.erlang_a_present)} |"
        )
    judged = [r for r in rows if r.measured is not None]
    for name in ("erlang_c", "erlang_a", "erlang_a_present"):
        error = sum(abs(getattr(r, name) - r.measured) for r in judged) / len(judged)
        lines.append(f"\n{name}: mean absolute error {error:.1%} over {len(judged)} hours")
    return "\n".join(lines)


if __name__ == "__main__":
    table = compare()
    print(f"mean patience {mean_patience_minutes(queued_calls()):.2f} min")
    print(markdown(table))
    sys.exit(0)
