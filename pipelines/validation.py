"""Validate parsed rows against their contract; mark every row with the rules it breaks.

Row level, in one Polars pass: the contract's column and pair rules (written as Great Expectations expectations,
compiled by row_rules.py) and the rules that need the reference data or whole-file context (engine `mutu`).
Dataset level, per partition, in Great Expectations 1.x (the validator of record): each partition's loaded rows
have unique keys, no time after the run and no value outside an enum (dataset_rules). Staging measures the figures
these rules judge (`partition_figures`, one row per partition, kept in the lake beside the partition); Great
Expectations judges them in the warehouse build (pipelines/dataset_checks.py), so staging never waits for its
import, and its results land in audit.validation_results beside the row rules' and in that table's asset checks
`<source>_dataset_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Any

import polars as pl

from pipelines import gx_checks, row_rules
from pipelines.contracts import Contract, contract
from pipelines.profiles import SOURCE_DATASETS
from pipelines.vocabularies import normalise, respelled


@dataclass(frozen=True)
class RuleSpec:
    """One rule derived from a contract: its name, the engine that checks it, and how."""

    name: str
    description: str
    engine: str  # great_expectations | mutu
    expectation: str | None = None
    kwargs: dict[str, Any] | None = None
    check: dict[str, Any] | None = None
    set_null: str | None = None  # the column a failing row loads with NULL instead of being quarantined


SET_NULL_NOTE = "; otherwise set to NULL and the row loaded (contract onInvalid: set_null)"


def _soft(col) -> dict[str, Any]:
    """How a column rule treats a failing row: quarantine it, or load it with the value set to NULL."""
    return {"set_null": col.name} if col.on_invalid == "set_null" else {}


def _described(description: str, col) -> str:
    return description + (SET_NULL_NOTE if col.on_invalid == "set_null" else "")


def rules_for(spec: Contract) -> list[RuleSpec]:
    """Every rule of a contract, column rules first; also the list of Dagster asset checks."""
    rules: list[RuleSpec] = []
    stored = spec.stored_schema
    for col in spec.columns:
        if col.name in stored and isinstance(stored[col.name], pl.List) and col.item_allowed:
            # The enum of the items' status (e.g. a complaint's status history) is a column rule too.
            rules.append(
                RuleSpec(
                    f"in_set:{col.name}",
                    f"every status in {col.name} is one of {', '.join(map(str, col.item_allowed))}",
                    "mutu",
                    check={
                        "check": "items_in_set",
                        "column": col.name,
                        "field": "status",
                        "values": list(col.item_allowed),
                    },
                )
            )
        if col.name not in stored or isinstance(stored[col.name], pl.List):
            continue
        if col.required:
            rules.append(
                RuleSpec(
                    f"not_null:{col.name}",
                    f"{col.name} is present",
                    "great_expectations",
                    "ExpectColumnValuesToNotBeNull",
                    {"column": col.name},
                )
            )
        if col.allowed:
            rules.append(
                RuleSpec(
                    f"in_set:{col.name}",
                    _described(f"{col.name} is one of {', '.join(map(str, col.allowed))}", col),
                    "great_expectations",
                    "ExpectColumnValuesToBeInSet",
                    {"column": col.name, "value_set": list(col.allowed)},
                    **_soft(col),
                )
            )
        if col.minimum is not None or col.maximum is not None:
            rules.append(
                RuleSpec(
                    f"between:{col.name}",
                    _described(f"{col.name} between {col.minimum} and {col.maximum}", col),
                    "great_expectations",
                    "ExpectColumnValuesToBeBetween",
                    {"column": col.name, "min_value": col.minimum, "max_value": col.maximum},
                    **_soft(col),
                )
            )
        if col.pattern:
            rules.append(
                RuleSpec(
                    f"pattern:{col.name}",
                    _described(f"{col.name} matches {col.pattern}", col),
                    "great_expectations",
                    "ExpectColumnValuesToMatchRegex",
                    {"column": col.name, "regex": col.pattern},
                    **_soft(col),
                )
            )
        if col.max_length:
            rules.append(
                RuleSpec(
                    f"max_length:{col.name}",
                    _described(f"{col.name} at most {col.max_length} characters", col),
                    "great_expectations",
                    "ExpectColumnValueLengthsToBeBetween",
                    {"column": col.name, "min_value": 0, "max_value": col.max_length},
                    **_soft(col),
                )
            )
    if spec.unique_key:
        # Keys are unique within a daily partition, on each record's own day (ticket numbers restart every day, and
        # a day's export may repeat the evening before); a later partition restating a key replaces it in core.
        key = record_key(spec)
        rules.append(
            RuleSpec(
                "unique_key",
                f"one row per {', '.join(f'day of {spec.partition_column}' if k == RECORD_DAY else k for k in key)}",
                "great_expectations",
                "ExpectCompoundColumnsToBeUnique",
                {"column_list": key},
            )
        )
    for rule in spec.rules:
        if rule.engine == "great_expectations":
            name = "".join(p.title() for p in rule.implementation["expectation"].removeprefix("expect_").split("_"))
            rules.append(
                RuleSpec(
                    rule.name,
                    rule.description,
                    rule.engine,
                    "Expect" + name,
                    dict(rule.implementation.get("kwargs", {})),
                )
            )
        else:
            rules.append(RuleSpec(rule.name, rule.description, rule.engine, check=dict(rule.implementation)))
    return rules


DATASET = "dataset:"  # prefix of the dataset-level rules Great Expectations checks per partition
RECORD_DAY = "__record_day"  # a record's own local date (of its partition column), while it is validated


def record_day(spec: Contract) -> pl.Expr:
    """A record's own local date: the date of the contract's partition column."""
    return pl.col(spec.partition_column).dt.date()


def record_key(spec: Contract) -> list[str]:
    """What tells a partition's records apart: the contract's unique key, on the record's own day."""
    return ["partition_key", *([RECORD_DAY] if spec.partition_column else []), *spec.unique_key]


def file_span_days(spec: Contract) -> int | None:
    """How many days before its file's day a record may lie (the contract's rule not_long_before_file_day); None
    when the contract has no such rule."""
    rule = next((r for r in rules_for(spec) if r.check and r.check.get("check") == "not_long_before_file_day"), None)
    return int(rule.check["days"]) if rule else None


def run_day(spec: Contract) -> date | None:
    """Today on the clock the contract's not_in_future rule judges by (None without the rule)."""
    future = _future_rule(spec)
    return local_now(float(future.check["latest_utc_offset_hours"])).date() if future is not None else None


def placeable_days(spec: Contract, days: tuple[date, ...]) -> tuple[date, ...]:
    """The days a file dated by its records is placed on, of its records' `days` (sorted): none after the run and
    none further than the not_long_before_file_day span before the latest of those. A record of another day (a
    mistyped year, either way) goes to that latest day, where those two rules quarantine it (ingest.py)."""
    today = run_day(spec)
    kept = tuple(day for day in days if today is None or day <= today) or days
    span = file_span_days(spec)
    if kept and span is not None:
        kept = tuple(day for day in kept if day >= kept[-1] - timedelta(days=span))
    return kept


def _future_rule(spec: Contract) -> RuleSpec | None:
    return next((r for r in rules_for(spec) if r.check and r.check.get("check") == "not_in_future"), None)


def dataset_rules(spec: Contract) -> list[RuleSpec]:
    """Dataset-level expectations per partition, from the contract: what the loaded rows of a day must satisfy.

    Checked by Great Expectations on one row per partition (its loaded rows' key duplicates, latest time and values
    outside each enum), so its cost does not grow with the rows; the row-level pass (row_rules.py) is what
    quarantines, and these confirm independently what was loaded.
    """
    rules = []
    if spec.unique_key:
        rules.append(
            RuleSpec(
                f"{DATASET}unique_key",
                f"the loaded rows of a partition have one row per {', '.join(spec.unique_key)}"
                + (f" on a day of {spec.partition_column}" if spec.partition_column else ""),
                "great_expectations",
                "ExpectColumnValuesToBeBetween",
                {"column": "loaded_duplicate_keys", "min_value": 0, "max_value": 0},
            )
        )
    if _future_rule(spec) is not None:
        rules.append(
            RuleSpec(
                f"{DATASET}not_in_future",
                "no loaded time of a partition lies after the run (on the contract's latest clock)",
                "great_expectations",
                "ExpectColumnValuesToBeBetween",
                {"column": "loaded_minutes_after_run", "max_value": 0},
            )
        )
    for col in spec.columns:
        if col.allowed and col.name in spec.stored_schema:
            rules.append(
                RuleSpec(
                    f"{DATASET}in_set:{col.name}",
                    f"every loaded {col.name} of a partition is one of the contract's values",
                    "great_expectations",
                    "ExpectColumnValuesToBeBetween",
                    {"column": f"loaded_outside_set:{col.name}", "min_value": 0, "max_value": 0},
                )
            )
    return rules


@cache
def judged_datasets() -> tuple[str, ...]:
    """The sources whose contracts have dataset-level rules for Great Expectations to judge."""
    return tuple(d for d in SOURCE_DATASETS.values() if dataset_rules(contract(d)))


def partition_figures(marked: pl.DataFrame, spec: Contract) -> pl.DataFrame | None:
    """One row per partition of `marked` (loaded rows or not): the figures the dataset rules judge; None when the
    contract has no dataset rule."""
    if not dataset_rules(spec):
        return None
    loaded = marked.filter(pl.col("violations").list.len() == 0)
    return _partition_summary(loaded, marked.get_column("partition_key"), spec)


def _partition_summary(loaded: pl.DataFrame, keys: pl.Series, spec: Contract) -> pl.DataFrame:
    """One row per partition (every key in `keys`, loaded rows or not): the figures the dataset rules judge."""
    figures = [pl.len().alias("rows_loaded")]
    if spec.unique_key:
        key = pl.struct([*spec.unique_key, *([record_day(spec)] if spec.partition_column else [])])
        figures.append((pl.len() - key.n_unique()).alias("loaded_duplicate_keys"))
    future = _future_rule(spec)
    if future is not None:
        now = local_now(float(future.check["latest_utc_offset_hours"]))
        latest = pl.max_horizontal([_latest_time(c, loaded.schema[c]) for c in future.check["columns"]]).max()
        figures.append(((latest - pl.lit(now)).dt.total_seconds() / 60).alias("loaded_minutes_after_run"))
    for col in spec.columns:
        if col.allowed and col.name in spec.stored_schema:
            values = pl.Series(list(col.allowed), dtype=spec.stored_schema[col.name], strict=False).implode()
            outside = (pl.col(col.name).is_not_null() & pl.col(col.name).is_in(values).not_()).sum()
            figures.append(outside.alias(f"loaded_outside_set:{col.name}"))
    summary = loaded.group_by("partition_key").agg(figures)
    # A partition with no loaded row has no figures (null): Great Expectations passes a missing value.
    every = pl.DataFrame({"partition_key": keys.unique(maintain_order=True)}, schema={"partition_key": pl.String})
    return every.join(summary, on="partition_key", how="left").with_columns(pl.col("rows_loaded").fill_null(0))


def dataset_results(spec: Contract, summary: pl.DataFrame) -> list[dict]:
    """Great Expectations judges the partitions' figures (`partition_figures`): one call for all of them
    (gx_checks.py); a result per partition and rule, as the row rules' results."""
    rules = dataset_rules(spec)
    if not rules or summary.is_empty():
        return []
    failing = gx_checks.failing_partitions(spec.name, summary)
    out = []
    for row in summary.iter_rows(named=True):
        for rule in rules:
            column = rule.kwargs["column"]
            failed = row["partition_key"] in failing.get(rule.name, ())
            figure = row.get(column)
            out.append(
                {
                    "partition_key": row["partition_key"],
                    "rule": rule.name,
                    "engine": rule.engine,
                    "description": rule.description,
                    "evaluated": row["rows_loaded"] or 0,
                    "failed": (max(1, int(figure)) if figure is not None else 1) if failed else 0,
                    "examples": [f"{column}={figure}"] if failed else [],
                }
            )
    return out


def local_now(utc_offset_hours: float) -> datetime:
    """Wall-clock time now at a UTC offset, naive like the landed local timestamps."""
    return datetime.now(timezone(timedelta(hours=utc_offset_hours))).replace(tzinfo=None)


def _latest_time(column: str, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.List):  # a status history: its latest change
        return pl.col(column).list.eval(pl.element().struct.field("at")).list.max()
    return pl.col(column).cast(pl.Datetime("us"))


def _mutu_failure(rule: RuleSpec, rows: pl.DataFrame, units: pl.DataFrame, services: pl.DataFrame) -> pl.Series:
    """Boolean per row: True where the row breaks a rule that needs joins or whole-file context."""
    return rows.select(_mutu_expr(rule, rows, units, services).alias(rule.name)).to_series()


def _mutu_expr(rule: RuleSpec, rows: pl.DataFrame, units: pl.DataFrame, services: pl.DataFrame) -> pl.Expr:
    """The rule as an expression over `rows` (True where a row breaks it), to be evaluated with the others at once."""
    check = rule.check["check"]
    if check == "not_in_future":
        now = local_now(float(rule.check["latest_utc_offset_hours"]))
        late = [(_latest_time(c, rows.schema[c]) > now) for c in rule.check["columns"]]
        return pl.any_horizontal(late).fill_null(False)
    if check == "not_long_before_file_day":
        # A file named by a day lands every record on that day's partition (partition_key) and keeps its own date.
        file_day = pl.col("partition_key").str.to_date()
        earliest = file_day - pl.duration(days=int(rule.check["days"]))
        return (pl.col(rule.check["column"]).dt.date() < earliest).fill_null(False)
    if check == "items_in_set":
        column, item = rule.check["column"], rule.check["field"]
        unknown = (
            pl.col(column).list.eval(pl.element().struct.field(item).is_in(rule.check["values"]).not_()).list.any()
        )
        return unknown.fill_null(False)
    if check == "reference":
        known = units.get_column("unit_id").unique()
        return ~pl.all_horizontal([pl.col(c).is_in(known.implode()) for c in rule.check["columns"]]).fill_null(False)
    if check == "service_standard":
        # A join, not a row expression: the rows with a standard in force on their day, found set-based first.
        day = rows.select(pl.col(rule.check["date_column"]).dt.date().alias("day"), "__rid", "unit_id", "service_code")
        valid = day.join(
            services.select("unit_id", "service_code", "valid_from", "valid_to"),
            on=["unit_id", "service_code"],
            how="inner",
        ).filter(
            (pl.col("valid_from") <= pl.col("day"))
            & (pl.col("valid_to").is_null() | (pl.col("day") <= pl.col("valid_to")))
        )
        ok = rows["__rid"].is_in(valid["__rid"].implode())
        # A row with no service code is judged by not_null:service_code where the contract requires it.
        return pl.lit(~ok) & pl.col("service_code").is_not_null()
    if check == "required_when":
        ((column, value),) = rule.check["when"].items()
        missing = pl.any_horizontal([pl.col(c).is_null() for c in rule.check["columns"]])
        return ((pl.col(column) == value) & missing).fill_null(False)
    if check == "null_when":
        ((column, value),) = rule.check["when"].items()
        present = pl.any_horizontal([pl.col(c).is_not_null() for c in rule.check["columns"]])
        return ((pl.col(column) == value) & present).fill_null(False)
    if check == "constant_per_file":
        # n_unique counts a missing value as one more value, as the group-by it replaces did.
        return pl.any_horizontal([pl.col(c).n_unique().over("source_file") > 1 for c in rule.check["columns"]])
    if check == "status_history":
        history = pl.col("status_history")
        first_status = history.list.first().struct.field("status")
        first_at = history.list.first().struct.field("at")
        min_step = history.list.eval(pl.element().struct.field("at").diff().dt.total_seconds().min()).list.first()
        bad = (first_status != "received") | (first_at != pl.col("submitted_at")) | (min_step.fill_null(0) < 0)
        return bad.fill_null(True)
    raise ValueError(f"contract rule {rule.name}: unknown mutu check {check!r}")


def _duplicates(rows: pl.DataFrame, spec: Contract) -> tuple[pl.Series, pl.Series, pl.Series]:
    """(exact duplicate of an earlier row, same key with different content, an earlier version of a record).

    A record that could not be read has no values to compare: it is never a duplicate, nor a key. A row
    with a value that did not parse is compared on its raw text too, since its typed value is null. Where the
    contract says what orders a record's versions (`versioned_by`), rows of one key from two or more files are no
    conflict when one of them is the one latest version: it is kept, the others are superseded.
    """
    readable = ~pl.col("violations").list.eval(pl.element().str.starts_with("unreadable:")).list.any().fill_null(False)
    raw = pl.when(pl.col("violations").list.len() > 0).then(pl.col("raw_json")).alias("__raw")
    content = pl.struct(pl.col("partition_key", *spec.stored_schema), raw)
    exact = rows.select((readable & content.is_first_distinct().over(readable).not_()).alias("dup"))["dup"]
    nothing = pl.Series([False] * rows.height, dtype=pl.Boolean)
    if not spec.unique_key:
        return exact, nothing, nothing
    key = record_key(spec)
    # A row without its key is judged by not_null on the key columns, not as a conflict; nor is one without its day
    # (a date that did not parse: quarantined for it), which a file dated by its records leaves on its first day,
    # among that day's own keys.
    keyed = rows.filter(
        ~exact & rows.select(readable & pl.all_horizontal(pl.col(k).is_not_null() for k in key)).to_series()
    )
    counts = keyed.group_by(key).agg(pl.len().alias("n")).filter(pl.col("n") > 1)
    joined = rows.select(*key, readable.alias("__readable")).join(counts, on=key, how="left", maintain_order="left")
    conflict = joined["n"].is_not_null() & joined["__readable"] & ~exact
    if spec.versioned_by is None or not conflict.any():
        return exact, conflict, nothing
    versions = _versions(rows, spec, key, conflict)
    latest = versions["__latest"].fill_null(False)
    superseded = versions["__earlier"].fill_null(False)
    return exact, conflict & ~latest & ~superseded, superseded


def _versions(rows: pl.DataFrame, spec: Contract, key: list[str], conflict: pl.Series) -> pl.DataFrame:
    """Per row, whether it is the one latest version of its key (from two or more files), or an earlier one."""
    column = pl.col(spec.versioned_by)
    if isinstance(rows.schema[spec.versioned_by], pl.List):
        column = column.list.eval(pl.element().struct.field("at")).list.max()
    candidates = rows.select(*key, "source_file", column.alias("__version")).with_columns(conflict.alias("__c"))
    groups = (
        candidates.filter(pl.col("__c"))
        .group_by(key)
        .agg(
            pl.len().alias("__rows"),
            pl.col("source_file").n_unique().alias("__files"),
            pl.col("__version").null_count().alias("__unversioned"),
            pl.col("__version").max().alias("__max"),
            (pl.col("__version") == pl.col("__version").max()).sum().alias("__at_max"),
        )
        # One row per file, every row with a version, one latest: otherwise the key stays a conflict.
        .filter(
            (pl.col("__files") > 1)
            & (pl.col("__rows") == pl.col("__files"))
            & (pl.col("__unversioned") == 0)
            & (pl.col("__at_max") == 1)
        )
    )
    return candidates.join(groups, on=key, how="left", maintain_order="left").select(
        (pl.col("__c") & (pl.col("__version") == pl.col("__max"))).alias("__latest"),
        (pl.col("__c") & (pl.col("__version") < pl.col("__max"))).alias("__earlier"),
    )


@dataclass
class Validated:
    rows: pl.DataFrame  # input rows with `violations` extended
    # One per row rule and partition: partition_key, rule, engine, description, evaluated, failed, examples.
    results: list[dict]
    figures: pl.DataFrame | None  # per partition, what the dataset rules judge (partition_figures)


def _as_referenced(rows: pl.DataFrame, units: pl.DataFrame, services: pl.DataFrame) -> pl.DataFrame:
    """Unit and service codes in the reference data's spelling where they match one of its codes in any case
    (`dkp-3171`, `Ktp`; vocabularies.respelled, the one matching rule): the duplicate, reference and service-standard
    rules then judge the codes they stand for. A code two reference codes share once normalised stays as landed."""
    respelled_codes = []
    for column, reference in (("unit_id", units), ("service_code", services)):
        if column not in rows.columns or column not in reference.columns:
            continue
        folded: dict[str, set[str]] = {}
        for code in reference.get_column(column).drop_nulls().unique():
            folded.setdefault(normalise(code), set()).add(code)
        spellings = {form: codes.pop() for form, codes in folded.items() if len(codes) == 1}
        respelled_codes.append(respelled(pl.col(column), spellings).alias(column))
    return rows.with_columns(respelled_codes) if respelled_codes else rows


def validate(rows: pl.DataFrame, spec: Contract, units: pl.DataFrame, services: pl.DataFrame) -> Validated:
    """Mark rows of one or more partitions; rows carry `partition_key`, and keys are unique per partition."""
    rows = _as_referenced(rows.with_row_index("__rid"), units, services)
    if spec.partition_column:
        rows = rows.with_columns(record_day(spec).alias(RECORD_DAY))
    marks: dict[str, pl.Series] = {}
    # Before the next step: an unreadable value still tells rows apart.
    exact, conflict, superseded = _duplicates(rows, spec)
    marks["exact_duplicate"], marks["key_conflict"] = exact, conflict
    if spec.versioned_by is not None:
        marks["superseded"] = superseded
    # A set_null column's value that does not read as its type is already NULL: a finding, not a quarantine.
    soft_types = {f"type:{c.name}": c.name for c in spec.columns if c.on_invalid == "set_null"}
    if soft_types:
        # Only where nothing else is wrong with the row: a quarantined row keeps every reason.
        all_soft = pl.col("violations").list.eval(pl.element().is_in(list(soft_types))).list.all()
        only_soft = rows.select((pl.col("violations").list.len() > 0) & all_soft).to_series()
        for rule in soft_types:
            marks[rule] = rows["violations"].list.contains(rule) & only_soft & ~exact
        emptied = pl.when(only_soft).then(pl.lit([], pl.List(pl.String))).otherwise(pl.col("violations"))
        rows = rows.with_columns(emptied.alias("violations"))
    parsed_ok = rows["violations"].list.len() == 0
    # Every row rule in one pass: column and pair rules among the rows judged, the others among readable rows.
    compiled = [(r.name, r.expectation, r.kwargs) for r in rules_for(spec) if r.engine == "great_expectations"]
    judged = rows.with_columns(
        (parsed_ok & ~exact & ~conflict & ~superseded).alias(row_rules.CANDIDATE), (parsed_ok & ~exact).alias("__ok")
    )
    others = [
        (_mutu_expr(rule, rows, units, services) & pl.col("__ok")).alias(rule.name)
        for rule in rules_for(spec)
        if rule.engine != "great_expectations"
    ]
    row_marks = judged.select(*row_rules.marks(compiled, judged.schema), *others)
    for rule in rules_for(spec):
        marks[rule.name] = row_marks.get_column(rule.name)
    names = list(marks)
    set_null = {r.name: r.set_null for r in rules_for(spec) if r.set_null} | soft_types
    flags = pl.DataFrame({f"__m{i}": marks[n] for i, n in enumerate(names)})
    quarantining = [i for i, n in enumerate(names) if n not in set_null]
    extra = pl.concat_list([pl.when(pl.col(f"__m{i}")).then(pl.lit(names[i])) for i in quarantining]).list.drop_nulls()
    nulled: dict[str, list[str]] = {}
    for i, n in enumerate(names):
        if n in set_null:
            nulled.setdefault(set_null[n], []).append(f"__m{i}")
    cleared = [pl.when(pl.any_horizontal(m)).then(None).otherwise(pl.col(c)).alias(c) for c, m in nulled.items()]
    flagged = pl.concat([rows, flags], how="horizontal")
    marked = flagged.with_columns(*cleared)
    if quarantining:
        hit = pl.any_horizontal([pl.col(f"__m{i}") for i in quarantining])
        extended = pl.concat_list([pl.col("violations"), extra])
        marked = row_rules.violations_where(marked, "__rid", hit, extended, pl.col("violations"))
    marked = marked.drop("__rid", RECORD_DAY, *flags.columns, strict=False)
    return Validated(
        rows=marked, results=_results(flagged, names, spec, parsed_ok), figures=partition_figures(marked, spec)
    )


def _results(flagged: pl.DataFrame, names: list[str], spec: Contract, parsed_ok: pl.Series) -> list[dict]:
    # Column rules are named as Great Expectations expectations in the contract and evaluated in Polars (row_rules.py).
    descriptions = {r.name: ("polars" if r.expectation else r.engine, r.description) for r in rules_for(spec)}
    descriptions["exact_duplicate"] = ("mutu", "exact duplicate of an earlier row (dropped)")
    descriptions["key_conflict"] = ("mutu", f"same {', '.join(spec.unique_key)} with different content")
    descriptions["superseded"] = (  # contracts with versioned_by only
        "mutu",
        f"an earlier version of a record another export holds later (same {', '.join(spec.unique_key)}, "
        f"its latest {spec.versioned_by} earlier)",
    )
    for col in spec.columns:
        if col.on_invalid == "set_null":
            unreadable = "value could not be read as the contract type" + SET_NULL_NOTE
            descriptions[f"type:{col.name}"] = ("parser", unreadable)
    totals = flagged.group_by("partition_key", maintain_order=True).agg(
        pl.len().alias("__n"), *[pl.col(f"__m{i}").sum() for i in range(len(names))]
    )
    # Examples come from the rows some rule marked: a filter of the whole batch per partition and rule was not cheap.
    failing = flagged.filter(pl.any_horizontal([pl.col(f"__m{i}") for i in range(len(names))])) if names else flagged
    out = []
    for row in totals.iter_rows(named=True):
        pk = row["partition_key"]
        for i, rule in enumerate(names):
            engine, description = descriptions[rule]
            failed = row[f"__m{i}"]
            examples = (
                _examples(failing.filter((pl.col("partition_key") == pk) & pl.col(f"__m{i}")), rule) if failed else []
            )
            out.append(
                {
                    "partition_key": pk,
                    "rule": rule,
                    "engine": engine,
                    "description": description,
                    "evaluated": row["__n"],
                    "failed": failed,
                    "examples": examples,
                }
            )
    evaluated = dict(totals.select("partition_key", "__n").iter_rows())
    parse_failures = (
        flagged.filter(~parsed_ok)
        .select("partition_key", pl.col("violations").alias("rule"))
        .explode("rule")
        .group_by("partition_key", "rule", maintain_order=True)
        .agg(pl.len().alias("failed"))
    )
    recorded = {(r["partition_key"], r["rule"]): r for r in out}
    for pk, rule, failed in parse_failures.iter_rows():
        if (pk, rule) in recorded:  # a set_null column's type rule: rows loaded and rows quarantined together
            recorded[(pk, rule)]["failed"] += failed
            continue
        description = "value could not be read as the contract type" if rule.startswith("type:") else rule
        out.append(
            {
                "partition_key": pk,
                "rule": rule,
                "engine": "parser",
                "description": description,
                "evaluated": evaluated[pk],
                "failed": failed,
                "examples": [],
            }
        )
    return out


def _examples(failing: pl.DataFrame, rule: str) -> list[str]:
    """A few failing values for an operator; raw_json is already scrubbed of personal data."""
    column = rule.split(":", 1)[1] if ":" in rule else None
    if rule.startswith("type:") and column:
        # The typed value is NULL: show the value as landed.
        return [str(v) for v in failing.get_column("raw_json").str.json_path_match(f"$.{column}").head(5).to_list()]
    if column and column in failing.columns:
        return [str(v) for v in failing.get_column(column).head(5).to_list()]
    return [f"{f}:{r}" for f, r in failing.select("source_file", "source_row").head(5).iter_rows()]
