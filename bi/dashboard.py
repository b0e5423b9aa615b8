"""The starter dashboard as a Superset export bundle (database, datasets, charts, one dashboard).

The bundle is generated from the few definitions below, so what it shows can be reviewed here rather than in
Superset's YAML: each chart reads a mart (or a small SQL over one) by columns that stand in the marts'
documentation. `bundle()` returns the files of a Superset v1 export; `python bi/dashboard.py --out FILE.zip`
writes it as a zip any Superset 6 imports (Dashboards > Import), with the warehouse URI given.
"""

from __future__ import annotations

import argparse
import json
import uuid
import zipfile
from pathlib import Path

import yaml

NAMESPACE = uuid.UUID("5d0f3c8e-8f0e-4d55-9f5e-6d7574750000")  # uuids derived from names: re-imports update in place
DATABASE_NAME = "Mutu warehouse"
DASHBOARD_SLUG = "mutu"
DASHBOARD_TITLE = "Mutu: service quality at a glance"

# Physical datasets: (schema, mart, columns the charts use). Superset reads every column and its comment at import.
MARTS = [
    (
        "marts",
        "mart_ikm_confidence_period",
        [
            "period_type",
            "scope_type",
            "scope_name",
            "period",
            "ikm_converted",
            "mutu",
            "ci_low",
            "ci_high",
            "change_is_significant",
            "respondents",
        ],
    ),
    ("marts", "mart_complaint_unit_month", ["unit_name", "month_start", "verified_within_limit_share"]),
]
# Virtual datasets: (name, SQL) where a chart needs the marts reshaped.
QUERIES = [
    (
        "sla_share_control_unit",
        """
select scope_name, period_start, value, centre_line, ucl, lcl, flagged, signal
from marts.mart_kpi_control
where kpi = 'queue_sla_share' and grain = 'week' and scope_type = 'unit'
  and scope_id = (  -- the unit with the most flagged weeks: where a review should look first
      select scope_id from marts.mart_kpi_control
      where kpi = 'queue_sla_share' and grain = 'week' and scope_type = 'unit'
      group by scope_id order by count(*) filter (where flagged) desc, scope_id limit 1)
""".strip(),
    ),
    (
        "complaint_funnel",
        """
with totals as (
    select sum(complaints_received) as received, sum(complaints_verified) as verified,
           sum(complaints_responded) as responded, sum(complaints_closed) as closed
    from marts.mart_complaint_period where period_type = 'year' and scope_type = 'unit')
select 1 as stage_no, 'received' as stage, received as complaints from totals
union all select 2, 'verified', verified from totals
union all select 3, 'responded', responded from totals
union all select 4, 'closed', closed from totals
""".strip(),
    ),
]


def _sql_filter(expression: str) -> dict:
    return {"clause": "WHERE", "expressionType": "SQL", "sqlExpression": expression}


def _metric(expression: str, label: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": expression, "label": label}


# Charts: (title, dataset, viz_type, params, width of 12).
CHARTS = [
    (
        "IKM per unit and quarter: grade and 95 % interval",
        "mart_ikm_confidence_period",
        "table",
        {
            "query_mode": "raw",
            "all_columns": [
                "scope_name",
                "period",
                "ikm_converted",
                "mutu",
                "ci_low",
                "ci_high",
                "change_is_significant",
                "respondents",
            ],
            "adhoc_filters": [_sql_filter("period_type = 'quarter' and scope_type = 'unit'")],
            "order_by_cols": [json.dumps(["period", False]), json.dumps(["ikm_converted", True])],
            "row_limit": 1000,
            "column_config": {c: {"d3NumberFormat": ",.2f"} for c in ("ikm_converted", "ci_low", "ci_high")},
        },
        12,
    ),
    (
        "SLA share by week with its control limits (the unit with the most flagged weeks)",
        "sla_share_control_unit",
        "echarts_timeseries_line",
        {
            "x_axis": "period_start",
            "time_grain_sqla": "P1W",
            "metrics": [
                _metric("max(value)", "SLA share"),
                _metric("max(centre_line)", "centre line"),
                _metric("max(ucl)", "UCL"),
                _metric("max(lcl)", "LCL"),
            ],
            "groupby": ["scope_name"],  # one unit: its name in every series' label
            "adhoc_filters": [],
            "row_limit": 10000,
            "y_axis_format": ".0%",
            "show_legend": True,
            "rich_tooltip": True,
            "markerEnabled": True,
        },
        6,
    ),
    (
        "Complaint funnel: received, verified, responded, closed",
        "complaint_funnel",
        "funnel",
        {
            "groupby": ["stage"],
            "metric": _metric("sum(complaints)", "complaints"),
            "adhoc_filters": [],
            "row_limit": 10,
            "sort_by_metric": True,
            "show_legend": True,
            "show_labels": True,
            "label_type": "key_value_percent",
            "number_format": "SMART_NUMBER",
        },
        6,
    ),
    (
        "Complaints verified within 3 working days, per unit and month",
        "mart_complaint_unit_month",
        "echarts_timeseries_line",
        {
            "x_axis": "month_start",
            "time_grain_sqla": "P1M",
            "metrics": [_metric("max(verified_within_limit_share)", "verified within limit")],
            "groupby": ["unit_name"],
            "adhoc_filters": [],
            "row_limit": 10000,
            "y_axis_format": ".0%",
            "show_legend": True,
            "rich_tooltip": True,
            "markerEnabled": True,
        },
        12,
    ),
]


def _uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{name}"))


def _dump(document: dict) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def _dataset(table: str, schema: str | None, sql: str | None, columns: list[str]) -> dict:
    return {
        "table_name": table,
        "main_dttm_col": None,
        "description": None,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "schema": schema,
        "sql": sql,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "uuid": _uuid("dataset", table),
        "metrics": [],
        "columns": [
            {"column_name": c, "is_dttm": False, "is_active": True, "groupby": True, "filterable": True}
            for c in columns
        ],
        "version": "1.0.0",
        "database_uuid": _uuid("database", DATABASE_NAME),
    }


def _layout() -> dict:
    position: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"type": "HEADER", "id": "HEADER_ID", "meta": {"text": DASHBOARD_TITLE}},
    }
    row, used = None, 12
    for number, (title, _, _, _, width) in enumerate(CHARTS, start=1):
        if used + width > 12:
            row, used = f"ROW-{number}", 0
            position["GRID_ID"]["children"].append(row)
            position[row] = {
                "type": "ROW",
                "id": row,
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID"],
                "meta": {"background": "BACKGROUND_TRANSPARENT"},
            }
        chart = f"CHART-{number}"
        position[row]["children"].append(chart)
        position[chart] = {
            "type": "CHART",
            "id": chart,
            "children": [],
            "parents": ["ROOT_ID", "GRID_ID", row],
            "meta": {
                "uuid": _uuid("chart", title),
                "chartId": number,
                "sliceName": title,
                "width": width,
                "height": 60,
            },
        }
        used += width
    return position


def bundle(warehouse_uri: str) -> dict[str, str]:
    """Files of a Superset v1 dashboard export reading the warehouse at `warehouse_uri`."""
    files = {
        "metadata.yaml": _dump({"version": "1.0.0", "type": "Dashboard", "timestamp": "2026-11-28T00:00:00+00:00"})
    }
    files["databases/mutu.yaml"] = _dump(
        {
            "database_name": DATABASE_NAME,
            "sqlalchemy_uri": warehouse_uri,
            "cache_timeout": None,
            "expose_in_sqllab": True,
            "allow_run_async": False,
            "allow_ctas": False,
            "allow_cvas": False,
            "allow_dml": False,
            "allow_csv_upload": False,
            "extra": {"allows_virtual_table_explore": True},
            "uuid": _uuid("database", DATABASE_NAME),
            "version": "1.0.0",
        }
    )
    for schema, table, columns in MARTS:
        files[f"datasets/mutu/{table}.yaml"] = _dump(_dataset(table, schema, None, columns))
    for name, sql in QUERIES:
        files[f"datasets/mutu/{name}.yaml"] = _dump(_dataset(name, None, sql, []))
    for title, dataset, viz_type, params, _ in CHARTS:
        chart_uuid = _uuid("chart", title)
        files[f"charts/{chart_uuid}.yaml"] = _dump(
            {
                "slice_name": title,
                "description": None,
                "certified_by": None,
                "certification_details": None,
                "viz_type": viz_type,
                "params": {"viz_type": viz_type, **params},
                "query_context": None,
                "cache_timeout": None,
                "uuid": chart_uuid,
                "version": "1.0.0",
                "dataset_uuid": _uuid("dataset", dataset),
            }
        )
    files["dashboards/mutu.yaml"] = _dump(
        {
            "dashboard_title": DASHBOARD_TITLE,
            "description": None,
            "css": "",
            "slug": DASHBOARD_SLUG,
            "uuid": _uuid("dashboard", DASHBOARD_SLUG),
            "position": _layout(),
            "metadata": {
                "color_scheme": "",
                "refresh_frequency": 0,
                "expanded_slices": {},
                "label_colors": {},
                "timed_refresh_immune_slices": [],
                "cross_filters_enabled": False,
                "native_filter_configuration": [],
                "shared_label_colors": [],
                "chart_configuration": {},
            },
            "version": "1.0.0",
            "published": True,
        }
    )
    return files


def write_zip(files: dict[str, str], target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle_zip:
        for name, text in files.items():
            bundle_zip.writestr(f"mutu_dashboard/{name}", text)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True, type=Path, help="the published mutu.duckdb")
    parser.add_argument("--out", required=True, type=Path, help="the zip to write")
    args = parser.parse_args()
    write_zip(bundle(f"duckdb:///{args.warehouse.resolve()}?access_mode=read_only"), args.out)
    print(args.out)
