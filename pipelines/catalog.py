"""The columns of a table in the build database, as the build asks for them many times a run."""

from __future__ import annotations

import duckdb


def table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    """The table's (or view's) columns in order; [] when there is none. Looked up by name (0.3 ms), not in
    duckdb_columns() (2.5 ms: it lists every column of the database), and a missing table does not abort the
    caller's transaction as a failed query would."""
    try:
        return con.table(f'"{schema}"."{table}"').columns
    except duckdb.CatalogException:
        return []
