"""The management review pack, rendered from the published warehouse after every publish."""

from dagster import AssetExecutionContext, AssetKey, AutomationCondition, MaterializeResult, MetadataValue, asset

from pipelines.assets.results import materialized
from pipelines.assets.staging import transient_retry
from pipelines.resources import MutuResource


@asset(
    key=["reports", "review_pack"],
    deps=[AssetKey(["publish", "warehouse"])],
    group_name="reports",
    kinds={"html", "excel"},
    owners=["quality-office@mutu.local"],
    description="Management review pack (HOME/reports/<period>/): HTML report per scope and Excel workbook of the "
    "latest complete month, quarter and year. Drawn after publish, in a run of its own (job review_pack).",
    automation_condition=AutomationCondition.eager(),
    retry_policy=transient_retry,
)
def review_pack(context: AssetExecutionContext, mutu: MutuResource) -> MaterializeResult:
    # Reads the published file read-only like any BI client, so it takes no slot of the `warehouse` pool.
    from pipelines.report.render import render_pack

    out = mutu.paths.home / "reports"
    written = render_pack(mutu.paths.warehouse, out, chart_cache=mutu.paths.cache / "charts")
    reports = [p for p in written if p.suffix == ".html"]
    periods = sorted({p.relative_to(out).parts[0] for p in written})
    return materialized(
        context,
        {
            "path": MetadataValue.path(str(out)),
            "periods": ", ".join(periods) or "none: no period has data yet",
            "reports": len(reports),
            "workbooks": MetadataValue.json([str(p.relative_to(out)) for p in written if p.suffix == ".xlsx"]),
        },
    )


report_assets = [review_pack]
