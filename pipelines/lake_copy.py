"""Lake tables copied into the build database and refreshed file by file.

The audit tables gather one small Parquet file per dataset and partition (four tables, about 3,000 files for a
year of three sources). Reading them all again for every build cost a nightly build over a second for the few
files a night adds; a copy keeps each row with the file it came from (`lake_file`) and, at each build, replaces
the rows of the files that changed or went and reads only the new and changed ones. Files are known by their
size and modification time, as the planners and the incremental models know them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from pipelines.catalog import table_columns
from pipelines.lake import stamps

FILES = "staging.mutu_lake_files"
SOURCE = "lake_file"  # the column naming each row's lake file, relative to the lake


def _exec(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    return con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()


def _read(lake: Path, files: list[str]) -> str:
    listed = ", ".join("'" + str(lake / f).replace("'", "''") + "'" for f in files)
    # The lake path is the home's, never landed content; quoted as a literal all the same.
    prefix = "'" + (str(lake) + "/").replace("'", "''") + "'"
    return (
        f"select * exclude (filename), substr(filename, length({prefix}) + 1) as {SOURCE} "
        f"from read_parquet([{listed}], union_by_name = true, filename = true)"
    )


def refresh(con: duckdb.DuckDBPyConnection, lake: Path, table: str, name: str, schema: dict) -> None:
    """Bring `staging.<name>` up to date with lake/<table>/*/*.parquet (in the caller's transaction); with no file
    at all it is empty, with `schema`'s columns."""
    _exec(con, f"create table if not exists {FILES} (lake_table varchar, lake_file varchar, fingerprint varchar)")
    files = stamps(lake, table)
    known = dict(_exec(con, f"select lake_file, fingerprint from {FILES} where lake_table = ?", [table]))
    columns = table_columns(con, "staging", name)
    stale = [f for f in known if files.get(f) != known[f]]
    fresh = [f for f in files if known.get(f) != files[f]]
    if not stale and not fresh and columns and set(schema) <= set(columns):
        return
    if fresh:
        added = [r[0] for r in _exec(con, f"describe {_read(lake, fresh)}")]
    if not columns or SOURCE not in columns or not known or (fresh and not set(added) <= set(columns)):
        # First copy (or no record of the files copied), or files with a column the copy lacks: copy every file,
        # with the columns they have between them.
        if _exec(con, "select 1 from duckdb_views() where schema_name = 'staging' and view_name = ?", [name]):
            _exec(con, f'drop view staging."{name}"')  # a build database from before the copies read views
        _exec(con, f'drop table if exists staging."{name}"')
        if files:
            _exec(con, f'create table staging."{name}" as {_read(lake, list(files))}')
        else:
            con.register("mutu_empty", pl.DataFrame(schema={**schema, SOURCE: pl.String}))
            try:
                _exec(con, f'create table staging."{name}" as select * from mutu_empty')
            finally:
                con.unregister("mutu_empty")
        _exec(con, f"delete from {FILES} where lake_table = ?", [table])
        stale, fresh = [], list(files)
    else:
        if stale:
            _exec(con, f'delete from staging."{name}" where {SOURCE} in (select unnest(?::varchar[]))', [stale])
        if fresh:
            _exec(con, f'insert into staging."{name}" by name {_read(lake, fresh)}')
    _exec(
        con,
        f"delete from {FILES} where lake_table = ? and lake_file in (select unnest(?::varchar[]))",
        [table, stale + fresh],
    )
    if fresh:
        _exec(
            con,
            f"insert into {FILES} select ?, unnest(?::varchar[]), unnest(?::varchar[])",
            [table, fresh, [files[f] for f in fresh]],
        )
    _add_missing_columns(con, name, schema)


def _add_missing_columns(con: duckdb.DuckDBPyConnection, name: str, schema: dict) -> None:
    """Columns the schema gained since a lake's files were written (accounting's dated_by): NULL in the copy, so
    that a build on an older lake reads them as a newer one's."""
    missing = {c: t for c, t in schema.items() if c not in table_columns(con, "staging", name)}
    if not missing:
        return
    con.register("mutu_missing", pl.DataFrame(schema=missing))
    try:
        types = dict(_exec(con, "select column_name, column_type from (describe mutu_missing)"))
    finally:
        con.unregister("mutu_missing")
    for column in missing:
        _exec(con, f'alter table staging."{name}" add column "{column}" {types[column]}')
