"""Core, indicator and mart layers (one asset per SQL model in sql/), the audit tables, and publish.

All of them write the private build database, so they share the `warehouse` concurrency pool:
one writer at a time, by configuration rather than by luck.
"""


import hashlib

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    AutomationCondition,
    MaterializeResult,
    MetadataValue,
    TableColumn,
    TableColumnDep,
    TableColumnLineage,
    TableSchema,
    asset,
    multi_asset,
)

from pipelines import progress
from pipelines.assets.landing import landing_key
from pipelines.assets.markdown import markdown
from pipelines.assets.staging import transient_retry
from pipelines.lineage import column_sources
from pipelines.stage_timer import add_rows, stage
from pipelines.profiles import SOURCE_DATASETS
from pipelines.resources import MutuResource
from pipelines.sql_models import SqlModel, models
from pipelines.warehouse import AUDIT_DESCRIPTIONS, PUBLISHED_AUDIT_TABLES, build_audit, build_model, connect_build, prepare_staging, publish

WAREHOUSE_POOL = "warehouse"
STAGING_DATASETS = {*SOURCE_DATASETS.values(), "units", "services", "targets"}
GROUPS = {"core": "core", "indicators": "indicators", "marts": "marts"}
OWNERS = {"core": ["data-engineering@mutu.local"], "indicators": ["quality-office@mutu.local"], "marts": ["quality-office@mutu.local"]}


def _deps(model: SqlModel) -> list[AssetKey]:
    keys = []
    for schema, table in model.depends_on:
        if schema == "staging" and table in STAGING_DATASETS:
            keys.append(AssetKey(["staging", table]))
        elif schema != "staging":
            keys.append(AssetKey([schema, table]))
    return keys


def _table_schema(con, layer: str, name: str) -> TableSchema:
    rows = con.execute(
        "select column_name, data_type, comment from duckdb_columns() where schema_name = ? and table_name = ? order by column_index",
        [layer, name],
    ).fetchall()
    return TableSchema(columns=[TableColumn(name=n, type=t, description=c or "") for n, t, c in rows])


def _schema(con) -> dict:
    found: dict = {}
    for schema, table, column, dtype in con.execute(
        "select schema_name, table_name, column_name, data_type from duckdb_columns() where database_name = current_database()"
    ).fetchall():
        found.setdefault(schema, {}).setdefault(table, {})[column] = dtype
    return found


def _column_lineage(con, model: SqlModel, columns: list[str], cache_dir=None) -> TableColumnLineage:
    deps = {}
    for column, sources in column_sources(model, columns, _schema(con), cache_dir).items():
        keys = [
            TableColumnDep(asset_key=AssetKey(["staging", t] if s == "staging" else [s, t]), column_name=c)
            for s, t, c in sources
            if s != "staging" or t in STAGING_DATASETS
        ]
        if keys:
            deps[column] = keys
    return TableColumnLineage(deps_by_column=deps)


def sql_model_asset(model: SqlModel):
    @asset(
        key=[model.layer, model.name],
        deps=_deps(model),
        group_name=GROUPS[model.layer],
        kinds={"duckdb", "sql"},
        owners=OWNERS[model.layer],
        description=model.description,
        code_version=hashlib.sha256(model.sql.encode()).hexdigest()[:12],
        pool=WAREHOUSE_POOL,
        retry_policy=transient_retry,
        automation_condition=AutomationCondition.eager(),
        metadata={"sql_file": str(model.path.relative_to(model.path.parent.parent.parent))},
    )
    def _model(context: AssetExecutionContext, mutu: MutuResource) -> MaterializeResult:
        con = connect_build(mutu.paths)
        try:
            if any(schema == "staging" for schema, _ in model.depends_on):
                prepare_staging(con, mutu.paths, mutu.ikm_weight_mode)
            with stage("transform"):
                rows = build_model(con, model, mutu.paths.home / "cache" / "lineage")
            add_rows("transform", rows)
            progress.model_built(model.qualified)
            preview = con.sql(f'select * from "{model.layer}"."{model.name}" limit 5').pl()
            table_schema = _table_schema(con, model.layer, model.name)
            return MaterializeResult(metadata={
                "dagster/row_count": rows,
                "dagster/column_schema": table_schema,
                "dagster/column_lineage": _column_lineage(con, model, [c.name for c in table_schema.columns], mutu.paths.home / "cache" / "lineage"),
                "dagster/table_name": f"mutu.{model.qualified}",
                "preview": MetadataValue.md(markdown(preview)),
            })
        finally:
            con.close()

    return _model


model_assets = [sql_model_asset(m) for m in models()]


@multi_asset(
    specs=[
        AssetSpec(
            key=["audit", table],
            deps=[AssetKey(["staging", d]) for d in sorted(STAGING_DATASETS)],
            group_name="audit",
            kinds={"duckdb"},
            owners=["quality-office@mutu.local"],
            description=AUDIT_DESCRIPTIONS[table],
            automation_condition=AutomationCondition.eager(),
        )
        for table in PUBLISHED_AUDIT_TABLES
    ],
    pool=WAREHOUSE_POOL,
)
def audit_tables(context: AssetExecutionContext, mutu: MutuResource):
    """Row accounting, quarantine, validation results and schema drift, gathered from every partition."""
    con = connect_build(mutu.paths)
    try:
        prepare_staging(con, mutu.paths, mutu.ikm_weight_mode)
        with stage("transform"):
            counts = build_audit(con)
        unbalanced = con.execute(
            "select count(*) from audit.row_accounting where rows_in <> rows_loaded + rows_quarantined"
        ).fetchall()[0][0]
    finally:
        con.close()
    for table, rows in counts.items():
        metadata = {"dagster/row_count": rows}
        if table == "row_accounting":
            metadata["unbalanced_files"] = unbalanced
        yield MaterializeResult(asset_key=["audit", table], metadata=metadata)


@asset(
    key=["publish", "warehouse"],
    deps=[*(AssetKey([m.layer, m.name]) for m in models()), *(AssetKey(["audit", t]) for t in PUBLISHED_AUDIT_TABLES)],
    group_name="publish",
    kinds={"duckdb"},
    owners=["data-engineering@mutu.local"],
    description="The published DuckDB warehouse (HOME/warehouse/mutu.duckdb) that BI tools open read-only.",
    pool=WAREHOUSE_POOL,
    automation_condition=AutomationCondition.eager(),
    retry_policy=transient_retry,
)
def published_warehouse(context: AssetExecutionContext, mutu: MutuResource) -> MaterializeResult:
    with stage("publish"):
        path = publish(mutu.paths)
    return MaterializeResult(metadata={
        "path": MetadataValue.path(str(path)),
        "bytes": path.stat().st_size,
    })


warehouse_assets = [*model_assets, audit_tables, published_warehouse]
__all__ = ["warehouse_assets", "landing_key"]
