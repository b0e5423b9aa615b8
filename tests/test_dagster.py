"""What the data engineer sees in Dagster after `mutu run`, and what the command line says when it cannot run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import yaml
from dagster import AssetCheckKey, AssetKey, DagsterEventType, DagsterInstance

from pipelines.definitions import defs


def _instance(published: Path) -> DagsterInstance:
    return DagsterInstance.from_config(str(published.parent.parent / "dagster"))


def test_contract_rules_and_accounting_are_recorded_as_asset_checks(published):
    instance = _instance(published)
    queue = AssetKey(["staging", "queue_tickets"])

    def passed(asset_key, name):
        record = instance.event_log_storage.get_asset_check_execution_history(AssetCheckKey(asset_key, name), limit=1)[
            0
        ]
        return record.event.dagster_event.event_specific_data.passed

    assert passed(queue, "row_accounting_balanced") is True
    assert passed(queue, "called_not_before_issued") is False  # T6 was called before it was issued
    assert passed(queue, "abandoned_never_called") is True
    assert passed(AssetKey(["staging", "complaints"]), "status_history_ordered_from_received") is True
    # Great Expectations' dataset-level rules, judged in the build, on the table that holds its results.
    assert passed(AssetKey(["audit", "validation_results"]), "queue_tickets_dataset_rules") is True


def test_materialisations_carry_row_counts_and_the_contract_schema(published):
    instance = _instance(published)
    event = instance.get_latest_materialization_event(AssetKey(["marts", "mart_queue_unit_day"]))
    metadata = event.asset_materialization.metadata
    assert metadata["dagster/row_count"].value == 3
    columns = [c.name for c in metadata["dagster/column_schema"].schema.columns]
    assert columns[:2] == ["unit_id", "unit_name"] and "sla_share" in columns
    # Stored once: on the materialization, not copied into the step's output event (pipelines/assets/results.py).
    outputs = instance.all_logs(event.run_id, of_type=DagsterEventType.STEP_OUTPUT)
    assert outputs and all(not e.dagster_event.event_specific_data.metadata for e in outputs)
    # A staging asset's columns are its contract's: on the asset's definition, not repeated per partition.
    staging = instance.get_latest_materialization_event(AssetKey(["staging", "complaints"])).asset_materialization
    assert "dagster/row_count" in staging.metadata and "dagster/column_schema" not in staging.metadata
    complaints = defs.resolve_assets_def(AssetKey(["staging", "complaints"])).specs_by_key
    schema = complaints[AssetKey(["staging", "complaints"])].metadata["dagster/column_schema"]
    assert "reporter_pseudonym" in [c.name for c in schema.columns]


def test_each_staged_day_says_what_that_day_holds(published):
    # A run stages many days; each day's materialization carries that day's own figures (once, every day showed the
    # run's totals). A day of the run's range a source did not stage says so, with the rows it kept.
    import pyarrow.parquet as pq

    instance = _instance(published)
    lake = published.parent.parent / "lake"
    timed: dict[tuple[str, str], int] = {}  # (run, step) -> its materializations carrying the step's stage timings
    for dataset in ("queue_tickets", "survey_responses", "complaints"):
        records = instance.fetch_materializations(AssetKey(["staging", dataset]), limit=1000).records
        latest = {}
        for record in sorted(records, key=lambda r: r.storage_id):
            latest[record.partition_key] = record.asset_materialization.metadata
            step = (record.run_id, record.event_log_entry.step_key)
            carries = any(k.startswith("mutu/stage/") for k in record.asset_materialization.metadata)
            timed[step] = timed.get(step, 0) + carries
        assert len(latest) > 1
        for day, metadata in latest.items():
            kept = lake / "staging" / dataset / f"{day}.parquet"
            assert metadata["dagster/row_count"].value == (pq.read_metadata(kept).num_rows if kept.exists() else 0)
            assert ("rows_in" in metadata) == metadata["restaged"].value
    assert timed and set(timed.values()) == {1}  # each staging step's timings on one of its materializations


def test_stage_timings_come_from_the_event_log_for_every_run(published, capsys):
    # Each step records its stage totals in its materializations; run_stats.json and `mutu stages` read them back
    # from the instance, so a run launched by the daemon or a worker process is timed alike.
    import duckdb

    from pipelines.cli import main

    home = published.parent.parent
    stats = json.loads((home / "run_stats.json").read_text())
    con = duckdb.connect(str(published), read_only=True)
    rows_in = con.execute("select sum(rows_in) from audit.row_accounting").fetchone()[0]
    con.close()
    assert stats["stages"]["parse"]["rows"] == stats["stages"]["validate"]["rows"] == rows_in > 0
    assert set(stats["stages"]) == {"parse", "validate", "write", "transform", "publish"}
    assert "publish__warehouse" in stats["steps"] and len(stats["runs"]) >= 3
    assert main(["stages", "--home", str(home), "--runs", str(len(stats["runs"]))]) == 0
    out = capsys.readouterr().out
    launched = re.findall(r"^  [0-9a-f]{8} +\S+ +SUCCESS +(\S*)$", out, re.M)
    assert launched and set(launched) == {"mutu_run"}, out  # every run of `mutu run` says so
    for stage in stats["stages"]:
        assert re.search(rf"^  {stage} +[0-9.]+ +[0-9.]+ +[0-9,]+$", out, re.M), out


def test_instance_is_offline(published):
    for name in ("dagster.yaml", "mutu-run.yaml"):
        config = yaml.safe_load((published.parent.parent / "dagster" / name).read_text())
        assert config["telemetry"]["enabled"] is False


def test_the_daemon_captures_step_output_and_mutu_run_prints_it(published):
    # mutu run's steps print to its own output; Dagster's capture (a tail and a watcher process per stream and
    # step) is for runs of the daemon, whose output no one watches.
    from dagster._core.storage.local_compute_log_manager import LocalComputeLogManager

    dagster_home = published.parent.parent / "dagster"
    assert isinstance(DagsterInstance.from_config(str(dagster_home)).compute_log_manager, LocalComputeLogManager)
    assert not list((dagster_home / "storage").rglob("compute_logs"))


def _mutu(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


def test_run_without_landing_zone_fails_with_one_clear_line(tmp_path):
    result = _mutu("run", "--landing", str(tmp_path / "nowhere"), "--home", str(tmp_path / "home"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"mutu run: landing zone {tmp_path / 'nowhere'} does not exist; run `mutu generate --out "
        f"{tmp_path / 'nowhere'}` or point --landing at the exports"
    ]


def test_run_without_pii_key_refuses_to_run(small_landing, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MUTU_PII_KEY")}
    result = _mutu("run", "--landing", str(small_landing), "--home", str(tmp_path / "home"), env=env)
    assert result.returncode == 2
    assert "MUTU_PII_KEY" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "home" / "lake").exists()


def test_indicator_column_lineage_is_parsed_from_the_sql(published):
    instance = _instance(published)
    metadata = instance.get_latest_materialization_event(
        AssetKey(["indicators", "ind_queue_unit_day"])
    ).asset_materialization.metadata
    deps = metadata["dagster/column_lineage"].lineage.deps_by_column
    assert {(d.asset_key.to_user_string(), d.column_name) for d in deps["sla_share"]} == {
        ("core/fct_queue_service_day", "served_within_wait_standard_n"),
        ("core/fct_queue_service_day", "tickets_served"),
    }
    mart = instance.get_latest_materialization_event(
        AssetKey(["marts", "mart_ikm_unit_quarter"])
    ).asset_materialization.metadata
    mart_deps = mart["dagster/column_lineage"].lineage.deps_by_column
    assert [(d.asset_key.to_user_string(), d.column_name) for d in mart_deps["unit_name"]] == [
        ("core/dim_unit", "unit_name")
    ]
    assert ("indicators/ind_ikm_unit_quarter", "ikm_converted") in {
        (d.asset_key.to_user_string(), d.column_name) for d in mart_deps["ikm_converted"]
    }


def test_freshness_flags_a_unit_whose_queue_data_stopped(published, monkeypatch):
    from pipelines import freshness
    from pipelines.freshness import silent_units

    lake_dir = published.parent.parent / "lake"
    # U1 has queue data up to 3 Aug; U2's last queue day is 30 Jul: 31 Jul, 3 Aug = 2 working days -> fine.
    assert silent_units(lake_dir, "queue_tickets", ["U1", "U2"]) == []
    # A unit in the reference data with no queue data at all is silent for every working day.
    assert silent_units(lake_dir, "queue_tickets", ["U1", "U2", "U3"]) == [("U3", None, 3)]
    assert silent_units(lake_dir, "queue_tickets", ["U1", "U2"], max_silent_workdays=1) == [
        ("U2", date(2026, 7, 30), 2)
    ]
    # The latest partitions are read first; a unit whose last day lies before them is found in the whole history.
    monkeypatch.setattr(freshness, "RECENT_DAYS", 0)
    assert silent_units(lake_dir, "queue_tickets", ["U1", "U2"], max_silent_workdays=1) == [
        ("U2", date(2026, 7, 30), 2)
    ]
    record = _instance(published).event_log_storage.get_asset_check_execution_history(
        AssetCheckKey(AssetKey(["staging", "queue_tickets"]), "units_reporting"), limit=1
    )[0]
    assert record.event.dagster_event.event_specific_data.passed is True


def test_a_second_run_on_the_same_home_fails_cleanly(small_landing, tmp_path):
    from pipelines.run_lock import exclusive_run

    home = tmp_path / "home"
    with exclusive_run(home):
        result = _mutu("run", "--landing", str(small_landing), "--home", str(home))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"mutu run: another mutu run is using {home} (pid {os.getpid()}); wait for it to finish, then run again"
    )


def test_mutu_run_releases_only_the_runs_it_left_started(tmp_path):
    """A run `mutu run` launched and left started was killed with it (the home lock says so); a run the daemon
    launched on the same home may be alive: failing it sent a false failure alert and freed its warehouse slot (a
    helper's daemon trial)."""
    from dagster import DagsterRunStatus
    from dagster._core.test_utils import create_run_for_test

    from pipelines.orchestration import MUTU_RUN, _release_dead_runs, instance_for
    from pipelines.settings import Paths

    instance = instance_for(Paths(tmp_path))
    own = create_run_for_test(instance, job_name="warehouse_build", status=DagsterRunStatus.STARTED, tags=MUTU_RUN)
    daemons = create_run_for_test(
        instance, job_name="__ASSET_JOB", status=DagsterRunStatus.STARTED, tags={"mutu/trigger": "automation"}
    )
    _release_dead_runs(instance)
    assert instance.get_run_by_id(own.run_id).status == DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(daemons.run_id).status == DagsterRunStatus.STARTED
