"""One planner: `mutu run` and the landing sensor + nightly schedule stage the same partitions for the same
landing, restatement and staging-input change (issue 16)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from dagster import DagsterInstance, SkipReason, build_schedule_context, build_sensor_context

from pipelines.changes import accounting_rows
from pipelines.definitions import build_definitions
from pipelines.orchestration import QUIET, run_everything
from pipelines.resources import MutuResource
from pipelines.schedules import nightly
from pipelines.sensors import landing_sensor

NEW_COMPLAINTS_DAY = "2026-09-01"
EXTRA_TICKET = (
    "T7,U1,KTP,L2,false,walk_in,2026-08-03T09:00:00,2026-08-03T09:50:00,2026-08-03T09:51:00,2026-08-03T10:00:00,"
    "served,\n"
)


def _staged_at(home: Path) -> dict[tuple[str, str], object]:
    rows = accounting_rows(home / "lake").filter(pl.col("partition_key").is_not_null())
    return {
        (d, pk): t
        for d, pk, t in rows.group_by("dataset", "partition_key").agg(pl.col("ingested_at").max()).iter_rows()
    }


def _restaged(before: dict, after: dict) -> set[tuple[str, str]]:
    return {k for k, t in after.items() if before.get(k) != t}


def _copies(published: Path, small_landing: Path, root: Path, change) -> tuple[Path, Path, Path]:
    landing = root / "landing"
    shutil.copytree(small_landing, landing)
    change(landing)
    homes = []
    for name in ("home_run", "home_daemon"):
        shutil.copytree(published.parent.parent, root / name)
        homes.append(root / name)
    return landing, *homes


def _through_the_daemon(home: Path, landing: Path) -> int:
    """Landing-sensor ticks, their run requests executed as the daemon would, until one requests nothing (a reference
    change is staged on one tick, the partitions it made stale on the next), then a nightly-schedule tick."""
    instance = DagsterInstance.from_config(str(home / "dagster"))
    mutu = MutuResource(home=str(home), landing=str(landing))
    definitions = build_definitions(mutu)
    requests, cursor = 0, None
    for _ in range(3):
        tick = landing_sensor(build_sensor_context(instance=instance, resources={"mutu": mutu}, cursor=cursor))
        cursor = tick.cursor
        if not tick.run_requests:
            break
        jobs = {request.job_name for request in tick.run_requests}
        assert jobs in ({"reference"}, {"staging"}), jobs  # never side by side: staging validates with the reference
        requests += len(tick.run_requests)
        for request in tick.dynamic_partitions_requests:
            instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        for request in tick.run_requests:
            job = definitions.resolve_job_def(request.job_name)
            result = job.execute_in_process(
                instance=instance,
                tags=request.tags,
                asset_selection=request.asset_selection,
                run_config=QUIET,
                raise_on_error=False,
            )
            assert result.success, request
    assert not tick.run_requests
    # After the sensor's runs the nightly tick (for a day with no exports) finds nothing left to stage.
    # As a context manager: the context sets the instance's state storage as the current one until it exits.
    with build_schedule_context(
        instance=instance,
        resources={"mutu": mutu},
        scheduled_execution_time=datetime(2026, 10, 2, 2, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
    ) as night:
        assert isinstance(nightly(night), SkipReason)
    return requests


def _compare(published, small_landing, tmp_path, change) -> set[tuple[str, str]]:
    landing, home_run, home_daemon = _copies(published, small_landing, tmp_path, change)
    before = _staged_at(home_run)
    run_everything(landing, home_run)
    by_run = _restaged(before, _staged_at(home_run))
    requests = _through_the_daemon(home_daemon, landing)
    by_daemon = _restaged(before, _staged_at(home_daemon))
    assert by_run == by_daemon
    assert requests <= 3  # ranges, not one run per partition
    return by_run


def test_a_restatement_and_a_new_day_stage_the_same_partitions(published, small_landing, tmp_path):
    def change(landing: Path) -> None:
        day = landing / "queue" / "canonical" / "queue_U1_2026-08-03.csv"
        day.write_text(day.read_text() + EXTRA_TICKET)
        complaints = landing / "complaints" / "canonical"
        (complaints / f"complaints_{NEW_COMPLAINTS_DAY}.jsonl").write_text(
            (complaints / "complaints_2026-08-20.jsonl")
            .read_text()
            .replace("C3", "C9")
            .replace("2026-08-20", NEW_COMPLAINTS_DAY)
        )

    staged = _compare(published, small_landing, tmp_path, change)
    assert ("queue_tickets", "2026-08-03") in staged and ("complaints", NEW_COMPLAINTS_DAY) in staged
    assert ("survey_responses", "2026-07-15") not in staged


def test_a_staging_input_change_restages_history_through_the_sensor_too(
    published, small_landing, tmp_path, monkeypatch
):
    """A new PII key changes every pseudonym: like a contract or profile change, every partition is stale."""
    monkeypatch.setenv("MUTU_PII_KEY", "another-test-key-0123456789abcdef")
    staged = _compare(published, small_landing, tmp_path, lambda landing: None)
    every = {k for k in _staged_at(tmp_path / "home_run") if k[1] != "reference"}
    assert staged == every and len(every) > 5


def test_a_reference_change_is_staged_before_the_partitions_it_makes_stale(published, small_landing, tmp_path):
    """A changed service standard: the sensor requests the reference run alone, and the partitions (all of them:
    validation reads the reference) on the next tick, where both were requested at once and ran side by side (a
    helper's daemon trial); the same partitions as `mutu run`."""

    def change(landing: Path) -> None:
        services = landing / "reference" / "services.csv"
        header, first, *rest = services.read_text().splitlines()
        fields = first.split(",")
        wait = header.split(",").index("max_wait_minutes")
        fields[wait] = str(int(fields[wait]) + 5)
        services.write_text("\n".join([header, ",".join(fields), *rest]) + "\n")

    staged = _compare(published, small_landing, tmp_path, change)
    every = {k for k in _staged_at(tmp_path / "home_run") if k[1] != "reference"}
    assert {k for k in staged if k[1] != "reference"} == every and len(every) > 5
    assert {k for k in staged if k[1] == "reference"} == {(d, "reference") for d in ("services", "targets", "units")}


def test_a_contract_change_restages_history_through_the_sensor_too(published, small_landing, tmp_path, monkeypatch):
    """An edited contract is a new staging input: the sensor re-stages history, exactly the partitions `mutu run`
    re-stages. (The planner reads the edited copy; staging itself still validates with the shipped contracts.)"""
    import pipelines.planning

    contracts = tmp_path / "data_contracts"
    shutil.copytree(pipelines.planning.CONTRACTS_DIR, contracts)
    queue = contracts / "queue_tickets.odcs.yaml"
    rule = "A ticket is called at or after it is issued."
    assert rule in queue.read_text()
    queue.write_text(queue.read_text().replace(rule, "A ticket is called when or after it is issued."))
    monkeypatch.setattr(pipelines.planning, "CONTRACTS_DIR", contracts)
    staged = _compare(published, small_landing, tmp_path / "homes", lambda landing: None)
    every = {k for k in _staged_at(tmp_path / "homes" / "home_run") if k[1] != "reference"}
    assert staged == every and len(every) > 5


@pytest.mark.parametrize("days", [365])
def test_a_year_landed_at_once_is_a_few_runs(days):
    from pipelines.planning import staging_runs

    order = [f"day{i:03d}" for i in range(days)]
    landed = {"queue": set(order), "survey": set(order[::7]), "complaints": set(order[::2])}
    runs = staging_runs({source: sorted(days) for source, days in landed.items()}, order)
    assert len(runs) == 1 and runs[0].sources == ("queue", "survey", "complaints")
