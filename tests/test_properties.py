"""DESIGN.md properties: nothing lost, idempotent, readers never blocked, no personal data stored."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl

from tests.conftest import PERSONAL
from tests.pii_search import find_personal_values

MARTS = ("mart_ikm_unit_quarter", "mart_ikm_unsur_unit_quarter", "mart_queue_unit_day", "mart_complaint_unit_month")


def mart_contents(path: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {m: sorted(con.execute(f"select * from marts.{m}").fetchall(), key=repr) for m in MARTS}
    finally:
        con.close()


def test_every_landed_row_is_loaded_or_quarantined(warehouse):
    per_file = warehouse.execute(
        "select source_file, rows_in, rows_loaded, rows_quarantined from audit.row_accounting order by source_file"
    ).fetchall()
    assert per_file, "row accounting is empty"
    for source_file, rows_in, loaded, quarantined in per_file:
        assert rows_in == loaded + quarantined, source_file
    accounting = {f: (rows_in, loaded, quarantined) for f, rows_in, loaded, quarantined in per_file}
    # 8 lines in the 30 July queue file: T6 (order), T7 (unknown unit) and T1's duplicate are quarantined.
    assert accounting["queue/canonical/queue_U1_2026-07-30.csv"] == (8, 5, 3)
    assert accounting["survey/canonical/survey_U1_2026-07-15.csv"] == (4, 3, 1)


def test_quarantine_names_the_rule_and_row(warehouse):
    rows = warehouse.execute(
        "select source_row, rules from audit.quarantine where source_file = "
        "'queue/canonical/queue_U1_2026-07-30.csv' order by source_row"
    ).fetchall()
    assert rows == [
        (6, ["called_not_before_issued"]),
        (7, ["unit_known", "service_standard_valid_on_date"]),
        (8, ["exact_duplicate"]),
    ]
    survey = warehouse.execute("select rules from audit.quarantine where dataset = 'survey_responses'").fetchall()
    assert survey == [(["between:u1"],)]


def test_validation_results_are_persisted_per_rule(warehouse):
    failed = dict(
        warehouse.execute(
            "select rule, sum(rows_failed) from audit.validation_results where dataset = 'queue_tickets' group by rule"
        ).fetchall()
    )
    assert failed["called_not_before_issued"] == 1
    assert failed["unit_known"] == 1
    assert failed["not_null:issued_at"] == 0


def test_rerun_is_idempotent_and_a_reader_does_not_block_it(small_landing, published, tmp_path):
    """Run again on the same home while another process holds the published file open read-only."""
    from pipelines.orchestration import run_everything

    home = tmp_path / "home"
    shutil.copytree(published.parent.parent, home)
    before = mart_contents(home / "warehouse" / "mutu.duckdb")
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"con = duckdb.connect({str(home / 'warehouse' / 'mutu.duckdb')!r}, read_only=True)\n"
            "print(con.execute('select count(*) from marts.mart_queue_unit_day').fetchall()[0][0], flush=True)\n"
            "time.sleep(120)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert int(reader.stdout.readline()) > 0  # the reader has the file open before the run starts
        run_everything(small_landing, home)
        assert reader.poll() is None, "the reader should still be holding its snapshot"
    finally:
        reader.kill()
        reader.wait()
    assert mart_contents(home / "warehouse" / "mutu.duckdb") == before
    leftovers = [p.name for p in (home / "warehouse").iterdir() if p.name not in ("mutu.duckdb", "marts", "exports")]
    assert leftovers == []


def test_no_personal_data_anywhere_mutu_writes(published):
    """Lake, build and published warehouse, Dagster event log and run storage: none holds a seeded value."""
    home = published.parent.parent
    assert (home / "dagster").is_dir() and any((home / "lake").rglob("*.parquet"))
    assert find_personal_values(home, list(PERSONAL.values())) == {}


def test_the_personal_data_search_does_find_what_is_there(published, tmp_path):
    # Guard against a search that passes vacuously (compressed Parquet and DuckDB strings).
    frame = pl.DataFrame({"note": [f"contact {PERSONAL['phone']}"]})
    frame.write_parquet(tmp_path / "x.parquet", compression="zstd")
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute(f"create table t as select 'NIK {PERSONAL['nik']}' as v")
    con.close()
    found = find_personal_values(tmp_path, [PERSONAL["phone"], PERSONAL["nik"]])
    assert found == {PERSONAL["phone"]: ["x.parquet"], PERSONAL["nik"]: ["x.duckdb"]}


def test_published_file_is_read_only_for_others(published):
    mode = published.stat().st_mode & 0o777
    assert mode & 0o022 == 0, oct(mode)


def test_published_warehouse_has_the_schemas_bi_expects(warehouse):
    schemas = {
        r[0]
        for r in warehouse.execute("select schema_name from duckdb_schemas() where database_name = 'mutu'").fetchall()
    }
    assert {"core", "marts", "audit"} <= schemas
    assert "staging" not in schemas
    comments = warehouse.execute(
        "select count(*), count(comment) from duckdb_columns() where schema_name in ('core', 'indicators', 'marts')"
    ).fetchall()[0]
    assert comments[0] == comments[1], "every core, indicator and mart column carries a comment"
