"""What the review pack shows, read from the PUBLISHED warehouse (read-only); nothing is recomputed here.

Every figure is a column of a mart or an audit table. This module only selects rows (period, scope),
and derives what is not a number: which periods are complete, the previous period, follow-up status
of earlier findings (a comparison of grades, statuses and flags the marts already hold), and lineage.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.catalog import Catalog, catalog
from pipelines.errors import MutuError

SOURCE_DATASETS = ("queue_tickets", "survey_responses", "complaints")
PERIOD_TYPES = ("month", "quarter", "year")
# The labels core.dim_period writes: a month, a quarter, a semester, a year.
PERIOD_LABEL = re.compile(r"\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-S[12])?")
IKM_2017 = "permenpanrb_14_2017"


class ReportError(MutuError):
    """The review pack cannot be made: no published warehouse, or no data for the period asked."""


@dataclass(frozen=True)
class Period:
    period_type: str
    period: str
    start: date
    end: date
    complete: bool


@dataclass(frozen=True)
class Scope:
    kind: str  # organisation | agency | unit
    id: str | None = None
    name: str | None = None
    agency: str | None = None

    @property
    def slug(self) -> str:
        if self.kind == "organisation":
            return "organisation"
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (self.id or "")).strip("-")
        return f"{self.kind}-{safe or 'x'}"

    @property
    def headline_type(self) -> str:
        """scope_type of the rows that carry this report's headline: the marts have no organisation scope, so
        agencies."""
        return "unit" if self.kind == "unit" else "agency"


@dataclass
class Warehouse:
    con: duckdb.DuckDBPyConnection
    path: Path
    _columns: Catalog | None = None
    _memo: dict = field(default_factory=dict)  # figures of the whole period, the same on every page of it

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]

    def _catalog(self) -> Catalog:
        if self._columns is None:
            self._columns = catalog(self.con)  # one query per open warehouse, not one per table and question
        return self._columns

    def columns(self, schema: str, table: str) -> list[str]:
        return list(self._catalog().get((schema, table), ()))

    def has(self, schema: str, table: str) -> bool:
        return (schema, table) in self._catalog()

    def comments(self, schema: str, table: str) -> dict[str, str]:
        return {column: comment or "" for column, (_, comment) in self._catalog().get((schema, table), {}).items()}


def per_period(read):
    """Read once per open warehouse and arguments (a period, a scope): the pages that share them read them once."""

    @functools.wraps(read)
    def once(wh: Warehouse, *args):
        key = (read.__name__, *args)
        if key not in wh._memo:
            wh._memo[key] = read(wh, *args)
        return wh._memo[key]

    return once


@contextmanager
def open_published(path: Path, threads: int | None = None):
    """The published warehouse, read-only: a reader like any BI tool, never blocking a run (`threads`: DuckDB's,
    when other processes share the cores)."""
    if not path.exists():
        raise ReportError(
            f"no published warehouse at {path}; run `mutu run --landing DIR --home {path.parent.parent}` first"
        )
    try:
        con = duckdb.connect(str(path), read_only=True, config={"threads": str(threads)} if threads else {})
    except duckdb.Error as exc:
        raise ReportError(f"{path}: cannot be opened read-only ({str(exc).splitlines()[0]})") from exc
    try:
        yield Warehouse(con, path)
    finally:
        con.close()


# --- periods and scopes --------------------------------------------------------------------------------


@per_period
def data_end(wh: Warehouse) -> date | None:
    """The last landed day of any source (audit.row_accounting_daily partitions are local dates)."""
    found = wh.con.execute(
        "select max(try_cast(partition_key as date)) from audit.row_accounting_daily "
        "where dataset in (?, ?, ?) and rows_loaded > 0",
        list(SOURCE_DATASETS),
    ).fetchall()[0][0]
    return found


# The mart each source's period figures are read from: its as-of column, when it has one, dates them.
SOURCE_MARTS = {
    "queue_tickets": "mart_queue_period",
    "survey_responses": "mart_ikm_period",
    "complaints": "mart_complaint_period",
}


@per_period
def source_as_of(wh: Warehouse, period: Period) -> dict[str, date | None]:
    """The day each source's figures of the period were judged at: the mart's own as-of column where the mart
    publishes one (a source lagging the others is judged at its own latest day), else the warehouse's as-of date."""
    fallback = data_end(wh)
    out = {}
    for dataset, mart in SOURCE_MARTS.items():
        column = next((c for c in wh.columns("marts", mart) if "as_of" in c), None)
        found = None
        if column:
            found = wh.rows(
                f'select max("{column}") as day from marts."{mart}" where period_type = ? and period_start = ?',
                [period.period_type, period.start],
            )[0]["day"]
        found = found.date() if isinstance(found, datetime) else found
        out[dataset] = found or fallback
    return out


def _period(row: dict, end_of_data: date | None) -> Period:
    return Period(
        row["period_type"],
        row["period"],
        row["period_start"],
        row["period_end"],
        end_of_data is not None and row["period_end"] <= end_of_data,
    )


_PERIODS_WITH_DATA = """
    select p.period_type, p.period, p.period_start, p.period_end
    from core.dim_period as p
    where exists (select 1 from marts.mart_balanced_scorecard_period as b
                  where b.period_type = p.period_type and b.period_start = p.period_start)
"""


def period_by_label(wh: Warehouse, label: str) -> Period:
    if not PERIOD_LABEL.fullmatch(label):
        raise ReportError(
            f"{label!r} is not a period label: write a month (2026-07), a quarter (2026-Q3), "
            "a semester (2026-S2) or a year (2026)"
        )
    rows = wh.rows(_PERIODS_WITH_DATA + " and p.period = ?", [label])
    if not rows:
        known = [r["period"] for r in wh.rows(_PERIODS_WITH_DATA + " order by p.period_type, p.period_start")]
        hint = ", ".join(known[:12]) + (" ..." if len(known) > 12 else "") if known else "none"
        raise ReportError(f"no data for period {label!r} in {wh.path} (periods with data: {hint})")
    return _period(rows[0], data_end(wh))


def latest_periods(wh: Warehouse) -> list[Period]:
    """The latest complete month, quarter and year; a type with no complete period gives its latest one, marked
    partial."""
    end = data_end(wh)
    found = []
    for period_type in PERIOD_TYPES:
        rows = wh.rows(_PERIODS_WITH_DATA + " and p.period_type = ? order by p.period_start desc", [period_type])
        periods = [_period(r, end) for r in rows]
        complete = [p for p in periods if p.complete]
        if complete or periods:
            found.append((complete or periods)[0])
    return found


@per_period
def previous_period(wh: Warehouse, period: Period) -> Period | None:
    rows = wh.rows(
        "select period_type, period, period_start, period_end from core.dim_period "
        "where period_type = ? and period_end = ?",
        [period.period_type, period.start.fromordinal(period.start.toordinal() - 1)],
    )
    return (
        Period(rows[0]["period_type"], rows[0]["period"], rows[0]["period_start"], rows[0]["period_end"], True)
        if rows
        else None
    )


def scopes(wh: Warehouse) -> list[Scope]:
    """The organisation, every agency and every unit."""
    found = [Scope("organisation")]
    found += [
        Scope("agency", r["agency"], r["agency"], r["agency"])
        for r in wh.rows("select distinct agency from core.dim_unit order by agency")
    ]
    found += [
        Scope("unit", r["unit_id"], r["unit_name"], r["agency"])
        for r in wh.rows("select unit_id, unit_name, agency from core.dim_unit order by agency, unit_id")
    ]
    return found


def scope_for(wh: Warehouse, unit: str | None = None, agency: str | None = None) -> Scope:
    if unit:
        rows = wh.rows("select unit_id, unit_name, agency from core.dim_unit where unit_id = ?", [unit])
        if not rows:
            raise ReportError(f"unit {unit!r} is not in core.dim_unit of {wh.path}")
        return Scope("unit", rows[0]["unit_id"], rows[0]["unit_name"], rows[0]["agency"])
    if agency:
        rows = wh.rows("select distinct agency from core.dim_unit where agency = ?", [agency])
        if not rows:
            raise ReportError(f"agency {agency!r} is not in core.dim_unit of {wh.path}")
        return Scope("agency", agency, agency, agency)
    return Scope("organisation")


@per_period
def agency_units(wh: Warehouse) -> dict[str, frozenset[str]]:
    """The units of each agency (core.dim_unit), read once per open warehouse."""
    units: dict[str, set[str]] = {}
    for row in wh.rows("select unit_id, agency from core.dim_unit"):
        units.setdefault(row["agency"], set()).add(row["unit_id"])
    return {agency: frozenset(ids) for agency, ids in units.items()}


# A page reads its scope's rows out of the whole period's, read once for every page of the period: one query
# per mart and period instead of one per mart and page (about 21 per page).
RowTest = Callable[[dict], bool]


def _unit_rows(scope: Scope) -> RowTest:
    """The rows of the units in a scope (by their unit_id / agency columns)."""
    if scope.kind == "unit":
        return lambda row: row["unit_id"] == scope.id
    if scope.kind == "agency":
        return lambda row: row["agency"] == scope.agency
    return lambda row: True


class SharedRows:
    """Every scope's rows of a query, in its order, for the pages that each show some of them. Pages get copies:
    a page may add keys to its rows."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self._positions: dict[tuple, list[int]] | None = None

    def where(self, test: RowTest) -> list[dict]:
        return [dict(row) for row in self.rows if test(row)]

    def of_scope(self, wh: Warehouse, scope: Scope, with_units: bool = True) -> list[dict]:
        """The (scope_type, scope_id) rows of a scope: its headline scope(s), and its units when with_units."""
        if scope.kind == "organisation":
            kinds = ("agency", "unit") if with_units else ("agency",)
            return self.where(lambda row: row["scope_type"] in kinds)
        if self._positions is None:
            self._positions = {}
            for position, row in enumerate(self.rows):
                self._positions.setdefault((row["scope_type"], row["scope_id"]), []).append(position)
        keys = [("unit", scope.id)] if scope.kind == "unit" else [("agency", scope.id)]
        if scope.kind == "agency" and with_units:
            keys += [("unit", unit) for unit in agency_units(wh).get(scope.agency, ())]
        return [dict(self.rows[p]) for p in sorted(p for key in keys for p in self._positions.get(key, ()))]


@per_period
def _period_rows(wh: Warehouse, table: str, period: Period, order: str) -> SharedRows:
    return SharedRows(
        wh.rows(
            f"select * from {table} where period_type = ? and period_start = ?{order}",
            [period.period_type, period.start],
        )
    )


# --- sections ------------------------------------------------------------------------------------------


def _order(sql_cols: str = "") -> str:
    return " order by case scope_type when 'agency' then 0 else 1 end, scope_name" + sql_cols


def scorecard(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    rows = _period_rows(wh, "marts.mart_balanced_scorecard_period", period, _order())
    return rows.of_scope(wh, scope, with_units=scope.kind != "unit")


def targets(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    rows = _period_rows(wh, "marts.mart_effectiveness_period", period, " order by unit_name, indicator")
    rows = rows.where(_unit_rows(scope))
    # An IKM target has a row per survey method the unit used (ikm_method); keep them in a stable order.
    return sorted(rows, key=lambda r: (r["unit_name"], r["indicator"], r.get("ikm_method") or ""))


def ikm(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    rows = _period_rows(wh, "marts.mart_ikm_period", period, _order(", method")).of_scope(wh, scope)
    if wh.has("marts", "mart_ikm_confidence_period"):
        ci = {
            (r["scope_type"], r["scope_id"]): r
            for r in _period_rows(wh, "marts.mart_ikm_confidence_period", period, "").rows
        }
        for row in rows:
            match = ci.get((row["scope_type"], row["scope_id"]))
            if match and abs((match.get("ikm_converted") or 0) - (row["ikm_converted"] or 0)) < 1e-9:
                row["ci"] = match
    return rows


def ikm_unsur(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    rows = _period_rows(wh, "marts.mart_ikm_unsur_period", period, " order by scope_name, method, unsur_no")
    return rows.of_scope(wh, scope, with_units=False)


def queue(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    return _period_rows(wh, "marts.mart_queue_period", period, _order()).of_scope(wh, scope)


def complaints(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    return _period_rows(wh, "marts.mart_complaint_period", period, _order()).of_scope(wh, scope)


def complaint_mix(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    rows = _period_rows(
        wh, "marts.mart_complaint_mix_period", period, " order by scope_name, complaints desc, mix_value"
    )
    return [row for row in rows.of_scope(wh, scope, with_units=False) if row["mix_field"] == "category"]


@per_period
def _zona_integritas_year(wh: Warehouse, year: int) -> SharedRows:
    return SharedRows(
        wh.rows("select * from marts.mart_zi_survey_unit_year where year = ? order by agency, unit_name", [year])
    )


def zona_integritas(wh: Warehouse, period: Period, scope: Scope) -> list[dict]:
    return _zona_integritas_year(wh, period.start.year).where(_unit_rows(scope))


# Control charts: marts.mart_kpi_control (grain week|month). The chart's window ends with the period.
CONTROL_KPIS = ("queue_sla_share", "queue_wait_mean_minutes", "queue_wait_p90_minutes")
CONTROL_WINDOW = {"month": 13, "quarter": 26, "year": 24}  # points shown, ending with the period


@per_period
def _control_rows(wh: Warehouse, grain: str, end: date) -> SharedRows:
    kpis = "kpi in (" + ", ".join("?" for _ in CONTROL_KPIS) + ")"
    return SharedRows(
        wh.rows(
            f"select *, {grain} as _grain from marts.mart_kpi_control where {kpis} and period_start <= ? "
            "order by scope_type, scope_name, kpi, period_start",
            [*CONTROL_KPIS, end],
        )
    )


def control(wh: Warehouse, period: Period, scope: Scope) -> list[dict] | None:
    """Series of marts.mart_kpi_control for the headline scope(s), or None while the mart is not published."""
    if not wh.has("marts", "mart_kpi_control"):
        return None
    cols = set(wh.columns("marts", "mart_kpi_control"))
    # Weeks show a month or quarter in enough points; a year is read in months. A KPI charted only in
    # the other grain is shown in that one.
    preferred = "month" if period.period_type == "year" else "week"
    grain = "grain" if "grain" in cols else "'week'"
    rows = _control_rows(wh, grain, period.end).of_scope(wh, scope, with_units=False)
    series: dict[tuple, dict] = {}
    for row in rows:
        key = (row["scope_type"], row["scope_id"], row["kpi"], row["_grain"])
        item = series.setdefault(
            key,
            {
                "scope_name": row.get("scope_name") or row["scope_id"],
                "scope_id": row["scope_id"],
                "kpi": row["kpi"],
                "kpi_label": row.get("kpi_label") or row["kpi"],
                "chart": row.get("chart"),
                "grain": row["_grain"],
                "points": [],
            },
        )
        if isinstance(row["period_start"], datetime):
            row["period_start"] = row["period_start"].date()
        row["in_period"] = period.start <= row["period_start"] <= period.end
        item["points"].append(row)
    chosen = {}
    for (scope_type, scope_id, kpi, grain_of), item in series.items():
        if not any(p["in_period"] for p in item["points"]):
            continue
        if (scope_type, scope_id, kpi) not in chosen or grain_of == preferred:
            chosen[(scope_type, scope_id, kpi)] = item
    window = CONTROL_WINDOW.get(period.period_type, 13)
    out = []
    for item in chosen.values():
        item["points"] = item["points"][-max(window, sum(p["in_period"] for p in item["points"])) :]
        item["flagged"] = [p for p in item["points"] if p["in_period"] and p.get("flagged")]
        out.append(item)
    return sorted(out, key=lambda s: (s["scope_name"], CONTROL_KPIS.index(s["kpi"])))


# --- follow-up of earlier findings ---------------------------------------------------------------------


def findings(wh: Warehouse, period: Period, previous: Period | None, scope: Scope) -> list[dict]:
    """Findings of the previous period (IKM grade C/D, targets not met, flagged control points) and whether this
    period resolved them."""
    if previous is None:
        return []
    out = []
    prev_ikm = {(r["scope_type"], r["scope_id"], r["method"]): r for r in ikm(wh, previous, scope)}
    cur_ikm = {(r["scope_type"], r["scope_id"], r["method"]): r for r in ikm(wh, period, scope)}
    for key, row in prev_ikm.items():
        if row["mutu"] in ("C", "D"):
            now = cur_ikm.get(key)
            out.append(
                {
                    "kind": "grade",
                    "scope_name": row["scope_name"],
                    "scope_type": row["scope_type"],
                    "what": {"grade": row["mutu"]},
                    "previous": row["ikm_converted"],
                    "previous_text": row["mutu"],
                    "current": now["ikm_converted"] if now else None,
                    "current_text": now["mutu"] if now else None,
                    "status": "no_current_data" if not now else ("resolved" if now["mutu"] in ("A", "B") else "open"),
                    "format": "num",
                }
            )
    cur_targets = {(r["unit_id"], r["indicator"]): r for r in targets(wh, period, scope)}
    for row in targets(wh, previous, scope):
        if row["status"] == "not met":
            now = cur_targets.get((row["unit_id"], row["indicator"]))
            status = (
                "no_current_data"
                if not now or now["status"] in ("no data", "unknown indicator")
                else ("resolved" if now["status"] == "met" else "open")
            )
            out.append(
                {
                    "kind": "target",
                    "code": row["indicator"],
                    "scope_name": row["unit_name"],
                    "scope_type": "unit",
                    "what": {"indicator": row["indicator"]},
                    "previous": row["realisation"],
                    "previous_text": None,
                    "current": now["realisation"] if now else None,
                    "current_text": None,
                    "status": status,
                    "format": "pct" if "share" in row["indicator"] or "rate" in row["indicator"] else "num",
                    "target": row["target"],
                }
            )
    prev_control = control(wh, previous, scope) or []
    cur_control = {(s["scope_id"], s["kpi"]): s for s in (control(wh, period, scope) or [])}
    for series in prev_control:
        for point in series["flagged"]:
            now = cur_control.get((series["scope_id"], series["kpi"]))
            in_now = [p for p in now["points"] if p["in_period"]] if now else []
            out.append(
                {
                    "kind": "flag",
                    "code": series["kpi"],
                    "scope_name": series["scope_name"],
                    "scope_type": point["scope_type"],
                    "what": {
                        "kpi": series["kpi_label"],
                        "signal": f"{point.get('period')}: {point.get('signal') or 'flagged'}",
                    },
                    "previous": point["value"],
                    "previous_text": None,
                    "current": in_now[-1]["value"] if in_now else None,
                    "current_text": None,
                    "status": "no_current_data"
                    if not in_now
                    else ("open" if any(p.get("flagged") for p in in_now) else "resolved"),
                    "format": "pct" if "share" in series["kpi"] else "num",
                }
            )
    return out


# --- data quality --------------------------------------------------------------------------------------


def _in_period(period: Period) -> tuple[str, list]:
    # Reference files are not daily partitions: they count in every period.
    return (
        "(try_cast(partition_key as date) is null or try_cast(partition_key as date) between ? and ?)",
        [period.start, period.end],
    )


@per_period
def contract_results(wh: Warehouse, period: Period) -> list[dict]:
    cond, params = _in_period(period)
    return wh.rows(
        f"""select dataset, rule, any_value(description) as description, sum(rows_evaluated) as rows_evaluated,
                   sum(rows_failed) as rows_failed,
                   1 - sum(rows_failed) / nullif(sum(rows_evaluated), 0) as pass_rate
            from audit.validation_results where {cond}
            group by dataset, rule order by dataset, rows_failed desc, rule""",
        params,
    )


@per_period
def quarantine_by_rule(wh: Warehouse, period: Period) -> list[dict]:
    # Only counts: quarantined raw values are evidence for the data engineer, never printed in the pack.
    cond, params = _in_period(period)
    return wh.rows(
        f"""select dataset, rule, count(*) as rows
            from (select dataset, unnest(rules) as rule from audit.quarantine where {cond})
            group by dataset, rule order by dataset, rows desc, rule""",
        params,
    )


@per_period
def sources(wh: Warehouse, period: Period) -> list[dict]:
    cond, params = _in_period(period)
    rows = wh.rows(
        f"""select dataset, profile, count(distinct source_file) as files,
                   count(distinct source_file) filter (where file_status = 'rejected') as files_rejected,
                   sum(rows_in) as rows_in, sum(rows_loaded) as rows_loaded, sum(rows_quarantined) as rows_quarantined,
                   max(try_cast(partition_key as date)) filter (where rows_loaded > 0) as latest_partition,
                   max(ingested_at) as ingested_at
            from audit.row_accounting_daily where {cond}
            group by dataset, profile order by dataset, profile""",
        params,
    )
    for row in rows:
        latest = row["latest_partition"]
        row["days_behind"] = (period.end - latest).days if latest and latest < period.end else (0 if latest else None)
    return rows


# --- lineage -------------------------------------------------------------------------------------------

HEADLINE_LINEAGE = (
    # (label key, mart, column)
    ("ikm", "mart_ikm_period", "ikm_converted"),
    ("sla_share", "mart_queue_period", "sla_share"),
    ("wait_median_minutes", "mart_queue_period", "wait_median_minutes"),
    ("handled_share", "mart_complaint_period", "handled_share"),
    ("complaints_per_1000_served", "mart_complaint_period", "complaints_per_1000_served"),
    ("fee_compliance_share", "mart_queue_period", "fee_compliance_share"),
    ("targets", "mart_effectiveness_period", "status"),
)


@functools.cache
def lineage() -> list[dict]:
    """mart -> indicator tables -> core tables -> staging datasets -> contracts, from the models' parsed
    dependencies."""
    from pipelines.contracts import contracts
    from pipelines.sql_models import models

    by_name = {m.qualified: m for m in models()}
    by_table = {c.table: c for c in contracts().values()} | {c.name: c for c in contracts().values()}
    repo = Path(__file__).resolve().parents[2]
    out = []
    for label, mart, column in HEADLINE_LINEAGE:
        if f"marts.{mart}" not in by_name:
            continue
        seen, stack, layers = set(), [f"marts.{mart}"], {"indicators": set(), "core": set(), "staging": set()}
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            for schema, table in by_name[name].depends_on if name in by_name else ():
                qualified = f"{schema}.{table}"
                if schema in layers:
                    layers[schema].add(table if schema == "staging" else qualified)
                if qualified in by_name:
                    stack.append(qualified)
        staging = sorted(t for t in layers["staging"] if t in by_table)
        out.append(
            {
                "label": label,
                "mart": f"marts.{mart}",
                "column": column,
                "sql_file": str(by_name[f"marts.{mart}"].path.relative_to(repo)),
                "indicators": sorted(layers["indicators"]),
                "core": sorted(layers["core"]),
                "staging": staging,
                "contracts": sorted({str(by_table[t].path.relative_to(repo)) for t in staging}),
            }
        )
    return out


# --- workbook tables -----------------------------------------------------------------------------------

WORKBOOK_TABLES = (
    # (sheet, mart, period filter)
    ("effectiveness", "mart_effectiveness_period", "period"),
    ("balanced_scorecard", "mart_balanced_scorecard_period", "period"),
    ("ikm", "mart_ikm_period", "period"),
    ("ikm_unsur", "mart_ikm_unsur_period", "period"),
    ("ikm_confidence", "mart_ikm_confidence_period", "period"),
    ("skm_respondents", "mart_skm_respondent_profile_period", "period"),
    ("queue", "mart_queue_period", "period"),
    ("complaints", "mart_complaint_period", "period"),
    ("complaint_mix", "mart_complaint_mix_period", "period"),
    ("zona_integritas", "mart_zi_survey_unit_year", "year"),
    ("kpi_trend_month", "mart_kpi_trend_month", "month_start"),
    ("kpi_control", "mart_kpi_control", "period_start"),
    ("staffing", "mart_staffing_unit_slot", "window_end"),
    ("wait_satisfaction_month", "mart_wait_satisfaction_unit_month", "month_start"),
    ("wait_satisfaction_corr", "mart_wait_satisfaction_correlation", "all"),
    ("wait_satisfaction_band", "mart_wait_satisfaction_band", "all"),
)


def workbook_tables(wh: Warehouse, period: Period) -> list[tuple[str, str, pl.DataFrame]]:
    """(sheet, mart, rows) of each period table the warehouse has; rows exactly as the mart holds them."""
    out = []
    for sheet, mart, how in WORKBOOK_TABLES:
        columns = wh.columns("marts", mart)
        if not columns:
            continue
        quoted = ", ".join(f'"{c}"' for c in columns)
        if how == "period":
            where, params = "period_type = ? and period_start = ?", [period.period_type, period.start]
        elif how == "year":
            where, params = "year = ?", [period.start.year]
        elif how == "all":  # not by period: the whole history's figure, in every pack
            where, params = "true", []
        else:
            where, params = f'"{how}" between ? and ?', [period.start, period.end]
        order = ", ".join(
            f'"{c}"'
            for c in columns
            if c
            in (
                "scope_type",
                "scope_id",
                "unit_id",
                "method",
                "unsur_no",
                "indicator",
                "mix_field",
                "mix_value",
                "kpi",
                "grain",
                "period_start",
                "month_start",
                "staffing_scope",
                "weekday",
                "hour_of_day",
                "wait_measure",
                "satisfaction_measure",
                "band_order",
            )
        )
        rows = wh.con.sql(
            f'select {quoted} from marts."{mart}" where {where}' + (f" order by {order}" if order else ""),
            params=params,
        ).pl()
        # A HUGEINT (DuckDB's sum of integers) comes through Arrow as decimal(38,0): an integer, as Python reads it.
        huge = [c for c, (dtype, _) in wh._catalog()[("marts", mart)].items() if dtype == "HUGEINT"]
        out.append((sheet, mart, rows.with_columns(pl.col(huge).cast(pl.Int128)) if huge else rows))
    return out
