"""`mutu run` follows new data (DESIGN property 4): it stages only the partitions whose landed files are
new, changed or removed, and a run with nothing new publishes nothing; the marts equal a full rebuild."""

from __future__ import annotations

import json
import shutil

from dagster import DagsterInstance

from pipelines.orchestration import run_everything
from pipelines.planning import STALE_TAG, StagingRun, staging_runs, stale_in_run
from tests.test_properties import mart_contents

EXTRA_TICKET = (
    "T9,U1,KTP,L2,false,walk_in,2026-08-03T09:00:00,2026-08-03T09:50:00,2026-08-03T09:51:00,2026-08-03T10:00:00,"
    "served,\n"
)
UNREADABLE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"  # an image under a .csv name: no record can be read, so no day


def test_one_run_stages_each_source_s_stale_days_only():
    order = [f"2026-01-{d:02d}" for d in range(1, 21)]
    runs = staging_runs({"queue": ["2026-01-02", "2026-01-03", "2026-01-05", "2026-01-20"], "survey": []}, order)
    assert runs == [
        StagingRun(
            "2026-01-02",
            "2026-01-20",
            ("queue",),
            (("queue", (("2026-01-02", "2026-01-03"), ("2026-01-05",) * 2, ("2026-01-20",) * 2)),),
        )
    ]
    tags = runs[0].tags()
    assert tags[STALE_TAG] == "queue=2026-01-02..2026-01-03,2026-01-05,2026-01-20"
    keys = order[1:]  # the run's range
    assert stale_in_run(tags, "queue", keys) == ["2026-01-02", "2026-01-03", "2026-01-05", "2026-01-20"]
    assert stale_in_run(tags, "survey", keys) == []
    assert stale_in_run({}, "queue", keys) == keys  # a run launched without a plan stages its whole range
    assert staging_runs({"queue": [], "survey": []}, order) == []


def test_run_stages_only_changed_partitions_and_matches_a_full_rebuild(published, small_landing, tmp_path, capfd):
    home, landing = tmp_path / "home", tmp_path / "landing"
    shutil.copytree(published.parent.parent, home)
    shutil.copytree(small_landing, landing)
    # A corrected export restates 3 August; a new day of complaints lands; a survey export is withdrawn.
    day = landing / "queue" / "canonical" / "queue_U1_2026-08-03.csv"
    day.write_text(day.read_text() + EXTRA_TICKET)
    complaints = landing / "complaints" / "canonical"
    (complaints / "complaints_2026-09-01.jsonl").write_text(
        (complaints / "complaints_2026-08-20.jsonl").read_text().replace("C3", "C9").replace("2026-08-20", "2026-09-01")
    )
    (landing / "survey" / "canonical" / "survey_U2_2026-07-16.csv").unlink()

    run_everything(landing, home)
    plan = json.loads((home / "run_stats.json").read_text())["plan"]
    assert plan["restage_all"] is False
    assert plan["stale_partitions"] == {"queue": 1, "survey": 1, "complaints": 1}
    # One run from the first to the last stale day; each source stages its own stale day only.
    assert [(tuple(r["range"]), sorted(r["sources"])) for r in plan["staging_runs"]] == [
        (("2026-07-16", "2026-09-01"), ["complaints", "queue", "survey"])
    ]
    assert plan["warehouse"] == "rebuilt"

    clean = tmp_path / "clean"
    run_everything(landing, clean)
    assert mart_contents(home / "warehouse" / "mutu.duckdb") == mart_contents(clean / "warehouse" / "mutu.duckdb")

    # Nothing new: no Dagster run at all, and the published snapshot is left as it is.
    instance = DagsterInstance.from_config(str(home / "dagster"))
    runs_before = len(instance.get_run_records())
    published_at = (home / "warehouse" / "mutu.duckdb").stat().st_mtime_ns
    capfd.readouterr()
    run_everything(landing, home)
    assert "nothing new since the last run" in capfd.readouterr().err  # said, not only left out
    plan = json.loads((home / "run_stats.json").read_text())["plan"]
    assert plan["staging_runs"] == [] and plan["warehouse"] == "up to date"
    assert len(instance.get_run_records()) == runs_before
    assert (home / "warehouse" / "mutu.duckdb").stat().st_mtime_ns == published_at


def test_a_changed_reference_file_restages_every_partition(published, small_landing, tmp_path):
    home, landing = tmp_path / "home", tmp_path / "landing"
    shutil.copytree(published.parent.parent, home)
    shutil.copytree(small_landing, landing)
    # Unit UX becomes known: its quarantined ticket of 30 July must now be validated again and loaded.
    units = landing / "reference" / "units.csv"
    units.write_text(
        units.read_text() + "UX,Mal Pelayanan Publik Baru,MPP,DKI Jakarta,Jakarta Pusat,Asia/Jakarta,1000\n"
    )
    run_everything(landing, home)
    plan = json.loads((home / "run_stats.json").read_text())["plan"]
    assert plan["restage_all"] is True
    assert plan["stale_partitions"] == {"queue": 2, "survey": 2, "complaints": 4}


def test_an_undatable_file_is_recorded_in_the_next_incremental_run(published, small_landing, tmp_path):
    """A file no day can hold (no date in its name, and records that cannot be read) lands alone: the run stages
    the source's latest day so the file is rejected in the published row accounting now, not whenever the source
    next changes."""
    import duckdb

    home, landing = tmp_path / "home", tmp_path / "landing"
    shutil.copytree(published.parent.parent, home)
    shutil.copytree(small_landing, landing)
    misnamed = landing / "queue" / "canonical" / "queue_U1_export.csv"
    misnamed.write_bytes(UNREADABLE)

    def rejected() -> list[tuple]:
        with duckdb.connect(str(home / "warehouse" / "mutu.duckdb"), read_only=True) as con:
            return con.execute(
                "select file_status, rows_loaded from audit.row_accounting "
                "where source_file like '%queue_U1_export.csv'"
            ).fetchall()

    def sensor_keys() -> set[str]:
        """The landing sensor's run keys for the landing as it is now."""
        from pipelines.planning import make_plan
        from pipelines.sensors import run_requests
        from pipelines.settings import pii_key

        return {r.run_key for r in run_requests(make_plan(landing, home / "lake", pii_key(), {}, []), "test")}

    keys = [sensor_keys()]
    run_everything(landing, home)
    plan = json.loads((home / "run_stats.json").read_text())["plan"]
    assert plan["stale_partitions"] == {"queue": 1, "survey": 0, "complaints": 0} and plan["warehouse"] == "rebuilt"
    assert rejected() == [("rejected", 0)]

    run_everything(landing, home)  # recorded: nothing more to do
    assert json.loads((home / "run_stats.json").read_text())["plan"]["warehouse"] == "up to date"
    assert sensor_keys() == set()

    misnamed.unlink()
    keys.append(sensor_keys())
    run_everything(landing, home)
    assert rejected() == []
    misnamed.write_bytes(UNREADABLE)  # the same file again
    keys.append(sensor_keys())
    # Each change gets its own run key: Dagster skips a request whose key it has seen.
    assert all(len(k) == 1 for k in keys) and len(set().union(*keys)) == 3
