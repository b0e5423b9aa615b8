"""Wall and CPU time per pipeline stage (parse, validate, write, transform, publish), wherever a run executes.

A stage is timed in the process that runs it, and counted for the Dagster step it runs in. Each step's totals
travel with its materializations as metadata (`mutu/stage/<stage>/wall_s`, `cpu_s`, `rows`: `step_metadata`),
so the timings of any run, whether launched by `mutu run`, by the daemon's sensor and schedule or executed by
worker processes, are read back alike from the instance's event log (`run_stages`), beside Dagster's own
duration of each step. `mutu run` writes those of its runs to HOME/run_stats.json (`make bench` reads it);
`mutu stages` prints them for any run.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipelines.atomic import write_text_atomically

STAGES = ("parse", "validate", "write", "transform", "publish")
MEASURES = ("wall_s", "cpu_s", "rows")
PREFIX = "mutu/stage/"
# (run id, step key) -> stage -> measure -> total; ("", "") outside a Dagster step.
_steps: dict[tuple[str, str], dict[str, dict[str, float]]] = defaultdict(
    lambda: defaultdict(lambda: dict.fromkeys(MEASURES, 0))
)
_since: datetime | None = None


def _current_step() -> tuple[str, str]:
    from dagster import OpExecutionContext
    from dagster._core.errors import DagsterInvariantViolationError

    try:
        context = OpExecutionContext.get()
    except DagsterInvariantViolationError:
        return "", ""
    return context.run_id, context.get_step_execution_context().step.key


@contextmanager
def stage(name: str, rows: int = 0):
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        totals = _steps[_current_step()][name]
        totals["wall_s"] += time.perf_counter() - wall
        totals["cpu_s"] += time.process_time() - cpu
        totals["rows"] += rows


def add_rows(name: str, rows: int) -> None:
    _steps[_current_step()][name]["rows"] += rows


def step_metadata() -> dict[str, float]:
    """The current step's stage totals as materialization metadata (on one or every materialization of the step:
    `run_stages` counts a step once)."""
    return {
        f"{PREFIX}{name}/{measure}": round(value, 3) if measure != "rows" else int(value)
        for name, totals in _steps.get(_current_step(), {}).items()
        for measure, value in totals.items()
    }


def run_stages(instance, run_ids: list[str]) -> dict:
    """Stage totals and Dagster's step durations of these runs, from the instance's event log."""
    from dagster import DagsterEventType

    per_step: dict[tuple[str, str], dict[str, float]] = {}
    steps: dict[str, float] = defaultdict(float)
    for run_id in run_ids:
        for entry in instance.all_logs(run_id, of_type={DagsterEventType.ASSET_MATERIALIZATION}):
            metadata = entry.asset_materialization.metadata
            measured = {key[len(PREFIX) :]: value.value for key, value in metadata.items() if key.startswith(PREFIX)}
            if measured:  # a partitioned step's timings ride on one of its partitions
                per_step[(run_id, entry.step_key or "")] = measured
        for entry in instance.all_logs(run_id, of_type={DagsterEventType.STEP_SUCCESS}):
            steps[entry.step_key] += entry.dagster_event.event_specific_data.duration_ms / 1000
    totals: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for measured in per_step.values():
        for key, value in measured.items():
            name, measure = key.rsplit("/", 1)
            totals[name][measure] += value
    return {
        "stages": {
            name: {m: round(v, 3) if m != "rows" else int(v) for m, v in totals[name].items()}
            for name in STAGES
            if name in totals
        },
        "steps": {key: round(seconds, 3) for key, seconds in sorted(steps.items())},
    }


def runs_since(instance, since: datetime) -> list[str]:
    from dagster import RunsFilter

    return [r.dagster_run.run_id for r in instance.get_run_records(filters=RunsFilter(created_after=since))]


def reset() -> None:
    """Start timing a `mutu run`: `write` reports the runs created from now on."""
    global _since
    _steps.clear()
    _since = datetime.now(UTC)


def write(path: Path, extra: dict, instance=None) -> None:
    """HOME/run_stats.json: `extra`, and the stage timings of the runs created since `reset`."""
    from dagster import DagsterInstance

    instance = instance or DagsterInstance.get()
    run_ids = runs_since(instance, _since or datetime.now(UTC))
    write_text_atomically(path, json.dumps({**extra, "runs": run_ids, **run_stages(instance, run_ids)}, indent=2))
