"""Freshness per unit: a unit whose queue data stopped arriving while others' kept coming."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from pipelines.calendar import working_day_calendar
from pipelines.settings import Paths, duckdb_config

MAX_SILENT_WORKDAYS = 2  # queue machines export daily; two working days without data is an outage, not noise
RECENT_DAYS = 14  # the partitions read first: any window holding the latest one gives the same answer


def _last_days(lake_dir: Path, files: list[str]) -> dict[str, date]:
    # Spill under the home (an in-memory database would spill to ./.tmp), within MUTU_MEMORY_LIMIT.
    con = duckdb.connect(config=duckdb_config(Paths(lake_dir.parent)))
    try:
        return dict(
            con.execute(
                "select unit_id, max(cast(partition_key as date)) from read_parquet(?) group by unit_id", [files]
            ).fetchall()
        )
    finally:
        con.close()


def silent_units(
    lake_dir: Path, dataset: str, units: list[str], max_silent_workdays: int = MAX_SILENT_WORKDAYS
) -> list[tuple[str, date | None, int]]:
    """(unit, last day with data, working days since) for units silent longer than allowed."""
    partitions = sorted((lake_dir / "staging" / dataset).glob("*.parquet"))  # named by their day
    if not partitions:
        return []
    # Each unit's last day, from the latest partitions first: a unit seen there needs nothing older (its last day is
    # there), and reading a year of partitions for it cost a nightly run a fifth of a second. Only when a unit is
    # missing from them is the whole history read.
    recent_from = (date.fromisoformat(partitions[-1].stem) - timedelta(days=RECENT_DAYS)).isoformat()
    recent = [str(p) for p in partitions if p.stem >= recent_from]
    last = _last_days(lake_dir, recent)
    if set(units) - set(last):
        last = _last_days(lake_dir, [str(p) for p in partitions])
    if not last:
        return []
    latest = max(last.values())
    first = min(last.values())
    workdays = working_day_calendar(first, latest).filter("is_workday")["day"].to_list()
    silent = []
    for unit in sorted(units):
        seen = last.get(unit)
        gap = len([d for d in workdays if seen is None or d > seen])
        if gap > max_silent_workdays:
            silent.append((unit, seen, gap))
    return silent
