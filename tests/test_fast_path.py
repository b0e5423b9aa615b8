"""The set-based reader (pipelines/fast_read.py) and the careful reader, file by file, stage the same lake.

Staged twice, once with every file read alone (MUTU_READ_ONE_BY_ONE=1), over (1) conftest's landing zone with the
whole bad-input corpus and its generated files (a 10 MB field, workbooks) and (2) a generated landing zone with
defects: every lake table (staged rows, quarantine with its rules, row accounting, validation results, schema
drift) must be identical, row for row and in order; only the run's timestamps differ.
"""

from __future__ import annotations

import random
import shutil
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.fast_read import ONE_BY_ONE
from pipelines.reading import records_column
from tests.test_bad_inputs import CORPUS, SOURCES, _generate

KEY = b"test-key-not-secret"
TABLES = ("staging", "quarantine", "row_accounting", "validation_results", "schema_drift")
RUN_TIME = {"ingested_at", "validated_at", "loaded_minutes_after_run"}  # the last: a figure of the run's clock


def _stage(landing: Path, lake: Path) -> None:
    from pipelines.ingest import ingest_reference, ingest_source_partitions, record_unassigned
    from pipelines.landing import by_partition, scan
    from pipelines.profiles import SOURCE_DATASETS

    ingest_reference(landing, lake, KEY)
    for source, dataset in SOURCE_DATASETS.items():
        files = scan(landing, source)
        landed = by_partition(files)
        ingest_source_partitions({d.isoformat(): landed[d] for d in sorted(landed)}, dataset, lake, KEY)
        record_unassigned(files, dataset, lake)


def _lake(landing: Path, lake: Path, monkeypatch, one_by_one: bool) -> dict[str, pl.DataFrame]:
    with monkeypatch.context() as patch:
        if one_by_one:
            patch.setenv(ONE_BY_ONE, "1")
        else:
            patch.delenv(ONE_BY_ONE, raising=False)
        _stage(landing, lake)
    tables = {}
    for path in sorted(lake.glob("*/*/*.parquet")):
        frame = pl.read_parquet(path)
        tables[str(path.relative_to(lake))] = frame.drop([c for c in frame.columns if c in RUN_TIME])
    return tables


def _same(landing: Path, tmp: Path, monkeypatch) -> dict[str, pl.DataFrame]:
    fast = _lake(landing, tmp / "fast", monkeypatch, one_by_one=False)
    careful = _lake(landing, tmp / "careful", monkeypatch, one_by_one=True)
    assert sorted(fast) == sorted(careful)
    for name, frame in fast.items():
        assert frame.schema == careful[name].schema, name
        assert frame.equals(careful[name]), f"{name}: fast path and careful reader differ"
    return fast


def _totals(tables: dict[str, pl.DataFrame], table: str) -> pl.DataFrame:
    return pl.concat([f for name, f in tables.items() if name.startswith(table + "/")], how="diagonal_relaxed")


def test_corpus_stages_the_same_either_way(tmp_path, monkeypatch):
    from tests.conftest import write_landing

    landing = write_landing(tmp_path / "landing")
    for source in SOURCES:
        shutil.copytree(CORPUS / source, landing / source, dirs_exist_ok=True)
    _generate(landing)
    tables = _same(landing, tmp_path, monkeypatch)
    accounting = _totals(tables, "row_accounting")
    quarantine = _totals(tables, "quarantine")
    # The comparison covers what the corpus is about: rejected files, unreadable records and contract rules.
    assert accounting.filter(pl.col("file_status") == "rejected").height >= 10
    reasons = quarantine.get_column("rules").explode()
    assert reasons.str.starts_with("unreadable:").sum() >= 5
    assert (reasons == "unit_known").sum() >= 1
    assert (
        accounting.filter(pl.col("file_status") == "read")
        .select((pl.col("rows_in") == pl.col("rows_loaded") + pl.col("rows_quarantined")).all())
        .item()
    )


def test_generated_landing_stages_the_same_either_way(tmp_path, monkeypatch):
    from pipelines.generate import generate_landing

    landing = tmp_path / "landing"
    generate_landing(landing, units=3, days=10, start=date(2026, 7, 1), seed=7, defects=0.05)
    tables = _same(landing, tmp_path, monkeypatch)
    staged = _totals(tables, "staging")
    assert staged.height > 1000
    assert _totals(tables, "quarantine").height > 0


def test_records_become_the_same_list_column_whatever_their_widths():
    # A quoted export's records are cut by the csv module; a broken record has another width than the header.
    rng = random.Random(3)
    for _ in range(300):
        records = [
            [
                "".join(rng.choice('ab,"\n ') for _ in range(rng.randint(0, 4)))
                for _ in range(rng.choice([0, 1, 3, 3, 5]))
            ]
            for _ in range(rng.randint(0, 30))
        ]
        column = records_column(records)
        assert column.dtype == pl.List(pl.String)
        assert column.to_list() == records
