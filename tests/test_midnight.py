"""Time-only exports crossing midnight: a month built from the real call-centre day (tests/realdata) with a
`date` column, some calls moved to cross midnight. They load with their true durations; a gap beyond the
profile's bound is still a contradiction (issue 14)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines import lake
from pipelines.ingest import ingest_reference, ingest_source_partitions
from pipelines.landing import by_partition, scan
from tests.conftest import write_bank_reference

REAL = Path(__file__).resolve().parent / "realdata" / "calls_one_day.csv"
DAYS = [date(2010, 8, 1) + timedelta(days=i) for i in range(30)]
KEY = b"0123456789abcdef0123456789abcdef"
# (vru_entry, ser_start, ser_exit) of the calls made to cross midnight, and what they must load as.
ACROSS = {
    "service": ("23:58:54", "23:59:30", "0:04:25"),  # served before midnight, ended after
    "queue": ("23:59:10", "0:00:20", "0:03:00"),  # queued before midnight, answered after
}
CONTRADICTION = ("14:00:00", "14:01:00", "2:30:00")  # ends 11.5 h before it starts, or 12.5 h after: beyond the bound


def _month_csv() -> tuple[str, dict[tuple[str, str], tuple[str, str, str]]]:
    rows = list(csv.DictReader(REAL.open()))
    served = [i for i, r in enumerate(rows) if r["outcome"] == "AGENT"]
    planted: dict[tuple[str, str], tuple[str, str, str]] = {}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["date", *rows[0].keys()])
    writer.writeheader()
    for d, day in enumerate(DAYS):
        moved = {served[d]: ACROSS["service"], served[d + 100]: ACROSS["queue"], served[d + 200]: CONTRADICTION}
        for i, row in enumerate(rows):
            if i in moved:
                row = {**row, "vru_entry": moved[i][0], "ser_start": moved[i][1], "ser_exit": moved[i][2]}
                planted[(day.isoformat(), f"{row['vru+line']}-{row['call_id']}")] = moved[i]
            writer.writerow({"date": day.isoformat(), **row})
    return out.getvalue(), planted


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    root = tmp_path_factory.mktemp("midnight")
    landing, lake_dir = root / "landing", root / "lake"
    write_bank_reference(landing, max_wait_minutes=1)
    folder = landing / "queue" / "anonymous_bank_calls_month"
    folder.mkdir(parents=True)
    text, planted = _month_csv()
    (folder / "calls_2010-08.csv").write_text(text)
    ingest_reference(landing, lake_dir, KEY)
    files = scan(landing, "queue")
    wanted = {day.isoformat(): found for day, found in by_partition(files).items()}
    reports = ingest_source_partitions(wanted, "queue_tickets", lake_dir, KEY)
    return (
        files,
        reports,
        lake.read_table(lake_dir, "staging", "queue_tickets"),
        lake.read_table(lake_dir, "quarantine", "queue_tickets"),
        planted,
    )


def test_a_month_file_is_split_over_its_days(staged):
    files, reports, _, _, _ = staged
    assert [f.days for f in files] == [tuple(DAYS)]
    assert sorted(r.partition_key for r in reports) == [d.isoformat() for d in DAYS]
    assert all(r.rows_in == r.rows_loaded + r.rows_quarantined == 2375 for r in reports)


def _at(day: str, text: str) -> datetime:
    return datetime.strptime(f"{day} {text}", "%Y-%m-%d %H:%M:%S")


def test_calls_crossing_midnight_load_with_their_true_durations(staged):
    _, _, rows, quarantine, planted = staged
    crossing = {k: v for k, v in planted.items() if v != CONTRADICTION}
    loaded = {(r["partition_key"], r["ticket_id"].split("-", 3)[-1]): r for r in rows.iter_rows(named=True)}
    for (day, call), (entry, start, end) in crossing.items():
        row = loaded[(day, call)]
        issued = _at(day, entry)
        started = _at(day, start) + (timedelta(days=1) if start < "1" else timedelta())
        ended = _at(day, end) + timedelta(days=1)
        assert (row["issued_at"], row["service_start_at"], row["service_end_at"]) == (issued, started, ended), call
        assert row["issued_at"].date().isoformat() == day  # the call stays on the day it arrived
    assert len(crossing) == 2 * len(DAYS)
    rules = quarantine.select(pl.col("rules").explode()).to_series().value_counts()
    counts = dict(rules.iter_rows())
    assert counts.get("service_end_not_before_start") == len(DAYS)  # only the calls beyond the 12-hour bound
    assert "called_not_before_issued" not in counts
