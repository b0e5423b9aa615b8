"""Validate parsed rows against their contract; mark every row with the rules it breaks.

Column rules and the contract's pair rules run in Great Expectations 1.x on a pandas frame converted
from Arrow (GX 1.x has no Polars engine and cannot validate DuckDB through SQLAlchemy). Rules that
need the reference data or whole-file context (engine `mutu` in the contract) run in Polars.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from typing import Any

import polars as pl

from pipelines.contracts import Contract

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # offline: no usage statistics (DESIGN property 6)


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
        # Keys are unique within a daily partition (ticket numbers restart every day); a later
        # partition restating a key replaces it in core.
        key = ["partition_key", *spec.unique_key]
        rules.append(
            RuleSpec(
                "unique_key",
                f"one row per {', '.join(key)}",
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


@cache
def _gx_context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("mutu")
        .add_dataframe_asset("partition")
        .add_batch_definition_whole_dataframe("all")
    )
    return context, batch_definition


@cache
def _suite(name: str):
    import great_expectations as gx

    from pipelines.contracts import contract

    spec = contract(name)
    context, _ = _gx_context()
    suite = gx.ExpectationSuite(name=spec.name)
    for rule in rules_for(spec):
        if rule.engine == "great_expectations":
            suite.add_expectation(getattr(gx.expectations, rule.expectation)(**rule.kwargs, meta={"rule": rule.name}))
    return context.suites.add(suite)


def _gx_failures(rows: pl.DataFrame, spec: Contract) -> dict[str, list[int]]:
    """Run the contract's GX suite; return rule name -> failing source rows (by the frame's __rid)."""
    _, batch_definition = _gx_context()
    scalar = [c for c, t in rows.schema.items() if not isinstance(t, pl.List)]
    frame = rows.select(scalar).to_pandas()
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        _suite(spec.name),
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ["__rid"],
            "return_unexpected_index_query": False,
        },
    )
    failures: dict[str, list[int]] = {}
    for outcome in result.results:
        rule = outcome.expectation_config.meta["rule"]
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"Great Expectations could not evaluate rule {rule} of contract {spec.name}: {outcome.exception_info.get('exception_message')}"
            )
        if not outcome.success:
            failures[rule] = [int(i["__rid"]) for i in outcome.result.get("unexpected_index_list") or []]
    return failures


def local_now(utc_offset_hours: float) -> datetime:
    """Wall-clock time now at a UTC offset, naive like the landed local timestamps."""
    return datetime.now(timezone(timedelta(hours=utc_offset_hours))).replace(tzinfo=None)


def _latest_time(column: str, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.List):  # a status history: its latest change
        return pl.col(column).list.eval(pl.element().struct.field("at")).list.max()
    return pl.col(column).cast(pl.Datetime("us"))


def _mutu_failure(rule: RuleSpec, rows: pl.DataFrame, units: pl.DataFrame, services: pl.DataFrame) -> pl.Series:
    """Boolean per row: True where the row breaks a rule that needs joins or whole-file context."""
    check = rule.check["check"]
    if check == "not_in_future":
        now = local_now(float(rule.check["latest_utc_offset_hours"]))
        late = [(_latest_time(c, rows.schema[c]) > now) for c in rule.check["columns"]]
        return rows.select(pl.any_horizontal(late).fill_null(False)).to_series()
    if check == "items_in_set":
        column, item = rule.check["column"], rule.check["field"]
        unknown = (
            pl.col(column).list.eval(pl.element().struct.field(item).is_in(rule.check["values"]).not_()).list.any()
        )
        return rows.select(unknown.fill_null(False)).to_series()
    if check == "reference":
        known = units.get_column("unit_id").unique()
        return rows.select(
            ~pl.all_horizontal([pl.col(c).is_in(known.implode()) for c in rule.check["columns"]]).fill_null(False)
        ).to_series()
    if check == "service_standard":
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
        return ~ok & rows["service_code"].is_not_null()
    if check == "required_when":
        ((column, value),) = rule.check["when"].items()
        missing = pl.any_horizontal([pl.col(c).is_null() for c in rule.check["columns"]])
        return rows.select(((pl.col(column) == value) & missing).fill_null(False)).to_series()
    if check == "null_when":
        ((column, value),) = rule.check["when"].items()
        present = pl.any_horizontal([pl.col(c).is_not_null() for c in rule.check["columns"]])
        return rows.select(((pl.col(column) == value) & present).fill_null(False)).to_series()
    if check == "constant_per_file":
        per_file = rows.group_by("source_file").agg([pl.col(c).n_unique().alias(c) for c in rule.check["columns"]])
        mixed = per_file.filter(pl.any_horizontal([pl.col(c) > 1 for c in rule.check["columns"]]))["source_file"]
        return rows["source_file"].is_in(mixed.implode())
    if check == "status_history":
        history = rows.select(
            pl.col("status_history").list.first().struct.field("status").alias("first_status"),
            pl.col("status_history").list.first().struct.field("at").alias("first_at"),
            pl.col("status_history")
            .list.eval(pl.element().struct.field("at").diff().dt.total_seconds().min())
            .list.first()
            .alias("min_step"),
            pl.col("submitted_at"),
        )
        bad = (
            (history["first_status"] != "received")
            | (history["first_at"] != history["submitted_at"])
            | (history["min_step"].fill_null(0) < 0)
        )
        return bad.fill_null(True)
    raise ValueError(f"contract rule {rule.name}: unknown mutu check {check!r}")


def _duplicates(rows: pl.DataFrame, spec: Contract) -> tuple[pl.Series, pl.Series]:
    """(exact duplicate of an earlier row, same key with different content).

    A record that could not be read has no values to compare: it is never a duplicate, nor a key. A row
    with a value that did not parse is compared on its raw text too, since its typed value is null.
    """
    readable = ~pl.col("violations").list.eval(pl.element().str.starts_with("unreadable:")).list.any().fill_null(False)
    raw = pl.when(pl.col("violations").list.len() > 0).then(pl.col("raw_json")).alias("__raw")
    content = pl.struct(pl.col("partition_key", *spec.stored_schema), raw)
    exact = rows.select((readable & content.is_first_distinct().over(readable).not_()).alias("dup"))["dup"]
    if not spec.unique_key:
        return exact, pl.Series([False] * rows.height)
    key = ["partition_key", *spec.unique_key]
    # A row without its key is judged by not_null on the key columns, not as a conflict.
    keyed = rows.filter(
        ~exact & rows.select(readable & pl.all_horizontal(pl.col(k).is_not_null() for k in key)).to_series()
    )
    counts = keyed.group_by(key).agg(pl.len().alias("n")).filter(pl.col("n") > 1)
    joined = rows.select(*key, readable.alias("__readable")).join(counts, on=key, how="left", maintain_order="left")
    conflict = joined["n"].is_not_null() & joined["__readable"] & ~exact
    return exact, conflict


@dataclass
class Validated:
    rows: pl.DataFrame  # input rows with `violations` extended
    results: list[
        dict
    ]  # one per rule and partition: partition_key, rule, engine, description, evaluated, failed, examples


def validate(rows: pl.DataFrame, spec: Contract, units: pl.DataFrame, services: pl.DataFrame) -> Validated:
    """Mark rows of one or more partitions; rows carry `partition_key`, and keys are unique per partition.

    Several partitions are validated together because Great Expectations' cost is mostly per call.
    """
    rows = rows.with_row_index("__rid")
    marks: dict[str, pl.Series] = {}
    exact, conflict = _duplicates(rows, spec)  # before the next step: an unreadable value still tells rows apart
    marks["exact_duplicate"], marks["key_conflict"] = exact, conflict
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
    candidates = rows.filter(parsed_ok & ~exact & ~conflict)
    failures = _gx_failures(candidates, spec) if candidates.height else {}
    for rule in rules_for(spec):
        if rule.engine == "great_expectations":
            marks[rule.name] = rows["__rid"].is_in(
                pl.Series(failures.get(rule.name, []), dtype=rows["__rid"].dtype).implode()
            )
        else:
            marks[rule.name] = _mutu_failure(rule, rows, units, services) & parsed_ok & ~exact
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
    marked = flagged.with_columns(pl.concat_list([pl.col("violations"), extra]).alias("violations"), *cleared)
    marked = marked.drop("__rid", *flags.columns)
    return Validated(rows=marked, results=_results(flagged, names, spec, parsed_ok))


def _results(flagged: pl.DataFrame, names: list[str], spec: Contract, parsed_ok: pl.Series) -> list[dict]:
    descriptions = {r.name: (r.engine, r.description) for r in rules_for(spec)}
    descriptions["exact_duplicate"] = ("mutu", "exact duplicate of an earlier row (dropped)")
    descriptions["key_conflict"] = ("mutu", f"same {', '.join(spec.unique_key)} with different content")
    for col in spec.columns:
        if col.on_invalid == "set_null":
            unreadable = "value could not be read as the contract type" + SET_NULL_NOTE
            descriptions[f"type:{col.name}"] = ("parser", unreadable)
    totals = flagged.group_by("partition_key").agg(
        pl.len().alias("__n"), *[pl.col(f"__m{i}").sum() for i in range(len(names))]
    )
    out = []
    for row in totals.iter_rows(named=True):
        pk = row["partition_key"]
        for i, rule in enumerate(names):
            engine, description = descriptions[rule]
            failed = row[f"__m{i}"]
            examples = (
                _examples(flagged.filter((pl.col("partition_key") == pk) & pl.col(f"__m{i}")), rule) if failed else []
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
        .select("partition_key", pl.col("violations").explode().alias("rule"))
        .group_by("partition_key", "rule")
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
