"""Search everything Mutu wrote under a home for given strings, looking inside compressed formats.

Parquet and DuckDB compress strings, so a byte search of those files would pass vacuously: their
contents are read back and searched as text.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl


def _parquet_text(path: Path) -> str:
    frame = pl.read_parquet(path)
    return "\n".join(str(v) for col in frame.columns for v in frame.get_column(col).to_list())


def _duckdb_text(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables()").fetchall()
        parts = []
        for schema, table in tables:
            rows = con.execute(f'select * from "{schema}"."{table}"').fetchall()
            parts.append("\n".join(str(r) for r in rows))
        return "\n".join(parts)
    finally:
        con.close()


def readable_text(path: Path) -> str:
    if path.suffix == ".parquet":
        return _parquet_text(path)
    if path.suffix == ".duckdb":
        return _duckdb_text(path)
    return path.read_bytes().decode("utf-8", errors="replace")


def find_personal_values(home: Path, values: list[str]) -> dict[str, list[str]]:
    """value -> files (relative to home) whose content contains it, case-insensitively."""
    found: dict[str, list[str]] = {}
    lowered = [(v, v.lower()) for v in values if v]
    for path in sorted(p for p in home.rglob("*") if p.is_file() and not p.name.endswith(".key")):
        if path.suffix in (".wal", ".tmp"):
            continue
        text = readable_text(path).lower()
        for original, needle in lowered:
            if needle in text:
                found.setdefault(original, []).append(str(path.relative_to(home)))
    return found
