"""Search every file Mutu wrote under a home for given strings, looking inside compressed and binary formats.

Parquet and DuckDB compress strings, XLSX is a zip of XML, a gzip is compressed and SQLite (the Dagster
event log and run storage) splits long values across overflow pages, so a byte search of those files
would pass vacuously. Every file under the home is searched, whatever its name: as raw bytes, and, when
its content (by magic bytes, not by file name) is one of those formats, also decoded. HTML and XML text
is searched with its character entities resolved. Only the pseudonymisation key file is skipped.
"""

from __future__ import annotations

import gzip
import html
import io
import sqlite3
import zipfile
from pathlib import Path

import duckdb
import pyarrow.parquet as pq


def _parquet_text(data: bytes) -> str:
    table = pq.read_table(io.BytesIO(data))
    return "\n".join(str(v) for column in table.columns for v in column.to_pylist())


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _duckdb_text(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts = []
        for schema, table in con.execute("select schema_name, table_name from duckdb_tables()").fetchall():
            rows = con.execute(f"select * from {_quoted(schema)}.{_quoted(table)}").fetchall()
            parts.append("\n".join(str(r) for r in rows))
        comments = con.execute(
            "select comment from duckdb_columns() union all select comment from duckdb_tables()"
        ).fetchall()
        parts.append("\n".join(str(c[0]) for c in comments if c[0]))
        return "\n".join(parts)
    finally:
        con.close()


def _sqlite_text(path: Path) -> str:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        parts = []
        for (table,) in con.execute("select name from sqlite_master where type = 'table'").fetchall():
            for row in con.execute(f"select * from {_quoted(table)}"):
                parts.append("\n".join(v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row))
        return "\n".join(parts)
    finally:
        con.close()


def _zip_text(data: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            # The XLSX theme is the writer's fixed Office theme, whose font list names fonts after people
            # ("Kartika", "Shruti", "Vrinda"); it holds no data.
            if not member.startswith("xl/theme/"):
                parts.append(decoded_text(archive.read(member)))
    return "\n".join(parts)


def decoded_text(data: bytes, path: Path | None = None) -> str:
    """The raw bytes as text, plus the decoded content of the formats that hide strings from a byte search."""
    parts = [data.decode("utf-8", errors="replace")]
    if data[:4] == b"PAR1":
        parts.append(_parquet_text(data))
    elif data[:4] == b"PK\x03\x04":
        parts.append(_zip_text(data))  # XLSX, ODS, any zip
    elif data[:2] == b"\x1f\x8b":
        parts.append(decoded_text(gzip.decompress(data)))
    elif data[8:12] == b"DUCK" and path is not None:
        parts.append(_duckdb_text(path))
    elif data[:16] == b"SQLite format 3\x00" and path is not None:
        parts.append(_sqlite_text(path))
    if b"&" in data and (b"<" in data[:4096] or b"&#" in data):
        parts.append(html.unescape(parts[0]))  # HTML reports, XML inside XLSX
    return "\n".join(parts)


def readable_text(path: Path) -> str:
    try:
        return decoded_text(path.read_bytes(), path)
    except Exception as exc:  # a file the search cannot read proves nothing: fail, naming it
        raise AssertionError(f"cannot search {path} for personal data: {exc}") from exc


def find_personal_values(home: Path, values: list[str]) -> dict[str, list[str]]:
    """value -> files (relative to home) whose content contains it, case-insensitively."""
    found: dict[str, list[str]] = {}
    lowered = [(v, v.lower()) for v in values if v]
    for path in sorted(p for p in home.rglob("*") if p.is_file() and not p.is_symlink()):
        if path.suffix == ".key":
            continue
        text = readable_text(path).lower()
        for original, needle in lowered:
            if needle in text:
                found.setdefault(original, []).append(str(path.relative_to(home)))
    return found
