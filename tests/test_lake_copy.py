"""The build database's copies of the lake's audit tables (pipelines/lake_copy.py) hold exactly what the lake's
files hold, however the files changed since the last build: added, restaged, removed, or with a new column."""

from __future__ import annotations

import os

import duckdb
import polars as pl

from pipelines.lake_copy import FILES, SOURCE, refresh

SCHEMA = {"dataset": pl.String, "partition_key": pl.String, "rows_in": pl.Int64}


def _write(lake, day: str, rows: list[tuple], extra: dict | None = None):
    path = lake / "row_accounting" / "queue_tickets" / f"{day}.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame([("queue_tickets", day, n) for n in rows], schema=SCHEMA, orient="row")
    if extra:
        frame = frame.with_columns(**{k: pl.lit(v) for k, v in extra.items()})
    frame.write_parquet(path)
    return path


def _copy(con) -> list[tuple]:
    return sorted(con.execute(f"select * exclude ({SOURCE}) from staging.copied").fetchall(), key=repr)


def _lake(con, lake) -> list[tuple]:
    glob = str(lake / "row_accounting" / "*" / "*.parquet")
    return sorted(con.execute(f"select * from read_parquet('{glob}', union_by_name = true)").fetchall(), key=repr)


def test_the_copy_follows_the_lake_file_by_file(tmp_path):
    lake = tmp_path / "lake"
    con = duckdb.connect()
    con.execute("create schema staging")
    refresh(con, lake, "row_accounting", "copied", SCHEMA)  # nothing landed yet: empty, with the columns
    assert con.execute("select * from staging.copied").fetchall() == []
    assert [r[0] for r in con.execute("describe staging.copied").fetchall()] == [*SCHEMA, SOURCE]

    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        _write(lake, day, [1, 2])
    refresh(con, lake, "row_accounting", "copied", SCHEMA)
    assert _copy(con) == _lake(con, lake) and len(_copy(con)) == 6

    # A night: one day restaged with other rows, one removed, one added; the rest is not read again.
    restaged = _write(lake, "2026-01-02", [7])
    os.utime(restaged, ns=(1, 1))  # another modification time, whatever the clock's resolution
    (lake / "row_accounting" / "queue_tickets" / "2026-01-03.parquet").unlink()
    _write(lake, "2026-01-04", [4, 5, 6])
    kept = lake / "row_accounting" / "queue_tickets" / "2026-01-01.parquet"
    kept.write_bytes(b"not read again: its size and time are as the copy knows them")
    os.utime(kept, ns=(0, 0))
    con.execute(f"update {FILES} set fingerprint = ? where lake_file like '%2026-01-01%'", [_fingerprint(kept)])
    refresh(con, lake, "row_accounting", "copied", SCHEMA)
    assert _copy(con) == [
        ("queue_tickets", "2026-01-01", 1),
        ("queue_tickets", "2026-01-01", 2),
        ("queue_tickets", "2026-01-02", 7),
        ("queue_tickets", "2026-01-04", 4),
        ("queue_tickets", "2026-01-04", 5),
        ("queue_tickets", "2026-01-04", 6),
    ]
    assert {r[0] for r in con.execute(f"select distinct {SOURCE} from staging.copied").fetchall()} == {
        "row_accounting/queue_tickets/2026-01-01.parquet",
        "row_accounting/queue_tickets/2026-01-02.parquet",
        "row_accounting/queue_tickets/2026-01-04.parquet",
    }

    # A file with a column the copy lacks: everything is copied again, with the columns the files have.
    _write(lake, "2026-01-01", [1, 2])
    _write(lake, "2026-01-05", [9], extra={"built_with": "b2"})
    refresh(con, lake, "row_accounting", "copied", SCHEMA)
    assert _copy(con) == _lake(con, lake)
    assert "built_with" in [r[0] for r in con.execute("describe staging.copied").fetchall()]


def _fingerprint(path) -> str:
    status = path.stat()
    return f"{status.st_size}:{status.st_mtime_ns}"


def test_a_column_the_schema_gained_reads_as_null_from_an_older_lake(tmp_path):
    """A lake written before the accounting said how each file was dated (`dated_by`): the copy has the column,
    NULL, so a build on it reads the audit tables as on a newer lake (the query failed on the missing column)."""
    lake = tmp_path / "lake"
    con = duckdb.connect()
    con.execute("create schema staging")
    _write(lake, "2026-07-01", [3])
    refresh(con, lake, "row_accounting", "copied", SCHEMA)
    refresh(con, lake, "row_accounting", "copied", {**SCHEMA, "dated_by": pl.String})
    assert con.execute("select rows_in, dated_by from staging.copied").fetchall() == [(3, None)]
