"""The IKM grade bands, read from their one home: the SQL model `core.dim_ikm_grade_band`.

The warehouse grades with that table (ind_ikm_period); the review pack draws and describes the same bands by
running the model's own SQL (a VALUES list, no upstream table) in an in-memory DuckDB, so a band is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb

from pipelines.sql_models import SQL_DIR

BAND_MODEL = SQL_DIR / "core" / "dim_ikm_grade_band.sql"
# The converted IKM's scale: answers 1-4 x 25. The lowest band has no lower bound in the table (every value below
# the next band); a chart draws it from the scale's floor.
SCALE_FLOOR, SCALE_TOP = 25.0, 100.0


@dataclass(frozen=True)
class GradeBand:
    method: str
    grade: str
    converted_from: float | None  # inclusive, two decimals; None: no lower bound
    converted_below: float | None  # the next band's converted_from; None: no upper bound
    kinerja: str


@cache
def grade_bands() -> tuple[GradeBand, ...]:
    """Every band of every method, lowest first within a method."""
    con = duckdb.connect()
    try:
        rows = con.execute(
            f"select method, grade, converted_from, converted_below, kinerja from ({BAND_MODEL.read_text()}) "
            "order by method, converted_from asc nulls first"
        ).fetchall()
    finally:
        con.close()
    return tuple(
        GradeBand(method, grade, None if low is None else float(low), None if high is None else float(high), kinerja)
        for method, grade, low, high, kinerja in rows
    )


def chart_bands() -> dict[str, tuple[tuple[str, float, float], ...]]:
    """Method -> (grade, low, high) from the lowest band up, bounded by the converted scale, for a chart's bands."""
    found: dict[str, list[tuple[str, float, float]]] = {}
    for band in grade_bands():
        low = SCALE_FLOOR if band.converted_from is None else band.converted_from
        high = SCALE_TOP if band.converted_below is None else band.converted_below
        found.setdefault(band.method, []).append((band.grade, low, high))
    return {method: tuple(bands) for method, bands in found.items()}
