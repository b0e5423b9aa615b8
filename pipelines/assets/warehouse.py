"""Core, indicator and mart layers (one asset per SQL model in sql/), the audit tables, and publish.

All of them write the private build database, so they share the `warehouse` concurrency pool:
one writer at a time, by configuration rather than by luck.

The SQL models are built in one Dagster step (`sql_models`, a multi-asset that can run any subset, in
dependency order, on one connection); each is still an asset of its own with its own lineage, metadata and
grain check. The check (`-- grain:` in its SQL file) runs right after the model is built: a failed check on a
mart fails the step, so nothing downstream of it (publish) runs; elsewhere it warns.

The staging tables that are not landed data (the working-day calendar, the run parameters, the indicator
catalogue) are assets of their own, so lineage shows every input of every figure.

`staging.*` is prepared once per state of the lake and kept in the build database (`ensure_staging`), and a
model is brought up to date rather than always rebuilt (`update_model`, pipelines/incremental.py): kept when
nothing it reads changed, its touched periods recomputed when it declares `-- incremental:`, rebuilt otherwise.
Each materialisation says which in its `build` metadata.
"""

import hashlib

from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetSpec,
    AutomationCondition,
    DataVersion,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableColumnDep,
    TableColumnLineage,
    TableSchema,
    asset,
    multi_asset,
)

from pipelines import dataset_checks, progress
from pipelines.assets.landing import landing_key
from pipelines.assets.markdown import markdown
from pipelines.assets.results import materialized
from pipelines.assets.staging import transient_retry
from pipelines.catalog import Catalog, catalog, column_types, table_columns
from pipelines.incremental import Decision, Ledger, grain_violations, lake_snapshot, table_signature
from pipelines.landing import REFERENCE_DATASETS
from pipelines.lineage import column_sources
from pipelines.profiles import SOURCE_DATASETS
from pipelines.resources import MutuResource
from pipelines.sql_models import SqlModel, models
from pipelines.stage_timer import add_rows, stage, step_metadata
from pipelines.validation import judged_datasets
from pipelines.warehouse import (
    AUDIT_DESCRIPTIONS,
    PUBLISHED_AUDIT_TABLES,
    build_audit,
    connect_build,
    ensure_staging,
    prune_model_state,
    publish,
    update_model,
)

WAREHOUSE_POOL = "warehouse"
STAGING_DATASETS = {*SOURCE_DATASETS.values(), *REFERENCE_DATASETS}
GROUPS = {"core": "core", "indicators": "indicators", "marts": "marts"}
OWNERS = {
    "core": ["data-engineering@mutu.local"],
    "indicators": ["quality-office@mutu.local"],
    "marts": ["quality-office@mutu.local"],
}
GRAIN_CHECK = "grain_unique"
# Staging tables the warehouse computes rather than reads from the lake, and the assets that stand for them.
STAGING_INPUTS = {
    "calendar": AssetKey(["reference", "calendar"]),
    "run_parameters": AssetKey(["parameters", "run"]),
    "indicator_catalogue": AssetKey(["reference", "indicator_catalogue"]),
}


LANDED_SOURCES = [AssetKey(["staging", d]) for d in sorted(SOURCE_DATASETS.values())]


def _deps_missing() -> AutomationCondition:
    """A dependency missing, the landed staging assets' days aside (a source with no file that day stays missing)."""
    return AutomationCondition.any_deps_missing().ignore(AssetSelection.assets(*LANDED_SOURCES))


def _eager() -> AutomationCondition:
    """Eager, except that a day a source landed nothing on does not hold its readers back: a staging run stages the
    sources with files (another source's new day leaves this one's partition of it unmaterialized, for good), and
    plain eager waits for every partition of a partitioned parent. It kept the calendar, the audit tables and every
    model reading complaints or survey answers from a day that landed only queue tickets. So a day whose staging run
    for one source failed (or is not created yet) no longer holds back what the other sources' runs staged: the
    daemon's build publishes what the lake holds (where `mutu run` stops at the failed run), the failure alerts
    (`run_failure_alert`), and the source's next staging run updates the readers again."""
    return (
        AutomationCondition.eager()
        .replace("any_deps_missing", _deps_missing())
        .with_label("eager (a day a source landed nothing on does not wait)")
    )


def _never_built() -> AutomationCondition:
    """Missing, its inputs there, and neither being built nor failed: eager requests only what becomes missing after
    its first evaluation (Dagster's guard against surprise backfills), so on a home the daemon started on, the models
    that read no table (core.dim_unsur, dim_ikm_grade_band, dim_krejcie_morgan) were never requested, nor anything
    reading them, and the daemon alone never published. A failed first build is not requested again every tick."""
    return (
        AutomationCondition.missing()
        & ~AutomationCondition.in_progress()
        & ~AutomationCondition.execution_failed()
        & ~_deps_missing()
        & ~AutomationCondition.any_deps_in_progress()
    ).with_label("never built")


def _model_automation() -> AutomationCondition:
    """Eager, except that a computed staging table (the calendar, the run parameters, the KPI catalogue), which every
    build materializes again, counts as updated only when its content changed (the data version `staging_inputs`
    gives it): the daemon then requests the models `mutu run` builds (incremental.models_to_update), not every model
    the calendar feeds. A changed calendar requests its readers on the tick after the run that materialized it."""
    computed = AssetSelection.assets(*STAGING_INPUTS.values())
    content_changed = AutomationCondition.any_deps_match(
        AutomationCondition.data_version_changed() & ~AutomationCondition.executed_with_root_target()
    ).allow(computed)
    eager = _eager().replace(
        "any_deps_updated", AutomationCondition.any_deps_updated().ignore(computed) | content_changed
    )
    return (eager | _never_built()).with_label(
        "eager (a computed staging table counts when its content changed; a day a source landed nothing on does "
        "not wait), or never built"
    )


EAGER = _eager()  # the computed staging tables, the audit tables, publish
MODEL_AUTOMATION = _model_automation()  # one condition for every SQL model


def _asset_key(schema: str, table: str) -> AssetKey | None:
    """The asset a table read by a model belongs to; None for staging tables no model should depend on as an asset."""
    if schema != "staging":
        return AssetKey([schema, table])
    if table in STAGING_DATASETS:
        return AssetKey(["staging", table])
    return STAGING_INPUTS.get(table)


def _deps(model: SqlModel) -> list[AssetKey]:
    return [key for schema, table in model.depends_on if (key := _asset_key(schema, table)) is not None]


def _table_schema(found: Catalog, layer: str, name: str) -> TableSchema:
    columns = found.get((layer, name), {})
    return TableSchema(columns=[TableColumn(name=n, type=t, description=c or "") for n, (t, c) in columns.items()])


def _column_lineage(schema: dict, model: SqlModel, columns: list[str], cache_dir=None) -> TableColumnLineage:
    deps = {}
    for column, sources in column_sources(model, columns, schema, cache_dir).items():
        keys = [
            TableColumnDep(asset_key=key, column_name=c) for s, t, c in sources if (key := _asset_key(s, t)) is not None
        ]
        if keys:
            deps[column] = keys
    return TableColumnLineage(deps_by_column=deps)


def _grain_check_spec(model: SqlModel) -> AssetCheckSpec:
    columns = ", ".join(c.name + ("?" if c.nullable else "") for c in model.grain)
    return AssetCheckSpec(
        name=GRAIN_CHECK,
        asset=AssetKey([model.layer, model.name]),
        blocking=model.layer == "marts",
        description=f"One row per ({columns}), no NULL in a grain column unless marked '?' ({model.path.name}).",
    )


def grain_check(
    con, model: SqlModel, decision: Decision | None = None, columns: list[str] | None = None, ledger=None
) -> AssetCheckResult:
    """The grain check of a built model: no duplicate key, no NULL where the key may not be NULL (`decision`: how
    the model was just brought up to date, so that only what changed is counted again; `columns`: its table's
    columns, if known; `ledger`: the build's state ledger, if it keeps one)."""
    severity = AssetCheckSeverity.ERROR if model.layer == "marts" else AssetCheckSeverity.WARN
    key = AssetKey([model.layer, model.name])
    grain = [c.name for c in model.grain]
    present = set(columns if columns is not None else table_columns(con, model.layer, model.name))
    missing = [c for c in grain if c not in present]
    if missing:
        return AssetCheckResult(
            asset_key=key,
            check_name=GRAIN_CHECK,
            passed=False,
            severity=severity,
            metadata={
                "grain": ", ".join(grain),
                "error": f"grain column(s) {', '.join(missing)} not in the table: "
                f"fix the '-- grain:' line of {model.path.name}",
            },
        )
    duplicate_keys, null_key_rows = grain_violations(con, model, decision, ledger)
    return AssetCheckResult(
        asset_key=key,
        check_name=GRAIN_CHECK,
        passed=duplicate_keys == 0 and null_key_rows == 0,
        severity=severity,
        metadata={"grain": ", ".join(grain), "duplicate_keys": duplicate_keys, "null_key_rows": null_key_rows},
    )


def _model_spec(model: SqlModel) -> AssetSpec:
    return AssetSpec(
        key=[model.layer, model.name],
        deps=_deps(model),
        group_name=GROUPS[model.layer],
        kinds={"duckdb", "sql"},
        owners=OWNERS[model.layer],
        description=model.description,
        code_version=hashlib.sha256(model.sql.encode()).hexdigest()[:12],
        automation_condition=MODEL_AUTOMATION,
        metadata={"sql_file": str(model.path.relative_to(model.path.parent.parent.parent))},
    )


def _materialization(
    context: AssetExecutionContext,
    con,
    model: SqlModel,
    mutu: MutuResource,
    build: tuple[dict, Ledger, Catalog],
    check: bool,
) -> MaterializeResult:
    """Bring one model up to date and say what it holds; its grain check result rides along when selected.
    `build`: the lake snapshot, state ledger and catalog the build's models share (a rebuild updates the catalog,
    whose columns the lineage of the models after it reads)."""
    snapshot, ledger, found = build
    lineage_cache = mutu.paths.cache / "lineage"
    with stage("transform"):
        rows, decision = update_model(con, model, mutu.paths, lineage_cache, snapshot, ledger, found)
    add_rows("transform", rows)
    progress.model_built(model.qualified)
    preview = con.sql(f'select * from "{model.layer}"."{model.name}" limit 5').pl()
    table_schema = _table_schema(found, model.layer, model.name)
    columns = [c.name for c in table_schema.columns]
    return materialized(
        context,
        asset_key=AssetKey([model.layer, model.name]),
        check_results=[grain_check(con, model, decision, columns, ledger)] if check else [],
        metadata={
            "dagster/row_count": rows,
            "dagster/column_schema": table_schema,
            "dagster/column_lineage": _column_lineage(column_types(found), model, columns, lineage_cache),
            "dagster/table_name": f"mutu.{model.qualified}",
            "preview": MetadataValue.md(markdown(preview)),
            "build": f"{decision.kind}: {decision.reason}",
            **step_metadata(),
        },
    )


def sql_models_asset(sql_models: tuple[SqlModel, ...]):
    """One Dagster step for the SQL models (any subset of them), each still an asset of its own in the graph
    with its grain check: a step per model cost Dagster's step machinery and a new connection 60 times a run."""

    @multi_asset(
        name="sql_models",
        specs=[_model_spec(m) for m in sql_models],
        check_specs=[_grain_check_spec(m) for m in sql_models],
        can_subset=True,
        pool=WAREHOUSE_POOL,
        retry_policy=transient_retry,
    )
    def _models(context: AssetExecutionContext, mutu: MutuResource):
        chosen = [m for m in sql_models if AssetKey([m.layer, m.name]) in context.selected_asset_keys]
        checks = context.selected_asset_check_keys
        con = connect_build(mutu.paths)
        try:
            if any(schema == "staging" for m in chosen for schema, _ in m.depends_on):
                ensure_staging(con, mutu.paths, mutu.ikm_weight_mode)
            build = (lake_snapshot(mutu.paths.lake), Ledger(con), catalog(con))
            for model in chosen:
                check = AssetCheckKey(AssetKey([model.layer, model.name]), GRAIN_CHECK) in checks
                yield _materialization(context, con, model, mutu, build, check)
            prune_model_state(con, build[1])
        finally:
            con.close()

    return _models


model_assets = [sql_models_asset(models())]


@multi_asset(
    specs=[
        AssetSpec(
            key=STAGING_INPUTS["calendar"],
            deps=LANDED_SOURCES,  # its span follows the landed days
            group_name="core",
            kinds={"duckdb", "python"},
            owners=OWNERS["core"],
            description="Working-day calendar (staging.calendar, pipelines/calendar.py): weekends, national "
            "holidays and cuti bersama, from a week before the first landed day or the earliest loaded record (an "
            "export named by the day it was exported holds earlier days) to the end of the month 120 days "
            "after the last landed day (a new day seldom changes it).",
            automation_condition=EAGER,
        ),
        AssetSpec(
            key=STAGING_INPUTS["run_parameters"],
            group_name="core",
            kinds={"duckdb", "python"},
            owners=OWNERS["core"],
            description="Run parameters (staging.run_parameters): IKM weight mode "
            "(MUTU_IKM_WEIGHT_MODE or --ikm-weight-mode) and complaint auto-close working days "
            "(MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS).",
            automation_condition=EAGER,
        ),
        AssetSpec(
            key=STAGING_INPUTS["indicator_catalogue"],
            group_name="core",
            kinds={"duckdb", "yaml"},
            owners=OWNERS["core"],
            description="The KPI catalogue (staging.indicator_catalogue, from pipelines/indicators.yaml): each KPI's "
            "direction, measure and labels.",
            automation_condition=EAGER,
        ),
    ],
    pool=WAREHOUSE_POOL,
    retry_policy=transient_retry,
)
def staging_inputs(context: AssetExecutionContext, mutu: MutuResource):
    """The staging tables computed rather than landed, with what they held for this build."""
    con = connect_build(mutu.paths)
    try:
        ensure_staging(con, mutu.paths, mutu.ikm_weight_mode)
        days, first, last, workdays = con.execute(
            "select count(*), min(day), max(day), count(*) filter (where is_workday) from staging.calendar"
        ).fetchone()
        weight_mode, auto_close = con.execute(
            "select ikm_weight_mode, complaint_auto_close_workdays from staging.run_parameters"
        ).fetchone()
        catalogue = con.execute("select count(*) from staging.indicator_catalogue").fetchone()[0]
        # Their content as their data version: the models' automation follows a change of content, not a rebuild.
        versions = {table: DataVersion(table_signature(con, "staging", table)) for table in STAGING_INPUTS}
    finally:
        con.close()
    yield materialized(
        context,
        asset_key=STAGING_INPUTS["calendar"],
        data_version=versions["calendar"],
        metadata={
            "dagster/row_count": days,
            "first_day": str(first),
            "last_day": str(last),
            "working_days": workdays,
        },
    )
    yield materialized(
        context,
        asset_key=STAGING_INPUTS["run_parameters"],
        data_version=versions["run_parameters"],
        metadata={
            "ikm_weight_mode": weight_mode,
            "complaint_auto_close_workdays": auto_close if auto_close is not None else "never",
        },
    )
    yield materialized(
        context,
        {"dagster/row_count": catalogue},
        asset_key=STAGING_INPUTS["indicator_catalogue"],
        data_version=versions["indicator_catalogue"],
    )


@multi_asset(
    specs=[
        AssetSpec(
            key=["audit", table],
            deps=[AssetKey(["staging", d]) for d in sorted(STAGING_DATASETS)],
            group_name="audit",
            kinds={"duckdb"},
            owners=["quality-office@mutu.local"],
            description=AUDIT_DESCRIPTIONS[table],
            automation_condition=EAGER,
        )
        for table in PUBLISHED_AUDIT_TABLES
    ],
    check_specs=[
        AssetCheckSpec(
            f"{dataset}_{dataset_checks.CHECK}",
            asset=AssetKey(["audit", "validation_results"]),
            description=f"Great Expectations: every staged partition of {dataset} meets the contract's dataset-level "
            "expectations on its loaded rows (unique keys, no time after the run, values within each enum).",
        )
        for dataset in judged_datasets()
    ],
    pool=WAREHOUSE_POOL,
    # After the SQL models when both are ready: Great Expectations, which it waits for, has finished loading then.
    op_tags={"dagster/priority": "-1"},
)
def audit_tables(context: AssetExecutionContext, mutu: MutuResource):
    """Row accounting, quarantine, validation results and schema drift, gathered from every partition; the staged
    partitions Great Expectations has not judged yet are judged first (pipelines/dataset_checks.py)."""
    judged = dataset_checks.judge_pending(mutu.paths.lake)
    con = connect_build(mutu.paths)
    try:
        ensure_staging(con, mutu.paths, mutu.ikm_weight_mode)
        with stage("transform"):
            counts = build_audit(con, mutu.paths.lake)
        unbalanced = con.execute(
            "select count(*) from audit.row_accounting where rows_in <> rows_loaded + rows_quarantined"
        ).fetchall()[0][0]
        found = {dataset: dataset_checks.failing(con, dataset) for dataset in judged_datasets()}
    finally:
        con.close()
    for table, rows in counts.items():
        metadata = {"dagster/row_count": rows, **step_metadata()}
        if table == "row_accounting":
            metadata["unbalanced_files"] = unbalanced
        if table == "validation_results":
            metadata["partitions_judged_by_great_expectations"] = judged
        yield materialized(context, metadata, asset_key=AssetKey(["audit", table]))
    for dataset, (partitions, rules, examples) in found.items():
        yield AssetCheckResult(
            asset_key=AssetKey(["audit", "validation_results"]),
            check_name=f"{dataset}_{dataset_checks.CHECK}",
            passed=not rules,
            severity=AssetCheckSeverity.WARN,
            metadata={
                "partitions_judged": partitions,
                "partitions_failing": MetadataValue.json(rules),
                "examples": MetadataValue.json(examples),
                "action": f"see audit.validation_results where dataset = '{dataset}' and rule like 'dataset:%'"
                if rules
                else "none",
            },
        )


@asset(
    key=["publish", "warehouse"],
    deps=[*(AssetKey([m.layer, m.name]) for m in models()), *(AssetKey(["audit", t]) for t in PUBLISHED_AUDIT_TABLES)],
    group_name="publish",
    kinds={"duckdb"},
    owners=["data-engineering@mutu.local"],
    description="The published DuckDB warehouse (HOME/warehouse/mutu.duckdb) that BI tools open read-only.",
    pool=WAREHOUSE_POOL,
    automation_condition=EAGER,
    retry_policy=transient_retry,
)
def published_warehouse(context: AssetExecutionContext, mutu: MutuResource) -> MaterializeResult:
    with stage("publish"):
        path = publish(mutu.paths)
    return materialized(
        context,
        {
            "path": MetadataValue.path(str(path)),
            "bytes": path.stat().st_size,
            **step_metadata(),
        },
    )


def build_selection(chosen: list[SqlModel]) -> list[AssetKey]:
    """The warehouse assets for a build that runs only the `chosen` SQL models: every one but the models left out
    (they are kept as they are)."""
    left_out = {AssetKey([m.layer, m.name]) for m in models()} - {AssetKey([m.layer, m.name]) for m in chosen}
    return [key for assets in warehouse_assets for key in assets.keys if key not in left_out]


warehouse_assets = [staging_inputs, *model_assets, audit_tables, published_warehouse]
__all__ = ["warehouse_assets", "landing_key"]
