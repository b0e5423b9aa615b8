"""Parallel and distributed execution: the same staging backfill on Dagster's multiprocess executor and on
dagster-celery (local Redis broker, two worker processes) gives the marts of the in-process run.

The executor is configuration (pipelines/jobs.py); the code is the same. Staging steps run side by side
(one Parquet file per source and partition); the warehouse build follows on one writer.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterEventType, execute_job, materialize

from pipelines.orchestration import QUIET, instance_for
from pipelines.settings import Paths, pii_key
from pipelines.stage_timer import run_stages
from tests.test_properties import mart_contents

REPO = Path(__file__).resolve().parents[1]
STAGING_STEPS = {"staging__queue_tickets", "staging__survey_responses", "staging__complaints"}  # one per source


def _prepare(home: Path, landing: Path):
    """Instance, partitions and reference data: what a backfill starts from."""
    from pipelines.assets.staging import daily_partitions, staging_reference
    from pipelines.definitions import all_assets
    from pipelines.planning import make_plan
    from pipelines.resources import MutuResource

    instance = instance_for(Paths(home))
    keys = make_plan(landing, Paths(home).lake, pii_key(), {}, []).new_partitions  # every landed day: the lake is new
    instance.add_dynamic_partitions(daily_partitions.name, keys)
    resources = {"mutu": MutuResource(home=str(home), landing=str(landing))}
    assert materialize(
        all_assets, selection=list(staging_reference.keys), instance=instance, resources=resources, run_config=QUIET
    ).success
    return instance, keys


def _steps(instance, run_id: str) -> dict[str, tuple[float, float]]:
    """Step key -> (start, end) timestamps from the run's event log."""
    started, ended = {}, {}
    for record in instance.all_logs(run_id):
        event = record.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            started[event.step_key] = record.timestamp
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            ended[event.step_key] = record.timestamp
    return {k: (started[k], ended.get(k, float("inf"))) for k in started}


def _max_overlap(intervals: list[tuple[float, float]]) -> int:
    points = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda p: (p[0], p[1]))
    best = running = 0
    for _, delta in points:
        running += delta
        best = max(best, running)
    return best


def _assert_clean(instance, result) -> None:
    """Succeeded with no failed or retried step: a lock error would show as one or the other."""
    assert result.success
    bad = [
        r.dagster_event
        for r in instance.all_logs(result.run_id)
        if r.dagster_event
        and r.dagster_event.event_type in (DagsterEventType.STEP_FAILURE, DagsterEventType.STEP_UP_FOR_RETRY)
    ]
    assert bad == []


def _backfill(home: Path, landing: Path, executor: str, execution_config: dict):
    """The staging backfill of every landed day on `executor`, then the warehouse build in-process."""
    from pipelines.jobs import STAGING_JOB, WAREHOUSE_JOB, reconstructable_job

    instance, keys = _prepare(home, landing)
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    staging = execute_job(
        reconstructable_job(STAGING_JOB, str(home), str(landing), executor),
        instance,
        run_config={**QUIET, "execution": {"config": execution_config}},
        tags=tags,
    )
    _assert_clean(instance, staging)
    warehouse = execute_job(
        reconstructable_job(WAREHOUSE_JOB, str(home), str(landing), "in_process"), instance, run_config=QUIET
    )
    _assert_clean(instance, warehouse)
    return instance, staging.run_id


def test_multiprocess_backfill_runs_staging_steps_concurrently(published, small_landing, tmp_path):
    home = tmp_path / "home"
    instance, run_id = _backfill(home, small_landing, "multiprocess", {"max_concurrent": 3})
    steps = _steps(instance, run_id)
    computed = steps.pop("staging_inputs")  # the calendar and the other staging tables computed from the lake
    assert set(steps) == STAGING_STEPS, steps  # one step per source, each over the whole range of days
    assert _max_overlap(list(steps.values())) >= 2, steps
    assert computed[0] >= max(end for _, end in steps.values())
    # The steps ran in child processes: their stage timings reach this one through the event log.
    timings = run_stages(instance, [run_id])
    assert set(timings["steps"]) == {*steps, "staging_inputs"}
    assert {"parse", "validate", "write"} <= set(timings["stages"])
    assert timings["stages"]["parse"]["rows"] == timings["stages"]["write"]["rows"] > 0
    assert all(timings["stages"][s]["wall_s"] > 0 for s in ("parse", "validate", "write"))
    assert mart_contents(home / "warehouse" / "mutu.duckdb") == mart_contents(published)


# --- dagster-celery with a local Redis broker ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """Stop a process the test started, and its children (its own session), by its id."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass


@pytest.fixture()
def celery_cluster(tmp_path):
    """redis-server on a free loopback port and two `celery -A dagster_celery.app worker` processes."""
    redis = shutil.which("redis-server")
    if redis is None:
        pytest.skip("redis-server is not installed (Debian package `redis-server`; .ci/run installs it)")
    port = _free_port()
    broker, backend = f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"
    started: list[subprocess.Popen] = []
    data = tmp_path / "redis"
    data.mkdir()
    try:
        started.append(
            subprocess.Popen(
                [
                    redis,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(data),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=(data / "redis.log").open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        _wait(lambda: _redis_answers(port), 30, "redis-server")
        # Workers read their broker from a `dagster_celery_config` module, as `dagster-celery worker start -y`
        # writes it.
        config = tmp_path / "celery_config"
        config.mkdir()
        (config / "dagster_celery_config.py").write_text(f"broker_url = {broker!r}\nresult_backend = {backend!r}\n")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(config), str(REPO)])}
        logs = []
        for n in (1, 2):
            log = tmp_path / f"worker{n}.log"
            logs.append(log)
            started.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "dagster_celery.app",
                        "worker",
                        "-Q",
                        "dagster",
                        "-n",
                        f"mutu{n}@%h",
                        "--concurrency=1",
                        "--prefetch-multiplier=1",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel=INFO",
                    ],
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=REPO,
                    start_new_session=True,
                )
            )
        _wait(lambda: all(" ready." in log.read_text(errors="replace") for log in logs), 180, "two celery workers")
        yield {"broker": broker, "backend": backend}, logs
    finally:
        for process in reversed(started):
            _stop(process)


def test_celery_backfill_on_two_workers_gives_the_same_marts(published, small_landing, tmp_path, celery_cluster):
    config, logs = celery_cluster
    home = tmp_path / "home"
    instance, run_id = _backfill(
        home, small_landing, "celery", {"broker": config["broker"], "backend": config["backend"]}
    )
    workers = {
        r.dagster_event.event_specific_data.metadata["Celery worker"].value
        for r in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT)
        if r.dagster_event.event_specific_data
        and "Celery worker" in (r.dagster_event.event_specific_data.metadata or {})
    }
    assert set(_steps(instance, run_id)) == {*STAGING_STEPS, "staging_inputs"}
    assert len(workers) == 2, (workers, [log.read_text()[-2000:] for log in logs])
    assert mart_contents(home / "warehouse" / "mutu.duckdb") == mart_contents(published)
