"""Killed runs, full disks and corrected exports: the published snapshot survives and the next run heals.

Each crash is a real SIGKILL of a `mutu run` process at a fault point (pipelines/failpoints.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import dataset_checks
from pipelines.contracts import contract
from pipelines.validation import dataset_rules
from tests.test_properties import mart_contents

EXTRA_TICKET = (
    "T9,U1,KTP,L2,false,walk_in,2026-08-03T09:00:00,2026-08-03T09:50:00,2026-08-03T09:51:00,2026-08-03T10:00:00,"
    "served,\n"
)


def _mutu_run(landing: Path, home: Path, failpoint: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ}
    env.pop("MUTU_FAILPOINT", None)
    if failpoint:
        env["MUTU_FAILPOINT"] = failpoint
    # Output goes to files, not pipes: helpers Dagster starts may outlive a killed run and hold a pipe open.
    out, err = home.parent / f"{home.name}.out", home.parent / f"{home.name}.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "run", "--landing", str(landing), "--home", str(home)],
            stdout=stdout,
            stderr=stderr,
            env=env,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=600)
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return subprocess.CompletedProcess(process.args, code, out.read_text(), err.read_text())


@pytest.fixture(scope="module")
def restated(published, small_landing, tmp_path_factory):
    """A corrected export for 3 August (one more ticket), and the marts an uninterrupted run gives for it."""
    landing = tmp_path_factory.mktemp("restated_landing")
    shutil.copytree(small_landing, landing, dirs_exist_ok=True)
    day = landing / "queue" / "canonical" / "queue_U1_2026-08-03.csv"
    day.write_text(day.read_text() + EXTRA_TICKET)
    clean_home = tmp_path_factory.mktemp("clean_home")
    assert _mutu_run(landing, clean_home).returncode == 0
    return landing, mart_contents(clean_home / "warehouse" / "mutu.duckdb")


def test_corrected_export_restates_only_its_day(published, restated):
    _, after = restated
    before = mart_contents(published)
    changed = {m: [r for r in after[m] if r not in before[m]] for m in after}
    assert [r[4] for r in changed["mart_queue_unit_day"]] == [__import__("datetime").date(2026, 8, 3)]
    assert changed["mart_queue_unit_day"][0][5] == 2  # two tickets on 3 August now
    assert changed["mart_ikm_unit_quarter"] == [] and changed["mart_complaint_unit_month"] == []


@pytest.mark.parametrize("failpoint", ["staging_write", "warehouse_write", "publish_copy", "publish_swap"])
def test_killed_run_leaves_the_last_snapshot_and_the_next_run_heals(published, restated, tmp_path, failpoint):
    landing, uninterrupted = restated
    home = tmp_path / "home"
    shutil.copytree(published.parent.parent, home)
    warehouse = home / "warehouse" / "mutu.duckdb"
    before = mart_contents(warehouse)

    killed = _mutu_run(landing, home, failpoint)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert mart_contents(warehouse) == before  # the last complete snapshot, and it opens cleanly
    visible = sorted(p.name for p in warehouse.parent.iterdir() if not p.name.startswith("."))
    assert visible == ["exports", "marts", "mutu.duckdb"]
    con = duckdb.connect(str(warehouse), read_only=True)
    published_marts = {
        r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
    }
    con.close()
    assert {
        p.stem for p in (warehouse.parent / "marts").glob("*.parquet")
    } == published_marts  # the exports of that same snapshot

    healed = _mutu_run(landing, home)
    assert healed.returncode == 0, healed.stderr[-2000:]
    assert mart_contents(warehouse) == uninterrupted
    assert not any((warehouse.parent / ".publishing").glob("*"))
    # Great Expectations judged the restated day, in the killed run's build or the healing one's.
    assert dataset_checks.pending(home / "lake") == {}
    con = duckdb.connect(str(warehouse), read_only=True)
    judged = con.execute(
        "select count(*) from audit.validation_results "
        "where dataset = 'queue_tickets' and partition_key = '2026-08-03' and starts_with(rule, 'dataset:')"
    ).fetchone()[0]
    con.close()
    assert judged == len(dataset_rules(contract("queue_tickets")))


def test_full_disk_fails_clearly_and_keeps_the_snapshot(published, restated, tmp_path):
    landing, _ = restated
    home = tmp_path / "home"
    shutil.copytree(published.parent.parent, home)
    before = mart_contents(home / "warehouse" / "mutu.duckdb")
    result = _mutu_run(landing, home, "publish_copy:enospc")
    assert result.returncode == 2
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("mutu run: warehouse run failed:") and "No space left on device" in message
    assert "previous snapshot is still in place" in message
    assert mart_contents(home / "warehouse" / "mutu.duckdb") == before


def test_landing_the_same_file_twice_doubles_nothing(published, small_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    original = landing / "queue" / "canonical" / "queue_U1_2026-08-03.csv"
    shutil.copy(original, original.with_name("queue_U1_copy_2026-08-03.csv"))
    home = tmp_path / "home"
    assert _mutu_run(landing, home).returncode == 0
    assert mart_contents(home / "warehouse" / "mutu.duckdb") == mart_contents(published)
    con = duckdb.connect(str(home / "warehouse" / "mutu.duckdb"), read_only=True)
    rules = con.execute("select rules from audit.quarantine where source_file like '%copy%'").fetchall()
    con.close()
    assert rules == [(["exact_duplicate"],)]
