"""Incremental warehouse builds: a model recomputes only the periods that new or restated days touch.

A model opts in with one header line in its SQL file, naming the period each of its rows belongs to:

    -- incremental: local_date                   (a DATE column: the row's day)
    -- incremental: period_start..period_end     (two DATE columns: the row's first and last day)

and so promises that a row of a period is computed only from the rows of that period's days in the tables it
reads (a daily fact from that day's records, a month's indicator from that month's facts and periods).

What changed is followed by day. The lake's daily partitions change when a day is staged (the size and
modification time of its Parquet file); a model's table changes on the days of the periods whose rows it
changed: each build logs them (`staging.mutu_model_changes`, one entry per version of the table; "every day"
when a table without a period changed). Each model remembers (`staging.mutu_model_state`) the digest of its SQL
and code, the lake it last reflected, the version of each model it read and the content signature of each other
staging table it read (reference data, calendar, run parameters). Its next build then

- keeps the table when nothing it reads changed;
- deletes and recomputes the rows of the periods the changed days touch, in one transaction with its record,
  when it declares a period and every change it reads is confined to days;
- rebuilds the whole table otherwise: first build or a lost build database, changed SQL or code, a changed
  staging table, an upstream table changed on every day, or a model that declares no period.

A rebuilt or recomputed table logs only the periods whose rows really differ (row hashes per period before and
after), so a calendar that grows by one day changes one day downstream, and a reformatted query changes nothing
(a rebuilt table that no model reads is logged as changed without comparing: nothing follows its log).
Both state tables live in `staging`, which the published copy drops.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import duckdb

from pipelines.catalog import table_columns
from pipelines.dating import MARGIN_DAYS
from pipelines.lake import stamps as lake_stamps
from pipelines.sql_models import SqlModel, grain_violations_sql, models

PACKAGE = Path(__file__).resolve().parent
PARTITIONED_DATASETS = ("queue_tickets", "survey_responses", "complaints")
INCREMENTAL_LINE = re.compile(r"^--\s*incremental\s*:(.*)$", re.MULTILINE)
PERIOD = re.compile(r"^(\w+)(?:\.\.(\w+)|\s+by\s+(\w+))?$")
PERIOD_LENGTHS = {
    "day": "1 day",
    "week": "7 day",
    "month": "1 month",
    "quarter": "3 month",
    "semester": "6 month",
    "year": "1 year",
}
UNBOUNDED = date(9999, 12, 31)
STATE = "staging.mutu_model_state"
CHANGES = "staging.mutu_model_changes"
SNAPSHOTS = "staging.mutu_lake_snapshot"
GRAIN_RESULTS = "staging.mutu_grain_results"
# A changed partition changes rows of the days around it too (a record's date may fall beside its file's day).
PARTITION_MARGIN_DAYS = MARGIN_DAYS
# Code a model's rows depend on besides its SQL: the SQL functions it may call, and how it is built.
MODEL_CODE = ("queueing.py", "incremental.py")
EVERY_DAY = None  # a change not confined to days


@dataclass(frozen=True)
class Period:
    start: str
    end: str | None = None  # a column holding the last day; None: the start's day, or the period type's length
    kind: str | None = None  # a column naming the period type (month, quarter, semester, year, week, day)

    def start_sql(self) -> str:
        return f'"{self.start}"'

    def end_sql(self) -> str:
        if self.end:
            return f'"{self.end}"'
        if not self.kind:
            return f'"{self.start}"'
        lengths = " ".join(f"when '{name}' then interval {length}" for name, length in PERIOD_LENGTHS.items())
        # An unknown period type reaches to the end of time: every change touches it (safe, never stale).
        return (
            f'coalesce(cast("{self.start}" + (case "{self.kind}" {lengths} end) - interval 1 day as date), '
            f"date '{UNBOUNDED.isoformat()}')"
        )

    def touches(self, days_table: str) -> str:
        """SQL predicate: the row's period holds one of the days in `days_table` (one DATE column, `day`)."""
        if self.end_sql() == self.start_sql():
            return f"{self.start_sql()} in (select day from {days_table})"
        return f"exists (select 1 from {days_table} as d where d.day between {self.start_sql()} and {self.end_sql()})"


@dataclass(frozen=True)
class Decision:
    kind: str  # "full", "incremental" or "unchanged"
    reason: str
    days: tuple[date, ...] = ()


def declared_period(model: SqlModel) -> Period | None:
    lines = INCREMENTAL_LINE.findall(model.sql)
    if not lines:
        return None
    match = PERIOD.match(lines[0].strip())
    if len(lines) > 1 or not match:
        raise ValueError(
            f"{model.path}: write one '-- incremental:' line naming the period each row belongs to: "
            "'<date column>', '<first day column>..<last day column>' or '<first day column> by <period type column>'"
        )
    return Period(match.group(1), match.group(2), match.group(3))


@cache
def _code_digest() -> str:
    out = hashlib.sha256(duckdb.__version__.encode())
    for name in MODEL_CODE:
        out.update((PACKAGE / name).read_bytes())
    return out.hexdigest()


def sql_digest(model: SqlModel) -> str:
    return hashlib.sha256((_code_digest() + model.sql).encode()).hexdigest()[:16]


def _built() -> set[str]:
    return {m.qualified for m in models()}


def lake_snapshot(lake: Path) -> dict[tuple[str, str], str]:
    """(dataset, partition key) -> size and modification time of its staged file: a restaged day gets a new one."""
    snapshot = {}
    for relative, stamp in lake_stamps(lake, "staging").items():
        _, dataset, name = Path(relative).parts
        if dataset in PARTITIONED_DATASETS:
            snapshot[(dataset, Path(name).stem)] = stamp
    return snapshot


def snapshot_id(snapshot: dict[tuple[str, str], str]) -> str:
    return hashlib.sha256(json.dumps(sorted(snapshot.items())).encode()).hexdigest()[:16]


class Ledger:
    """The state tables of one build, read once and kept in step with what each model's transaction writes to them.

    Looked up model by model, they cost about 25 one-millisecond queries a model (1.5 s of a nightly build). A
    ledger belongs to one connection and one build: the staging tables other than the lake do not change while
    the models are built, so their signatures are taken once."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.states = {
            model: (digest, json.loads(inputs), version, snapshot)
            for model, digest, inputs, version, snapshot in con.execute(
                f"select model, sql_digest, inputs, version, snapshot from {STATE}"
            ).fetchall()
        }
        self.grain = {
            model: (digest, version, duplicates, nulls)
            for model, digest, version, duplicates, nulls in con.execute(
                f"select model, sql_digest, version, duplicate_keys, null_key_rows from {GRAIN_RESULTS}"
            ).fetchall()
        }
        self.snapshots = {s for (s,) in con.execute(f"select distinct snapshot from {SNAPSHOTS}").fetchall()}
        self.unsaved_grain: set[str] = set()  # grain results counted in this build, written once by `save_grain`
        self._signatures: dict[tuple[str, str], str] = {}
        self._identities: dict[int, tuple[dict, str]] = {}
        self._partitions: dict[str, dict[tuple[str, str], str]] = {}

    def save_grain(self) -> None:
        """Write the grain results counted since the last save, in one statement: one autocommitted write per
        model cost a commit each. A build that dies before saving them counts them again next time."""
        if not self.unsaved_grain:
            return
        rows = [(model, *self.grain[model]) for model in sorted(self.unsaved_grain)]
        self.con.execute(
            f"insert or replace into {GRAIN_RESULTS} select unnest(?::varchar[]), unnest(?::varchar[]), "
            "unnest(?::integer[]), unnest(?::bigint[]), unnest(?::bigint[])",
            [list(column) for column in zip(*rows, strict=True)],
        )
        self.unsaved_grain.clear()

    def version(self, model: str) -> int | None:
        state = self.states.get(model)
        return state[2] if state else None

    def signature(self, schema: str, table: str) -> str:
        if (schema, table) not in self._signatures:
            self._signatures[(schema, table)] = table_signature(self.con, schema, table)
        return self._signatures[(schema, table)]

    def identity(self, snapshot: dict[tuple[str, str], str]) -> str:
        """The snapshot's id, hashed once per snapshot a build passes around."""
        kept = self._identities.get(id(snapshot))
        if kept is None or kept[0] is not snapshot:
            kept = self._identities[id(snapshot)] = (snapshot, snapshot_id(snapshot))
        return kept[1]

    def partitions(self, recorded: str) -> dict[tuple[str, str], str]:
        """(dataset, partition key) -> fingerprint of a recorded lake snapshot."""
        if recorded not in self._partitions:
            self._partitions[recorded] = {
                (dataset, key): fingerprint
                for dataset, key, fingerprint in self.con.execute(
                    f"select dataset, partition_key, fingerprint from {SNAPSHOTS} where snapshot = ?", [recorded]
                ).fetchall()
            }
        return self._partitions[recorded]


def ensure_state_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The state tables, created if missing (`warehouse.connect_build` calls it on every build connection)."""
    con.execute(
        f"create table if not exists {STATE} (model varchar primary key, sql_digest varchar, inputs varchar, "
        "version integer, snapshot varchar)"
    )
    con.execute(f"create table if not exists {CHANGES} (model varchar, version integer, days varchar)")
    con.execute(
        f"create table if not exists {SNAPSHOTS} (snapshot varchar, dataset varchar, partition_key varchar, "
        "fingerprint varchar)"
    )
    con.execute(
        f"create table if not exists {GRAIN_RESULTS} (model varchar primary key, sql_digest varchar, "
        "version integer, duplicate_keys bigint, null_key_rows bigint)"
    )


def _row_hash(columns: list[str]) -> str:
    return f"hash({', '.join(chr(34) + c + chr(34) for c in columns)})"


def table_signature(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """A digest of a table's content, row order aside (sum and xor of row hashes: duplicates still count)."""
    columns = table_columns(con, schema, table)
    if not columns:
        return "missing"
    row = con.execute(
        f'select count(*), sum({_row_hash(columns)}::hugeint), bit_xor({_row_hash(columns)}) from "{schema}"."{table}"'
    ).fetchone()
    return hashlib.sha256(json.dumps([columns, *map(str, row)]).encode()).hexdigest()[:16]


def period_signatures(
    con: duckdb.DuckDBPyConnection, model: SqlModel, where: str = "true"
) -> dict[tuple[date, date], str]:
    """(first day, last day) of each period the model's rows fill -> a digest of that period's rows."""
    period = declared_period(model)
    columns = table_columns(con, model.layer, model.name)
    if not columns:
        return {}
    rows = con.execute(
        f"select {period.start_sql()}, {period.end_sql()}, count(*), sum({_row_hash(columns)}::hugeint), "
        f'bit_xor({_row_hash(columns)}) from "{model.layer}"."{model.name}" where {where} group by all'
    ).fetchall()
    return {(start, end): f"{count}:{total}:{mixed}" for start, end, count, total, mixed in rows}


def changed_days(before: dict[tuple[date, date], str], after: dict[tuple[date, date], str]) -> list[date] | None:
    """Every day of the periods whose rows differ between two period signatures."""
    days: set[date] = set()
    for start, end in (key for key in before.keys() | after.keys() if before.get(key) != after.get(key)):
        if start is None or end is None or end == UNBOUNDED:
            return EVERY_DAY  # rows without a period (or of an unknown length): no day names their change
        days.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return sorted(days)


def input_state(ledger: Ledger, model: SqlModel) -> dict[str, str | int]:
    """What the model reads as it is now: each model's table version, each other staging table's signature."""
    built = _built()
    out: dict[str, str | int] = {}
    for schema, table in model.depends_on:
        name = f"{schema}.{table}"
        if name in built:
            version = ledger.version(name)
            out[name] = "missing" if version is None else version
        elif not (schema == "staging" and table in PARTITIONED_DATASETS):  # the lake is followed by day
            out[name] = ledger.signature(schema, table)
    return out


def _reads_lake(model: SqlModel) -> set[str]:
    return {table for schema, table in model.depends_on if schema == "staging" and table in PARTITIONED_DATASETS}


def _lake_days(ledger: Ledger, recorded: str, snapshot: dict[tuple[str, str], str], datasets: set[str]) -> set | None:
    """The days around each partition of `datasets` (those the model reads) that changed since `recorded`."""
    before = ledger.partitions(recorded)
    if not before and recorded != snapshot_id({}):
        return EVERY_DAY  # the lake it reflected is not recorded
    days = set()
    for dataset, partition in (key for key in before.keys() | snapshot.keys() if before.get(key) != snapshot.get(key)):
        if dataset not in datasets:
            continue
        day = date.fromisoformat(partition)
        days.update(day + timedelta(days=n) for n in range(-PARTITION_MARGIN_DAYS, PARTITION_MARGIN_DAYS + 1))
    return days


def _upstream_days(con: duckdb.DuckDBPyConnection, upstream: str, seen: int, now: int) -> set | None:
    entries = con.execute(
        f"select version, days from {CHANGES} where model = ? and version > ? and version <= ?", [upstream, seen, now]
    ).fetchall()
    if len(entries) != now - seen:
        return EVERY_DAY  # a version of the upstream table this model never saw is not logged
    days: set[date] = set()
    for _, logged in entries:
        if logged is None:
            return EVERY_DAY
        days.update(date.fromisoformat(d) for d in json.loads(logged))
    return days


def decide(
    ledger: Ledger,
    model: SqlModel,
    inputs: dict[str, str | int],
    snapshot: dict[tuple[str, str], str],
) -> Decision:
    """How to bring the model's table up to date with its inputs as they are now."""
    con = ledger.con
    state = ledger.states.get(model.qualified)
    if state is None or not table_columns(con, model.layer, model.name):
        return Decision("full", "first build in this build database")
    recorded_sql, recorded_inputs, _, recorded_snapshot = state
    if recorded_sql != sql_digest(model):
        return Decision("full", "its SQL or the code that runs it changed")
    days: set[date] = set()
    built = _built()
    for name, now in sorted(inputs.items()):
        seen = recorded_inputs.get(name)
        if seen == now:
            continue
        if name not in built or not isinstance(seen, int) or not isinstance(now, int):
            return Decision("full", f"{name} changed")
        changed = _upstream_days(con, name, seen, now)
        if changed is EVERY_DAY:
            return Decision("full", f"{name} changed on every day")
        days |= changed
    datasets = _reads_lake(model)
    if datasets:
        changed = _lake_days(ledger, recorded_snapshot, snapshot, datasets)
        if changed is EVERY_DAY:
            return Decision("full", "the lake it was built from is not recorded")
        days |= changed
    if not days:
        return Decision("unchanged", "nothing it reads changed")
    if declared_period(model) is None:
        return Decision("full", f"what it reads changed on {len(days)} day(s) and it declares no period")
    return Decision("incremental", f"what it reads changed on {len(days)} day(s)", tuple(sorted(days)))


def models_to_update(con: duckdb.DuckDBPyConnection, snapshot: dict[tuple[str, str], str]) -> list[SqlModel]:
    """The models a build must run, in dependency order: those `decide` would not keep as they are, and every model
    that reads one of them. The others are kept whatever the build does, so a build may leave them out (a restated
    queue day need not touch a survey or complaint model). Call it after `warehouse.ensure_staging`: a staging
    table's signature is part of what a model reads."""
    ledger = Ledger(con)
    chosen: set[str] = set()
    for model in models():
        upstream = any(f"{schema}.{table}" in chosen for schema, table in model.depends_on)
        if upstream or decide(ledger, model, input_state(ledger, model), snapshot).kind != "unchanged":
            chosen.add(model.qualified)
    return [m for m in models() if m.qualified in chosen]


@cache
def _read_by_models() -> frozenset[str]:
    return frozenset(f"{schema}.{table}" for m in models() for schema, table in m.depends_on)


def rebuild(con: duckdb.DuckDBPyConnection, model: SqlModel, build) -> list[date] | None:
    """Run `build` (which replaces the whole table); returns the days whose rows differ, None for every day.

    A table no model reads is logged as changed on every day without comparing its rows: nothing follows its
    log, and the comparison read it twice."""
    if model.qualified not in _read_by_models():
        build()
        return EVERY_DAY
    period = declared_period(model)
    columns = table_columns(con, model.layer, model.name)
    before = (
        (period_signatures(con, model) if period else table_signature(con, model.layer, model.name))
        if columns
        else None
    )
    build()
    if before is None or table_columns(con, model.layer, model.name) != columns:
        return EVERY_DAY
    if period:
        return changed_days(before, period_signatures(con, model))
    return [] if table_signature(con, model.layer, model.name) == before else EVERY_DAY


def _ranges(days: set[date]) -> list[tuple[date, date]]:
    ranges: list[list[date]] = []
    for day in sorted(days):
        if ranges and day - ranges[-1][1] <= timedelta(days=1):
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [(first, last) for first, last in ranges]


def needed_days(period: Period, days: tuple[date, ...]) -> list[tuple[date, date]] | None:
    """Day ranges holding every day of every period the changed days touch (None: unknown, read everything).

    A daily model needs the changed days; a model whose periods are named by a type (at most a year, or a week
    across New Year) needs the years of the changed days and a week either side."""
    if period.start_sql() == period.end_sql():
        return _ranges(set(days))
    if period.kind is None:
        return None
    return _ranges(
        {
            date(year, 1, 1) + timedelta(days=n)
            for year in {d.year for d in days}
            for n in range(-7, (date(year + 1, 1, 1) - date(year, 1, 1)).days + 7)
        }
    )


def _overlaps(start: str, end: str, ranges: list[tuple[date, date]]) -> str:
    return "(" + " or ".join(f"({start} <= date '{b}' and {end} >= date '{a}')" for a, b in ranges) + ")"


def restricted_sql(model: SqlModel, needed: list[tuple[date, date]] | None) -> str:
    """The model's SQL reading only the rows of the needed days from each table whose rows have days: models that
    declare a period, and the lake's daily partitions (a day's records may sit in a neighbouring partition)."""
    if not needed:
        return model.sql
    by_name = {m.qualified: m for m in models()}
    sql = model.sql
    for schema, table in model.depends_on:
        upstream = by_name.get(f"{schema}.{table}")
        period = declared_period(upstream) if upstream else None
        if period is not None:
            where = _overlaps(period.start_sql(), period.end_sql(), needed)
        elif schema == "staging" and table in PARTITIONED_DATASETS:
            margin = timedelta(days=PARTITION_MARGIN_DAYS)
            widened = [(a - margin, b + margin) for a, b in needed]
            where = "(" + " or ".join(f"partition_key between '{a}' and '{b}'" for a, b in widened) + ")"
        else:
            continue
        subquery = f"(select * from {schema}.{table} where {where})"
        reference = re.compile(rf"\b{schema}\.{table}\b(\s+as\s+\w+)?", re.IGNORECASE)
        sql = reference.sub(lambda found, sub=subquery, t=table: sub + (found.group(1) or f" as {t}"), sql)
    return sql


def _changed_days_table(con: duckdb.DuckDBPyConnection, days: tuple[date, ...]) -> None:
    con.execute("create or replace temp table mutu_changed_days (day date primary key)")
    con.execute("insert into mutu_changed_days select unnest(?::date[])", [list(days)])


def recompute_periods(con: duckdb.DuckDBPyConnection, model: SqlModel, days: tuple[date, ...]) -> list[date] | None:
    """Delete the rows of the periods the days touch and insert the model's rows for them, computed from the
    needed days of its inputs only; returns the days of the periods whose rows differ."""
    period = declared_period(model)
    table = f'"{model.layer}"."{model.name}"'
    _changed_days_table(con, days)
    touched = period.touches("mutu_changed_days")
    before = period_signatures(con, model, touched)
    con.execute(f"delete from {table} where {touched}")
    sql = restricted_sql(model, needed_days(period, days))
    con.execute(f"insert into {table} by name select * from ({sql}) where {touched}")
    after = period_signatures(con, model, touched)
    con.execute("drop table mutu_changed_days")
    return changed_days(before, after)


def record(
    con: duckdb.DuckDBPyConnection,
    model: SqlModel,
    inputs: dict[str, str | int],
    snapshot: dict[tuple[str, str], str],
    changed: list[date] | None,
    ledger: Ledger | None = None,
) -> None:
    """Remember what the model's table now reflects and log the days it changed on (in the caller's
    transaction); `changed` None means every day, an empty list no change. Writes nothing when that is what is
    recorded already (a kept table). A model that reads no lake partition records no lake snapshot."""
    ledger = ledger or Ledger(con)
    identity = ledger.identity(snapshot) if _reads_lake(model) else ""
    if identity and snapshot and identity not in ledger.snapshots:  # an empty lake is known by its identity alone
        rows = sorted(snapshot.items())
        con.execute(
            f"insert into {SNAPSHOTS} select ?, unnest(?::varchar[]), unnest(?::varchar[]), unnest(?::varchar[])",
            [identity, [d for (d, _), _ in rows], [k for (_, k), _ in rows], [f for _, f in rows]],
        )
        ledger.snapshots.add(identity)
    version = ledger.version(model.qualified) or 0
    if changed is None or changed:
        version += 1
        days = None if changed is None else json.dumps([d.isoformat() for d in changed])
        con.execute(f"insert into {CHANGES} values (?, ?, ?)", [model.qualified, version, days])
    state = (sql_digest(model), dict(inputs), version, identity)
    if ledger.states.get(model.qualified) == state:
        return
    con.execute(
        f"insert or replace into {STATE} values (?, ?, ?, ?, ?)",
        [model.qualified, state[0], json.dumps(inputs, sort_keys=True), version, identity],
    )
    ledger.states[model.qualified] = state


def grain_violations(
    con: duckdb.DuckDBPyConnection, model: SqlModel, decision: Decision | None = None, ledger: Ledger | None = None
) -> tuple[int, int]:
    """(duplicate grain keys, rows with a NULL grain column) of the model's table just brought up to date.

    Read from the last check when the table is still the version it checked. Counted in the recomputed periods
    alone when the check of the version before passed and the grain holds the period's columns (a key then
    cannot span a recomputed and a kept period, and the kept rows passed). Counted over the whole table
    otherwise: the full check of a large fact table was most of a nightly build's checks. Without a decision
    (a table not built by `update_model`) it is counted over the whole table and not remembered."""
    if decision is None:
        found = con.execute(grain_violations_sql(model)).fetchone()
        return found[0], found[1]
    own_ledger = ledger is None
    ledger = ledger or Ledger(con)
    version = ledger.version(model.qualified)
    kept = ledger.grain.get(model.qualified)
    last = kept[1:] if kept and kept[0] == sql_digest(model) else None
    period = declared_period(model)
    grain = {column.name for column in model.grain}
    if version is not None and last is not None and last[0] == version:
        return last[1], last[2]
    if (
        version is not None
        and last == (version - 1, 0, 0)
        and decision.kind == "incremental"
        and period is not None
        and {period.start, period.end or period.start, period.kind or period.start} <= grain
    ):
        _changed_days_table(con, decision.days)
        found = con.execute(grain_violations_sql(model, period.touches("mutu_changed_days"))).fetchone()
        con.execute("drop table mutu_changed_days")
    else:
        found = con.execute(grain_violations_sql(model)).fetchone()
    if version is not None:
        ledger.grain[model.qualified] = (sql_digest(model), version, *found)
        ledger.unsaved_grain.add(model.qualified)
        if own_ledger:
            ledger.save_grain()
    return found[0], found[1]


def prune(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the state of models that are gone, lake snapshots no model reflects, and log entries every reader of
    their table has seen: once per build, after the models (a prune per model cost 1.5 s of a nightly build)."""
    current = sorted(_built())
    con.execute(f"delete from {STATE} where model not in (select unnest(?::varchar[]))", [current])
    con.execute(f"delete from {SNAPSHOTS} where snapshot not in (select snapshot from {STATE})")
    con.execute(f"delete from {GRAIN_RESULTS} where model not in (select unnest(?::varchar[]))", [current])
    seen: dict[str, int] = {}
    for (inputs,) in con.execute(f"select inputs from {STATE}").fetchall():
        for name, version in json.loads(inputs).items():
            if isinstance(version, int):
                seen[name] = min(seen.get(name, version), version)
    for name in _built() - _read_by_models():
        con.execute(f"delete from {CHANGES} where model = ?", [name])  # nothing reads its log
    for name, version in seen.items():
        con.execute(f"delete from {CHANGES} where model = ? and version <= ?", [name, version])
