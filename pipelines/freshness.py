"""Freshness per unit: a unit whose queue data stopped arriving while others' kept coming."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from pipelines import lake
from pipelines.calendar import working_day_calendar
from pipelines.settings import Paths, duckdb_config

MAX_SILENT_WORKDAYS = 2  # queue machines export daily; two working days without data is an outage, not noise


def silent_units(
    lake_dir: Path, dataset: str, units: list[str], max_silent_workdays: int = MAX_SILENT_WORKDAYS
) -> list[tuple[str, date | None, int]]:
    """(unit, last day with data, working days since) for units silent longer than allowed."""
    if not any((lake_dir / "staging" / dataset).glob("*.parquet")):
        return []
    # Spill under the home (an in-memory database would spill to ./.tmp), within MUTU_MEMORY_LIMIT.
    con = duckdb.connect(config=duckdb_config(Paths(lake_dir.parent)))
    try:
        last = dict(
            con.execute(
                "select unit_id, max(cast(partition_key as date)) from read_parquet(?) group by unit_id",
                [lake.glob_for(lake_dir, "staging", dataset)],
            ).fetchall()
        )
    finally:
        con.close()
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
