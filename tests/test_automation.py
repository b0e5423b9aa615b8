"""The landing sensor, the nightly schedule and failure alerts, on a copy of a published home."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import duckdb
import polars as pl
import pytest
from dagster import (
    AssetKey,
    AssetSelection,
    DagsterInstance,
    build_schedule_context,
    build_sensor_context,
    evaluate_automation_conditions,
)

from pipelines import warehouse
from pipelines.alerts import send_alert
from pipelines.assets.warehouse import STAGING_INPUTS
from pipelines.definitions import build_definitions
from pipelines.jobs import WAREHOUSE_JOB
from pipelines.orchestration import QUIET
from pipelines.planning import RANGE_END, RANGE_START, STALE_TAG
from pipelines.resources import MutuResource
from pipelines.schedules import nightly
from pipelines.sensors import STAGING_BY_SOURCE, failure_message, landing_sensor
from pipelines.settings import Paths
from pipelines.sql_models import LAYERS, models


@pytest.fixture()
def copy(published, small_landing, tmp_path):
    home = tmp_path / "home"
    landing = tmp_path / "landing"
    shutil.copytree(published.parent.parent, home)
    shutil.copytree(small_landing, landing)
    instance = DagsterInstance.from_config(str(home / "dagster"))
    return home, landing, instance


def _tick(instance, home, landing, cursor=None):
    context = build_sensor_context(
        instance=instance, cursor=cursor, resources={"mutu": MutuResource(home=str(home), landing=str(landing))}
    )
    return landing_sensor(context)


def _stage(defs, instance, tick) -> None:
    """Carry out a landing sensor tick as the daemon would: its new partitions, then its runs."""
    for request in tick.dynamic_partitions_requests:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    for request in tick.run_requests:
        defs.resolve_job_def(request.job_name).execute_in_process(
            instance=instance, run_config=QUIET, tags=request.tags, asset_selection=request.asset_selection
        )


def _requested(result):
    """(asset, first day, last day, the days it stages) of each staging run requested: the range of the declared
    `staging` job and the asset's stale days named in the run's tag."""
    source_of = {key: source for source, key in STAGING_BY_SOURCE.items()}
    out = []
    for r in result:
        stale = dict(entry.split("=") for entry in r.tags[STALE_TAG].split(";"))
        for key in (k for k in r.asset_selection if k in source_of):  # then the computed staging tables
            out.append((key.to_user_string(), r.tags[RANGE_START], r.tags[RANGE_END], stale[source_of[key]]))
    return sorted(out)


def test_sensor_runs_only_partitions_whose_content_changed(copy):
    home, landing, instance = copy
    first = _tick(instance, home, landing)
    assert _requested(first.run_requests) == []

    queue_file = landing / "queue" / "canonical" / "queue_U1_2026-08-03.csv"
    os.utime(queue_file, (time.time() + 60, time.time() + 60))  # touched, same content
    touched = _tick(instance, home, landing, first.cursor)
    assert _requested(touched.run_requests) == []

    queue_file.write_text(
        queue_file.read_text()
        + "T2,U1,KTP,L1,false,walk_in,2026-08-03T09:00:00,2026-08-03T09:05:00,2026-08-03T09:06:00,"
        "2026-08-03T09:15:00,served,\n"
    )
    new_day = landing / "complaints" / "canonical" / "complaints_2026-09-01.jsonl"
    new_day.write_text(
        (landing / "complaints" / "canonical" / "complaints_2026-08-20.jsonl")
        .read_text()
        .replace("C3", "C9")
        .replace("2026-08-20", "2026-09-01")
    )
    changed = _tick(instance, home, landing, touched.cursor)
    # One run over 3 August's queue restatement and the new complaints day; each source stages its own day only.
    assert _requested(changed.run_requests) == [
        ("staging/complaints", "2026-08-03", "2026-09-01", "2026-09-01"),
        ("staging/queue_tickets", "2026-08-03", "2026-09-01", "2026-08-03"),
    ]
    assert {r.job_name for r in changed.run_requests} == {"staging"}
    assert [r.partition_keys for r in changed.dynamic_partitions_requests] == [["2026-09-01"]]

    # Run what the sensor asked for: the next tick has nothing left to do.
    instance.add_dynamic_partitions("local_date", ["2026-09-01"])
    definitions = build_definitions(MutuResource(home=str(home), landing=str(landing)))
    for request in changed.run_requests:
        job = definitions.resolve_job_def(request.job_name)
        assert job.execute_in_process(
            instance=instance, tags=request.tags, asset_selection=request.asset_selection, run_config=QUIET
        ).success
    assert _requested(_tick(instance, home, landing, changed.cursor).run_requests) == []


def test_nightly_reruns_yesterday_and_restated_days(copy):
    home, landing, instance = copy
    # As a context manager: the context sets the instance's state storage as the current one until it exits (left
    # set, a later test's first Definitions load found that instance gone).
    with build_schedule_context(
        instance=instance,
        scheduled_execution_time=datetime(2026, 8, 4, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        resources={"mutu": MutuResource(home=str(home), landing=str(landing))},
    ) as context:
        requests = nightly(context)
    assert _requested(requests) == [
        ("staging/complaints", "2026-08-03", "2026-08-03", "2026-08-03"),
        ("staging/queue_tickets", "2026-08-03", "2026-08-03", "2026-08-03"),
    ]  # both sources landed files for 3 August, in one run; nothing earlier was restated
    assert len(requests) == 1


def test_failure_alert_reaches_the_log_and_a_loopback_webhook(tmp_path):
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    message = failure_message("abc123", "__ASSET_JOB", "Traceback ...\nPublishError: disk full")
    assert send_alert(message, tmp_path, f"http://127.0.0.1:{server.server_port}/hook") is True
    thread.join(timeout=10)
    server.server_close()
    assert received == [{"text": message}]
    assert "abc123" in message and "disk full" in message
    assert (tmp_path / "alerts.log").read_text().strip().endswith(message)


def _automation(defs, instance, cursor=None):
    """One tick of the warehouse automation: its result (for the next tick's cursor) and the assets it requests."""
    result = evaluate_automation_conditions(
        defs,
        instance,
        asset_selection=AssetSelection.groups("core", "indicators", "marts", "audit", "publish"),
        cursor=cursor,
    )
    return result, {r.key for r in result.results if r.true_subset.size and isinstance(r.key, AssetKey)}


def test_the_daemon_requests_the_models_mutu_run_builds(copy, monkeypatch):
    """After a restated queue day is staged, the warehouse automation requests the models `mutu run` would build
    (warehouse.models_to_update), not every model the calendar feeds: the computed staging tables, which every build
    materializes again, count as updated only when their content changed. A build that changes one (a run setting)
    has the next tick request the models reading it that the build did not run."""
    home, landing, instance = copy
    defs = build_definitions(MutuResource(home=str(home), landing=str(landing)))
    baseline, _ = _automation(defs, instance)
    queue_file = landing / "queue" / "canonical" / "queue_U1_2026-08-03.csv"
    lines = queue_file.read_text().splitlines(keepends=True)
    queue_file.write_text("".join(lines[:-1]))
    _stage(defs, instance, _tick(instance, home, landing))
    staged, requested = _automation(defs, instance, baseline.cursor)
    built = {AssetKey([m.layer, m.name]) for m in warehouse.models_to_update(Paths(home), "exact")}
    assert AssetKey(["core", "fct_queue_ticket"]) in built and AssetKey(["core", "fct_survey_response"]) not in built
    assert {key for key in requested if key.path[0] in LAYERS} == built

    monkeypatch.setenv("MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS", "5")
    build = defs.resolve_job_def(WAREHOUSE_JOB)
    build.execute_in_process(
        instance=instance, run_config=QUIET, asset_selection=[*requested, *STAGING_INPUTS.values()]
    )
    _, next_tick = _automation(defs, instance, staged.cursor)
    readers = {AssetKey([m.layer, m.name]) for m in models() if ("staging", "run_parameters") in m.depends_on}
    assert readers - requested and readers - requested <= next_tick


def test_a_day_only_one_source_landed_reaches_every_model_through_the_daemon(copy):
    """A new day on which only queue tickets landed, past the end of the calendar: a staging run stages the sources
    with files, so the other sources' partitions of that day are never materialized. Plain eager waited for them and
    held back, for good, the calendar, the audit tables and every model reading complaints or survey answers; the
    daemon now brings the warehouse, in one build, to where `mutu run` has nothing left to build."""
    home, landing, instance = copy
    defs = build_definitions(MutuResource(home=str(home), landing=str(landing)))
    cursor = _automation(defs, instance)[0].cursor
    new_day = "2027-01-05"  # the calendar runs to the end of the month 120 days after the last landed day
    source = landing / "queue" / "canonical" / "queue_U1_2026-08-03.csv"
    (source.parent / f"queue_U1_{new_day}.csv").write_text(source.read_text().replace("2026-08-03", new_day))
    _stage(defs, instance, _tick(instance, home, landing))
    # The staging run materialized the calendar too: its change is known before the first build, which has every
    # model reading it (it took three builds when the calendar was known only once a build had materialized it).
    build, builds = defs.resolve_job_def(WAREHOUSE_JOB), 0
    while True:
        result, requested = _automation(defs, instance, cursor)
        cursor = result.cursor
        if not requested or builds > 1:
            break
        assert not requested & set(STAGING_INPUTS.values())  # the staging run's, not requested again
        assert AssetKey(["core", "dim_calendar"]) in requested and AssetKey(["audit", "row_accounting"]) in requested
        assert build.execute_in_process(instance=instance, run_config=QUIET, asset_selection=list(requested)).success
        builds += 1
    assert not requested and builds == 1 and warehouse.models_to_update(Paths(home), "exact") == []
    con = duckdb.connect(str(home / "warehouse" / "mutu.duckdb"), read_only=True)
    try:
        assert str(con.execute("select max(day) from core.dim_calendar").fetchone()[0]) > new_day
        assert con.execute(
            "select count(*) from audit.row_accounting where source_file like ?", [f"%queue_U1_{new_day}.csv"]
        ).fetchone() == (1,)
    finally:
        con.close()


def test_the_daemon_alone_publishes_a_new_home(small_landing, tmp_path):
    """A home the daemon starts on, with nothing built: its automation first runs before anything is staged (as the
    daemon does from its start), then the sensor stages the landing and the ticks build until nothing is requested.
    Eager requests only what becomes missing after its first evaluation, so the models that read no table
    (core.dim_unsur ...) were never requested, nor anything reading them: the daemon alone never published."""
    from pipelines.orchestration import instance_for

    home, landing = tmp_path / "home", tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    instance = instance_for(Paths(home))
    defs = build_definitions(MutuResource(home=str(home), landing=str(landing)))
    cursor = _automation(defs, instance)[0].cursor
    sensor_cursor = None
    for _ in range(3):  # the reference data on the first tick, the partitions on the next
        tick = _tick(instance, home, landing, sensor_cursor)
        sensor_cursor = tick.cursor
        _stage(defs, instance, tick)
    assert not tick.run_requests
    build = defs.resolve_job_def(WAREHOUSE_JOB)
    for _ in range(4):
        result, requested = _automation(defs, instance, cursor)
        cursor = result.cursor
        if not requested:
            break
        assert build.execute_in_process(instance=instance, run_config=QUIET, asset_selection=list(requested)).success
    assert not requested
    assert instance.get_latest_materialization_event(AssetKey(["publish", "warehouse"])) is not None
    assert warehouse.models_to_update(Paths(home), "exact") == []


def test_a_failed_reference_run_does_not_stop_the_staging(copy):
    """Reference data changed: the sensor requests the reference run alone. Once that run failed, its run key is spent
    (Dagster launches a key once), so the sensor stages the partitions with the reference the lake holds, rather
    than nothing staged until someone fixes the reference files (the failure has alerted)."""
    from dagster import DagsterRunStatus
    from dagster._core.test_utils import create_run_for_test

    from pipelines.sensors import reference_run_key
    from pipelines.settings import pii_key

    home, landing, instance = copy
    services = landing / "reference" / "services.csv"
    services.write_text(services.read_text().replace("KTP elektronik,30,", "KTP elektronik,35,", 1))
    first = _tick(instance, home, landing)
    assert [r.job_name for r in first.run_requests] == ["reference"]
    from pipelines.planning import make_plan

    key = reference_run_key(make_plan(landing, home / "lake", pii_key(), {}, []))
    assert first.run_requests[0].run_key == key
    create_run_for_test(instance, job_name="reference", status=DagsterRunStatus.FAILURE, tags={"dagster/run_key": key})
    assert {r.job_name for r in _tick(instance, home, landing).run_requests} == {"staging"}


BOTH_DAYS = ["2026-07-30..2026-08-03"]  # the two partitions of U1's export, next to each other


def test_the_daemon_dates_an_export_named_by_its_export_day_by_its_records(copy):
    """Two days of U1's tickets in one export named by the later day: the sensor stages the name's day; staging
    finds records of another day there, and the next tick stages both days with the file dated by its records (as
    `mutu run` does in one run); then nothing is left to do."""
    home, landing, instance = copy
    queue = landing / "queue" / "canonical"
    first, second = queue / "queue_U1_2026-07-30.csv", queue / "queue_U1_2026-08-03.csv"
    header, *earlier = first.read_text().splitlines()
    later = second.read_text().splitlines()[1:]
    first.unlink()
    second.write_text("\n".join([header, *earlier, *later]) + "\n")
    definitions = build_definitions(MutuResource(home=str(home), landing=str(landing)))

    named = _tick(instance, home, landing)
    assert [r[3] for r in _requested(named.run_requests) if r[0] == "staging/queue_tickets"] == BOTH_DAYS
    _stage(definitions, instance, named)
    assert _rows_of(home, "2026-08-03") == {("queue/canonical/queue_U1_2026-08-03.csv", "name", len(earlier))}

    redated = _tick(instance, home, landing, named.cursor)
    assert [r[3] for r in _requested(redated.run_requests) if r[0] == "staging/queue_tickets"] == BOTH_DAYS
    _stage(definitions, instance, redated)
    for day in ("2026-07-30", "2026-08-03"):
        assert _rows_of(home, day) == {("queue/canonical/queue_U1_2026-08-03.csv", "records", None)}
    assert _requested(_tick(instance, home, landing, redated.cursor).run_requests) == []


def _rows_of(home, day: str) -> set[tuple]:
    """(file, how it was dated, records off its named day) of U1's canonical queue files in a day's accounting."""
    accounting = pl.read_parquet(home / "lake" / "row_accounting" / "queue_tickets" / f"{day}.parquet")
    return {
        (r["source_file"], r["dated_by"], r["records_off_day"])
        for r in accounting.iter_rows(named=True)
        if r["source_file"].startswith("queue/canonical/queue_U1")
    }
