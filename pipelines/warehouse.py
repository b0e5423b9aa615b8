"""Build the warehouse privately, then publish a complete snapshot atomically.

DuckDB allows one read-write process or many readers per file, so a BI client holding the published
file would block any writer on it. The pipeline therefore never writes the published file: it builds
`HOME/build/mutu.duckdb`, copies it aside in the warehouse folder, and renames the copy over
`HOME/warehouse/mutu.duckdb` (DESIGN property 3). A reader keeps the snapshot it opened.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from pipelines import incremental, indicators, lake, lake_copy, queueing
from pipelines.calendar import working_day_calendar
from pipelines.catalog import Catalog, catalog
from pipelines.column_docs import model_column_docs
from pipelines.contracts import contracts
from pipelines.errors import PublishError
from pipelines.failpoints import failpoint
from pipelines.landing import REFERENCE_DATASETS
from pipelines.settings import Paths, complaint_auto_close_workdays, duckdb_config
from pipelines.sql_models import SqlModel

PUBLISHED_SCHEMAS = ("core", "indicators", "marts", "audit")
AUDIT_TABLES = (
    "row_accounting",
    "quarantine",
    "validation_results",
    "schema_drift",
)  # written per partition in the lake
PUBLISHED_AUDIT_TABLES = (*AUDIT_TABLES, "row_accounting_daily")
CALENDAR_DAYS_AFTER_DATA = 120  # the working-day calendar runs at least this far past the last landed day


def _exec(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    """Execute and drain the result: DuckDB 2 refuses new work while a result is unfinished."""
    return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection):
    """Commit what the block did, or roll it all back (a killed or failed step leaves the build as it was)."""
    _exec(con, "begin transaction")
    try:
        yield
        _exec(con, "commit")
    except BaseException:
        _exec(con, "rollback")
        raise


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect_build(paths: Paths) -> duckdb.DuckDBPyConnection:
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    path = paths.build_dir / "mutu.duckdb"
    config = duckdb_config(paths)
    try:
        con = duckdb.connect(str(path), config=config)
    except duckdb.IOException:
        raise
    except duckdb.Error:
        # The build is private and fully rebuilt from the lake: a build file damaged by a crash is
        # simply started again (a lock held by another writer is an IOException and is not touched).
        for leftover in (path, path.with_name(path.name + ".wal")):
            leftover.unlink(missing_ok=True)
        con = duckdb.connect(str(path), config=config)
    for schema in ("staging", *PUBLISHED_SCHEMAS):
        _exec(con, f'create schema if not exists "{schema}"')
    # The models of a build read the same lake files' footers again and again; the lake does not change under
    # a build (staging runs before it), and the cache still follows a file's modification time.
    _exec(con, "set parquet_metadata_cache = true")
    incremental.ensure_state_tables(con)  # here, once: each model's build reads and writes them
    queueing.register_sql_functions(con)  # Erlang C/A for the staffing marts (pipelines/queueing.py)
    queueing.recall(con)
    return con


def _table_from_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register("__frame", frame)
    try:
        _exec(con, f'create or replace table staging."{name}" as select * from __frame')
    finally:
        con.unregister("__frame")


def _empty(con: duckdb.DuckDBPyConnection, name: str, schema: dict) -> None:
    _table_from_frame(con, name, pl.DataFrame(schema=schema))


def _has_files(lake_dir: Path, table: str, dataset: str) -> bool:
    return any((lake_dir / table).glob(f"{dataset}/*.parquet"))


def _drop(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    kinds = _exec(
        con,
        "select 'view' from duckdb_views() where schema_name = ? and view_name = ? "
        "union all select 'table' from duckdb_tables() where schema_name = ? and table_name = ?",
        [schema, name, schema, name],
    )
    if kinds:
        _exec(con, f'drop {kinds[0][0]} "{schema}"."{name}"')


def _staging_view(con, lake_dir: Path, table: str, dataset: str, name: str, schema: dict) -> None:
    _drop(con, "staging", name)
    if _has_files(lake_dir, table, dataset):
        # The glob is built from MUTU_HOME, never from landed content; quoted as a literal all the same.
        glob = _quote_literal(lake.glob_for(lake_dir, table, dataset))
        _exec(con, f'create view staging."{name}" as select * from read_parquet({glob}, union_by_name = true)')
    else:
        _empty(con, name, schema)


def staging_fingerprint(paths: Paths, weight_mode: str) -> str:
    """What `staging.*` is made of: every lake file the views read (size, modification time), the run parameters,
    the KPI catalogue and the calendar code. Listing the lake is milliseconds; recreating the views is not."""
    hasher = hashlib.sha256()
    for table in ("staging", *AUDIT_TABLES):
        for relative, stamp in lake.stamps(paths.lake, table).items():
            hasher.update(f"{relative}:{stamp}\0".encode())
    for source in (Path(indicators.__file__).with_suffix(".yaml"), Path(working_day_calendar.__code__.co_filename)):
        hasher.update(source.read_bytes())
    hasher.update(f"{weight_mode}:{complaint_auto_close_workdays()}:{duckdb.__version__}".encode())
    return hasher.hexdigest()[:32]


def ensure_staging(con: duckdb.DuckDBPyConnection, paths: Paths, weight_mode: str) -> None:
    """Prepare `staging.*` once per state of the lake: every model of a build reads the same views and tables,
    kept in the build database, instead of recreating them in each model's step."""
    fingerprint = staging_fingerprint(paths, weight_mode)
    _exec(con, "create table if not exists staging.mutu_staging_state (fingerprint varchar)")
    if _exec(con, "select fingerprint from staging.mutu_staging_state") == [(fingerprint,)]:
        return
    with _transaction(con):
        prepare_staging(con, paths, weight_mode)
        _exec(con, "delete from staging.mutu_staging_state")
        _exec(con, "insert into staging.mutu_staging_state values (?)", [fingerprint])


def models_to_update(paths: Paths, weight_mode: str) -> list[SqlModel]:
    """The SQL models the next build must run (`incremental.models_to_update`), decided on a connection of its own
    before the build starts: the staging it prepares first is what the build then finds done."""
    con = connect_build(paths)
    try:
        ensure_staging(con, paths, weight_mode)
        return incremental.models_to_update(con, incremental.lake_snapshot(paths.lake))
    finally:
        con.close()


def _earliest_record_days(con: duckdb.DuckDBPyConnection, all_contracts: dict) -> list[date]:
    """Each source's earliest loaded record day. A file named by a day keeps its records' own dates, and an export
    named by the day it was exported (`complaints_2026-07-01.jsonl` holding June) holds days before the first staged
    one: the calendar starts there too, or June would have no periods and drop out of every period mart. How far
    back a record may lie is the contracts' rule `not_long_before_file_day`."""
    out = []
    for dataset in incremental.PARTITIONED_DATASETS:
        column = all_contracts[dataset].partition_column
        earliest = _exec(con, f'select cast(min("{column}") as date) from staging.{dataset}')[0][0]
        out += [earliest] if earliest is not None else []
    return out


def prepare_staging(con: duckdb.DuckDBPyConnection, paths: Paths, weight_mode: str) -> date | None:
    """Expose the lake as `staging.*`, plus the calendar and run parameters. Returns the as-of date."""
    from pipelines.ingest import ACCOUNTING_SCHEMA, DRIFT_SCHEMA, QUARANTINE_SCHEMA, RESULTS_SCHEMA

    all_contracts = contracts()
    for dataset in (*incremental.PARTITIONED_DATASETS, *REFERENCE_DATASETS):
        schema = {
            "partition_key": pl.String,
            "source_file": pl.String,
            "source_row": pl.Int64,
            **all_contracts[dataset].stored_schema,
        }
        _staging_view(con, paths.lake, "staging", dataset, dataset, schema)
    for table, schema in zip(
        AUDIT_TABLES, (ACCOUNTING_SCHEMA, QUARANTINE_SCHEMA, RESULTS_SCHEMA, DRIFT_SCHEMA), strict=False
    ):
        lake_copy.refresh(con, paths.lake, table, f"audit_{table}", schema)

    # The staged days, from the lake's file names (a daily partition is a file named by its day): reading the
    # partition keys out of the files cost a tenth of a second.
    days = [
        date.fromisoformat(Path(relative).stem)
        for relative in lake.stamps(paths.lake, "staging")
        if Path(relative).parts[1] in incremental.PARTITIONED_DATASETS
    ]
    as_of = max(days, default=None)
    # From the records (a partition whose file moved to its records' days stays, empty), else the staged days.
    first = min(_earliest_record_days(con, all_contracts), default=min(days, default=date.today()))
    # Due dates of the last complaints fall after the data ends: the calendar runs past it, to the end of a month,
    # so that a new day seldom changes the calendar (and rebuilds every model that counts working days).
    end = (as_of or first) + timedelta(days=CALENDAR_DAYS_AFTER_DATA)
    end = date(end.year + end.month // 12, end.month % 12 + 1, 1) - timedelta(days=1)
    _table_from_frame(con, "calendar", working_day_calendar(first - timedelta(days=7), end))
    # Settings only: each source's as-of date is a model of its own (core.dim_queue_as_of, ...), so that a new
    # day does not change what every reader of the settings reads.
    params = pl.DataFrame(
        {"ikm_weight_mode": [weight_mode], "complaint_auto_close_workdays": [complaint_auto_close_workdays()]},
        schema={"ikm_weight_mode": pl.String, "complaint_auto_close_workdays": pl.Int32},
    )
    _table_from_frame(con, "run_parameters", params)
    _table_from_frame(con, "indicator_catalogue", indicators.frame())  # pipelines/indicators.yaml -> core.dim_indicator
    return as_of


def build_model(
    con: duckdb.DuckDBPyConnection, model: SqlModel, lineage_cache: Path | None = None, found: Catalog | None = None
) -> int:
    """Rebuild the model's whole table from its SQL, with its comments; returns its row count. `found`, the
    database's catalog if the caller keeps one, is updated with the table's new columns and comments.

    A table that keeps its columns is emptied and refilled rather than replaced, so its comments stay and only
    those that differ are written: rewriting a mart's 20-40 column comments cost more than most marts' SQL."""
    table = f'"{model.layer}"."{model.name}"'
    found = catalog(con) if found is None else found
    kept = found.get((model.layer, model.name), {})
    if kept and [(c, t) for c, (t, _) in kept.items()] == [tuple(r[:2]) for r in _exec(con, f"describe {model.sql}")]:
        _exec(con, f"delete from {table}")
        _exec(con, f"insert into {table} {model.sql}")
    else:
        _exec(con, f"create or replace table {table} as {model.sql}")
        kept = {}
    failpoint("warehouse_write")
    if _exec(
        con, "select comment from duckdb_tables() where schema_name = ? and table_name = ?", [model.layer, model.name]
    ) != [(model.description,)]:
        _exec(con, f"comment on table {table} is {_quote_literal(model.description)}")
    described = [(r[0], r[1]) for r in _exec(con, f"describe {table}")]
    columns = [column for column, _ in described]
    docs = model_column_docs(con, model, columns, lineage_cache, found)
    for column in columns:
        if docs.get(column) != kept.get(column, (None, None))[1]:
            text = _quote_literal(docs[column]) if column in docs else "null"
            _exec(con, f'comment on column {table}."{column}" is {text}')
    found[(model.layer, model.name)] = {column: (dtype, docs.get(column)) for column, dtype in described}
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]


def update_model(
    con: duckdb.DuckDBPyConnection,
    model: SqlModel,
    paths: Paths,
    lineage_cache: Path | None = None,
    snapshot: dict[tuple[str, str], str] | None = None,
    ledger: incremental.Ledger | None = None,
    found: Catalog | None = None,
) -> tuple[int, incremental.Decision]:
    """Bring the model's table up to date, on a connection from `connect_build`: keep it, recompute the periods
    changed days touch, or rebuild it (pipelines/incremental.py decides). The table and the record of what it
    reflects change in one transaction, so a killed build leaves both as they were. A build of several models
    passes one lake snapshot, one ledger of the state tables and one catalog (kept up to date) to each."""
    if snapshot is None:
        snapshot = incremental.lake_snapshot(paths.lake)
    ledger = ledger or incremental.Ledger(con)
    inputs = incremental.input_state(ledger, model)
    decision = incremental.decide(ledger, model, inputs, snapshot)
    with _transaction(con):
        changed = []
        if decision.kind == "full":
            changed = incremental.rebuild(con, model, lambda: build_model(con, model, lineage_cache, found))
        elif decision.kind == "incremental":
            changed = incremental.recompute_periods(con, model, decision.days)
            failpoint("warehouse_write")
        queueing.remember(con)
        incremental.record(con, model, inputs, snapshot, changed, ledger)
    return con.execute(f'select count(*) from "{model.layer}"."{model.name}"').fetchall()[0][0], decision


def prune_model_state(con: duckdb.DuckDBPyConnection, ledger: incremental.Ledger | None = None) -> None:
    """After a build's models: save the grain results its checks counted (`ledger`, the build's) and drop the
    incremental state nothing needs any more (pipelines/incremental.py)."""
    with _transaction(con):
        if ledger is not None:
            ledger.save_grain()
        incremental.prune(con)


AUDIT_DESCRIPTIONS = {
    "row_accounting": "One line per landed file: rows in = rows loaded + rows quarantined, the days its records fall "
    "on; a rejected file with its error.",
    "row_accounting_daily": "Per landed file and daily partition: rows in = rows loaded + rows quarantined (a "
    "multi-day export has a line per day it holds).",
    "quarantine": "Rows that broke a contract rule, with the file, row number, rules broken and scrubbed raw values.",
    "validation_results": "Result of every contract rule on every partition: rows evaluated, rows failed, examples.",
    "schema_drift": "Columns a landed file had that its profile does not know (or lacked), per file.",
}


# The lake keeps accounting per file and day (what the planners compare); readers get a line per file.
FILE_ACCOUNTING_SQL = """
select dataset, source_file, any_value(profile) as profile,
       case when bool_or(file_status = 'rejected') then 'rejected' else 'read' end as file_status,
       string_agg(distinct error, '; ') as error,
       sum(rows_in) as rows_in, sum(rows_loaded) as rows_loaded, sum(rows_quarantined) as rows_quarantined,
       min(try_cast(partition_key as date)) as first_day, max(try_cast(partition_key as date)) as last_day,
       count(distinct partition_key) as days, any_value(dated_by) as dated_by, any_value(sha256) as sha256,
       max(ingested_at) as ingested_at
from staging.audit_row_accounting
group by dataset, source_file
order by dataset, source_file
"""


def build_audit(con: duckdb.DuckDBPyConnection, lake_dir: Path) -> dict[str, int]:
    """The audit tables from the lake copies, all replaced in one transaction (one commit, not ten: 0.26 -> 0.10 s
    on a year's lake), so a reader of the build never sees some new and some old. Great Expectations' results
    (pipelines/dataset_checks.py) join the row rules' in audit.validation_results."""
    from pipelines.ingest import RESULTS_SCHEMA

    counts = {}
    copied = f"select * exclude ({lake_copy.SOURCE}) from staging"  # the lake copies (pipelines/lake_copy.py)
    sources = {table: f'{copied}."audit_{table}"' for table in AUDIT_TABLES}
    sources |= {"row_accounting": FILE_ACCOUNTING_SQL, "row_accounting_daily": f'{copied}."audit_row_accounting"'}
    sources["validation_results"] += f' union all by name {copied}."audit_{lake.DATASET_RESULTS}"'
    with _transaction(con):
        # Refreshed here, not with the other copies in prepare_staging: the audit step writes them after that.
        lake_copy.refresh(con, lake_dir, lake.DATASET_RESULTS, f"audit_{lake.DATASET_RESULTS}", RESULTS_SCHEMA)
        for table in PUBLISHED_AUDIT_TABLES:
            _exec(con, f'create or replace table audit."{table}" as {sources[table]}')
            _exec(con, f'comment on table audit."{table}" is {_quote_literal(AUDIT_DESCRIPTIONS[table])}')
            counts[table] = con.execute(f'select count(*) from audit."{table}"').fetchall()[0][0]
    return counts


DATA_DICTIONARY_SQL = """
select
    c.table_name,
    t.comment as table_description,
    c.column_index,
    c.column_name,
    c.data_type,
    c.comment as column_description
from duckdb_columns() as c
join duckdb_tables() as t using (database_name, schema_name, table_name)
where c.schema_name = 'marts' and c.database_name = current_database()
order by c.table_name, c.column_index
"""
DATA_DICTIONARY_DOCS = {
    "table_name": "Mart (table in the marts schema).",
    "table_description": "What the mart holds.",
    "column_index": "Position of the column in the mart.",
    "column_name": "Column name.",
    "data_type": "DuckDB type of the column.",
    "column_description": "What the column means (from the data contracts and the SQL model docs).",
}


def _build_data_dictionary(con: duckdb.DuckDBPyConnection) -> None:
    """marts.data_dictionary: every mart and column with its comment, so BI can list the public surface."""
    _exec(con, f"create or replace table marts.data_dictionary as {DATA_DICTIONARY_SQL} limit 0")
    _exec(con, "comment on table marts.data_dictionary is 'Every mart and column BI may read, with what it means.'")
    for column, text in DATA_DICTIONARY_DOCS.items():
        _exec(con, f'comment on column marts.data_dictionary."{column}" is {_quote_literal(text)}')
    # Filled after its own comments exist, so the dictionary documents itself too.
    _exec(con, f"insert into marts.data_dictionary {DATA_DICTIONARY_SQL}")


def _export_marts(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    """One Parquet file per mart, for tools that prefer files; written beside the snapshot being published."""
    folder.mkdir(parents=True)
    marts = [
        r[0]
        for r in _exec(con, "select table_name from duckdb_tables() where schema_name = 'marts' order by table_name")
    ]
    for mart in marts:
        target = folder / f"{mart}.parquet"
        # Mart names come from sql/ and the target from MUTU_HOME, never from landed content.
        _exec(con, f'copy marts."{mart}" to {_quote_literal(str(target))} (format parquet)')
        os.chmod(target, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
    os.chmod(folder, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)


def _swap_exports(exports: Path, warehouse_dir: Path) -> None:
    """Point HOME/warehouse/marts at the new export folder with one atomic symlink rename.

    A reader that resolved the old link keeps a complete folder: the previous export stays until the next publish.
    """
    versions = warehouse_dir / "exports"
    versions.mkdir(exist_ok=True)
    os.chmod(versions, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    current = versions / exports.name
    os.replace(exports, current)
    link = warehouse_dir / f".marts-{uuid.uuid4().hex}.link"
    os.symlink(Path("exports") / current.name, link)
    target = warehouse_dir / "marts"
    previous = os.readlink(target) if target.is_symlink() else None
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)  # a copied home turns the link into a folder; a link cannot replace a folder
    os.replace(link, target)
    keep = {current.name, Path(previous).name if previous else None}
    for old in versions.iterdir():
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


def publish(paths: Paths) -> Path:
    """Swap a complete copy of the build into place; readers of the old snapshot are unaffected."""
    source = paths.build_dir / "mutu.duckdb"
    if not source.exists():
        raise PublishError(f"{source}: nothing built to publish; run the core, indicator and mart assets first")
    # Copies are prepared in a hidden folder on the same file system: the rename into place is atomic,
    # and no reader mistakes a half-written copy for the warehouse. A crash's leftovers go at the next publish.
    publishing = paths.warehouse_dir / ".publishing"
    shutil.rmtree(publishing, ignore_errors=True)
    publishing.mkdir(parents=True, exist_ok=True)
    aside = publishing / f"mutu.duckdb.{uuid.uuid4().hex}.tmp"
    try:
        failpoint("publish_copy")
        shutil.copyfile(source, aside)
        exports = publishing / f"marts-{aside.stem.split('.')[-1]}"
        con = duckdb.connect(str(aside), config=duckdb_config(paths))
        try:
            _exec(con, "drop schema if exists staging cascade")
            _build_data_dictionary(con)
            _exec(con, "checkpoint")
            _export_marts(con, exports)
        finally:
            con.close()
        with open(aside, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(aside, stat.S_IRUSR | stat.S_IWUSR | stat.S_IRGRP | stat.S_IROTH)
        failpoint("publish_swap")
        os.replace(aside, paths.warehouse)
        _swap_exports(exports, paths.warehouse_dir)
        directory = os.open(paths.warehouse_dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    except (OSError, duckdb.Error) as exc:
        raise PublishError(
            f"could not publish {paths.warehouse}: {exc}; the previous snapshot is still in place"
        ) from exc
    finally:
        shutil.rmtree(publishing, ignore_errors=True)
    return paths.warehouse
