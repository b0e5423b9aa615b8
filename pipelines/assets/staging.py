"""Staging layer: landed rows parsed with their profile, validated against the contract, pseudonymised.

Daily-partitioned by the unit's local date; a backfill runs as one run per batch. Checks sit beside
the assets: contract rules (warn: failing rows are quarantined, not loaded) and row accounting
(blocking: a file whose rows do not add up must not reach the marts).
"""

import re
import warnings
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    BackfillPolicy,
    Backoff,
    DagsterInstance,
    DynamicPartitionsDefinition,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    asset,
    multi_asset,
)

from pipelines import lake
from pipelines.assets.landing import landing_key
from pipelines.assets.markdown import markdown
from pipelines.assets.results import materialized
from pipelines.changes import accounting_rows, dated_by_records
from pipelines.contracts import contract
from pipelines.freshness import MAX_SILENT_WORKDAYS, silent_units
from pipelines.ingest import IngestReport, ingest_reference, ingest_source_partitions, record_unassigned
from pipelines.landing import REFERENCE_DATASETS, by_partition, scan
from pipelines.planning import stale_in_run
from pipelines.profiles import SOURCE_DATASETS
from pipelines.resources import MutuResource
from pipelines.stage_timer import step_metadata
from pipelines.validation import rules_for

# `backfill_policy` is a beta parameter of `@asset` in Dagster 1.13: the warning it raises at every load of the
# definitions (the UI, the daemon's code server) tells an operator nothing to act on.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy` of function `asset` is currently in beta")
daily_partitions = DynamicPartitionsDefinition(name="local_date")
# A locked or briefly unavailable file is the usual transient failure; retry with back-off.
transient_retry = RetryPolicy(max_retries=2, delay=2, backoff=Backoff.EXPONENTIAL)
ACCOUNTING_CHECK = "row_accounting_balanced"
DRIFT_CHECK = "no_schema_drift"
FRESHNESS_CHECK = "units_reporting"


def check_name(rule: str) -> str:
    return re.sub(r"\W", "_", rule)


def contract_check_names(dataset: str) -> list[str]:
    named = [r.name for r in rules_for(contract(dataset)) if ":" not in r.name]
    return ["column_rules", "values_parse", "no_duplicates", *named]


def _check_specs(dataset: str, key: AssetKey) -> list[AssetCheckSpec]:
    freshness = (
        [
            AssetCheckSpec(
                FRESHNESS_CHECK,
                asset=key,
                description="Every unit's queue data keeps arriving "
                f"(no unit silent for more than {MAX_SILENT_WORKDAYS} working days).",
            )
        ]
        if dataset == "queue_tickets"
        else []
    )
    specs = [
        *freshness,
        AssetCheckSpec(
            ACCOUNTING_CHECK,
            asset=key,
            blocking=True,
            description="Per file: rows in = rows loaded + rows quarantined.",
        ),
        AssetCheckSpec(
            DRIFT_CHECK, asset=key, description="Landed files have the columns and types their profile expects."
        ),
    ]
    descriptions = {r.name: r.description for r in rules_for(contract(dataset))}
    descriptions |= {
        "column_rules": "Column rules of the contract: required, allowed values, ranges, patterns.",
        "values_parse": "Every value reads as its contract type.",
        "no_duplicates": "No exact duplicate rows and no key with two different contents.",
    }
    for name in contract_check_names(dataset):
        specs.append(AssetCheckSpec(check_name(name), asset=key, description=descriptions.get(name, name)))
    return specs


def _group(rule: str) -> str:
    if rule.startswith("type:") or rule.startswith("unreadable:"):
        return "values_parse"
    if rule in ("exact_duplicate", "key_conflict", "superseded"):
        return "no_duplicates"
    if ":" in rule:
        return "column_rules"
    return rule


def _action(dataset: str, rules: dict[str, int]) -> str:
    # Columns with onInvalid: set_null load a failing value as NULL: their rows are not in the quarantine.
    soft = {c.name for c in contract(dataset).columns if c.on_invalid == "set_null"}
    nulled = {rule: rule.split(":", 1)[1] for rule in rules if ":" in rule and rule.split(":", 1)[1] in soft}
    said = ["failing rows are in audit.quarantine with their source file and row"] if set(rules) - set(nulled) else []
    if nulled:
        columns = ", ".join(sorted(set(nulled.values())))
        said.append(
            f"{columns}: values that broke their rule loaded as NULL with the row (examples in "
            f"audit.validation_results)"
        )
    return "; ".join(said) or "none"


def check_results(dataset: str, key: AssetKey, reports: list[IngestReport]) -> list[AssetCheckResult]:
    failed: dict[str, dict[str, int]] = {}
    examples: dict[str, list[str]] = {}
    for report in reports:
        for result in report.results:
            if result["rows_failed"]:
                group = _group(result["rule"])
                failed.setdefault(group, {})[result["rule"]] = (
                    failed.get(group, {}).get(result["rule"], 0) + result["rows_failed"]
                )
                examples.setdefault(group, []).extend(
                    f"{report.partition_key} {result['rule']}: {e}" for e in result["examples"][:2]
                )
    out = []
    unbalanced = [r.partition_key for r in reports if r.rows_in != r.rows_loaded + r.rows_quarantined]
    out.append(
        AssetCheckResult(
            asset_key=key,
            check_name=ACCOUNTING_CHECK,
            passed=not unbalanced,
            severity=AssetCheckSeverity.ERROR,
            metadata={"partitions": len(reports), "unbalanced_partitions": ", ".join(unbalanced) or "none"},
        )
    )
    drift = [f"{r.partition_key} {d}" for r in reports for d in r.drift]
    out.append(
        AssetCheckResult(
            asset_key=key,
            check_name=DRIFT_CHECK,
            passed=not drift,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "findings": len(drift),
                "examples": MetadataValue.json(drift[:10]),
                "action": "update the source profile or ask the vendor" if drift else "none",
            },
        )
    )
    for name in contract_check_names(dataset):
        rules = failed.get(name, {})
        out.append(
            AssetCheckResult(
                asset_key=key,
                check_name=check_name(name),
                passed=not rules,
                severity=AssetCheckSeverity.WARN,
                metadata={
                    "rows_failed": sum(rules.values()),
                    "failed_rules": MetadataValue.json(rules),
                    "examples": MetadataValue.json(examples.get(name, [])[:10]),
                    "action": _action(dataset, rules),
                },
            )
        )
    return out


def _definition_metadata(dataset: str) -> dict:
    # The contract's columns belong to the asset, not to each materialization: a backfill stores one event per
    # partition, and the schema was 60 % of each (6.8 KB of 11.9 KB for a survey day, written three times).
    return {"dagster/column_schema": contract(dataset).table_schema()}


def _partition_metadata(
    context: AssetExecutionContext, lake_dir: Path, dataset: str, reports: list[IngestReport]
) -> None:
    """Each day's materialization says what that day holds. A run's range may hold days this source did not stage
    (another source's stale days between its own): Dagster records them as materialized all the same, so they say
    so, with the rows they kept."""
    staged = {r.partition_key: r for r in reports}
    for key in context.partition_keys:
        context.add_asset_metadata(_day_metadata(lake_dir, dataset, key, staged.get(key)), partition_key=key)


@contextmanager
def _partitions_read_once(instance: DagsterInstance):
    """Dagster checks each call adding a partition's metadata against the dynamic partitions in its storage, three
    queries a call (0.3 s for a year of one asset's days); the run's own days stay while its step runs."""
    names = ("get_dynamic_partitions", "has_dynamic_partition")
    before = {name: vars(instance).get(name) for name in names}  # set on the object by someone else, if at all
    for name in names:
        setattr(instance, name, cache(getattr(instance, name)))
    try:
        yield
    finally:
        for name, method in before.items():
            if method is None:
                delattr(instance, name)
            else:
                setattr(instance, name, method)


def _day_metadata(lake_dir: Path, dataset: str, key: str, report: IngestReport | None) -> dict:
    """A day's figures; a day in the run's range this source did not stage says so, with the rows it kept."""
    if report is None:
        kept = lake.partition_path(lake_dir, "staging", dataset, key)
        return {"dagster/row_count": pq.read_metadata(kept).num_rows if kept.exists() else 0, "restaged": False}
    return {**_figures(report), "restaged": True}


def _figures(report: IngestReport) -> dict:
    return {
        "dagster/row_count": report.rows_loaded,
        "rows_in": report.rows_in,
        "rows_quarantined": report.rows_quarantined,
        "files": report.files,
        "files_rejected": report.files_rejected,
    }


def staging_asset(source: str):
    dataset = SOURCE_DATASETS[source]
    spec = contract(dataset)
    key = AssetKey(["staging", dataset])

    @asset(
        key=key,
        deps=[landing_key(source)],
        partitions_def=daily_partitions,
        # A backfill runs a month of days per run: few runs, and a failed batch re-runs only its month.
        backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=31),
        group_name="staging",
        kinds={"polars", "parquet"},
        owners=list(spec.owners),
        description=spec.description,
        code_version=spec.version,
        metadata=_definition_metadata(dataset),
        check_specs=_check_specs(dataset, key),
        retry_policy=transient_retry,
    )
    def _staging(context: AssetExecutionContext, mutu: MutuResource) -> MaterializeResult:
        key_bytes = mutu.pii_key()
        # Dated as the plan dated them: a file named by a day whose records were found on other days, by its records.
        redate = dated_by_records(accounting_rows(mutu.paths.lake, (dataset,)))
        files = scan(mutu.landing_dir, source, redate=redate)
        landed = by_partition(files)
        # The run names the days this source stages (planning.STALE_TAG); one without files is skipped unless it
        # held files before, whose removal must empty it.
        keys = stale_in_run(context.run.tags, source, context.partition_keys)
        wanted = {pk: landed.get(date.fromisoformat(pk), []) for pk in keys}
        wanted = {
            pk: files
            for pk, files in wanted.items()
            if files or lake.partition_path(mutu.paths.lake, "row_accounting", dataset, pk).exists()
        }
        reports = ingest_source_partitions(wanted, dataset, mutu.paths.lake, key_bytes)
        # Files no partition can hold are rejected whole in audit.row_accounting ("nothing is lost").
        unassigned = record_unassigned(files, dataset, mutu.paths.lake)
        context.log.info(
            f"{dataset}: {len(reports)} partition(s), {sum(r.rows_loaded for r in reports)} rows loaded, "
            f"{sum(r.rows_quarantined for r in reports)} quarantined"
        )
        with _partitions_read_once(context.instance):
            _partition_metadata(context, mutu.paths.lake, dataset, reports)
            # What belongs to the run rather than a day rides on its latest staged day (else its range's last):
            # files no day can hold, the step's stage timings.
            run_day = max((r.partition_key for r in reports), default=context.partition_keys[-1])
            run_metadata = {"files_without_partition": unassigned.files, **step_metadata()}
            context.add_asset_metadata(run_metadata, partition_key=run_day)
            with_quarantine = [r.partition_key for r in reports if r.rows_quarantined][:1]
            if with_quarantine:  # one day's preview, on that day (reading every day's quarantine costs a backfill)
                quarantine = lake.partition_path(mutu.paths.lake, "quarantine", dataset, with_quarantine[0])
                rows = (
                    pl.read_parquet(quarantine)
                    .head(5)
                    .select("source_file", "source_row", pl.col("rules").list.join(", "))
                )
                context.add_asset_metadata(
                    {"quarantine_preview": MetadataValue.md(markdown(rows))}, partition_key=with_quarantine[0]
                )
        checks = check_results(dataset, key, reports)
        if dataset == "queue_tickets":
            checks.append(_freshness(mutu, dataset, key))
        return MaterializeResult(check_results=checks)

    return _staging


def _freshness(mutu: MutuResource, dataset: str, key: AssetKey) -> AssetCheckResult:
    units = lake.read_table(mutu.paths.lake, "staging", "units")
    silent = silent_units(mutu.paths.lake, dataset, units["unit_id"].to_list() if units is not None else [])
    return AssetCheckResult(
        asset_key=key,
        check_name=FRESHNESS_CHECK,
        passed=not silent,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "silent_units": MetadataValue.json(
                [{"unit_id": u, "last_day": str(d) if d else None, "working_days_silent": g} for u, d, g in silent]
            ),
            "action": "ask these units whether their queue machine export is running" if silent else "none",
        },
    )


@multi_asset(
    specs=[
        AssetSpec(
            key=["staging", name],
            deps=[landing_key("reference")],
            group_name="staging",
            kinds={"polars", "parquet"},
            owners=list(contract(name).owners),
            description=contract(name).description,
            code_version=contract(name).version,
            metadata=_definition_metadata(name),
        )
        for name in REFERENCE_DATASETS
    ],
    check_specs=[
        AssetCheckSpec(
            ACCOUNTING_CHECK,
            asset=AssetKey(["staging", name]),
            blocking=True,
            description="rows in = rows loaded + rows quarantined",
        )
        for name in REFERENCE_DATASETS
    ],
)
def staging_reference(context: AssetExecutionContext, mutu: MutuResource):
    """Reference data (units, published service standards, targets), validated against their contracts."""
    for report in ingest_reference(mutu.landing_dir, mutu.paths.lake, mutu.pii_key()):
        key = AssetKey(["staging", report.dataset])
        balanced = report.rows_in == report.rows_loaded + report.rows_quarantined
        yield materialized(context, {**_figures(report), **step_metadata()}, asset_key=key)
        yield AssetCheckResult(
            asset_key=key,
            check_name=ACCOUNTING_CHECK,
            passed=balanced,
            metadata={"rows_in": report.rows_in, "rows_quarantined": report.rows_quarantined},
        )


staging_assets = [staging_asset(source) for source in SOURCE_DATASETS]
