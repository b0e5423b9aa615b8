"""Render the review pack: one self-contained HTML per period and scope, and the period's Excel workbook."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, select_autoescape

from pipelines import indicators, pools
from pipelines.atomic import write_text_atomically
from pipelines.config_files import parse_yaml
from pipelines.report import charts, data, fmt, staffing
from pipelines.report import workers as report_workers
from pipelines.report.data import Period, Scope, Warehouse

HERE = Path(__file__).resolve().parent
LANGS = ("id", "en")
# SP4N-LAPOR! limits in working days: verify 3, follow-up 5 after forwarding, close 8 after receipt (3 + 5).
COMPLAINT_LIMITS = (
    ("verify", "workdays_to_verify_median", 3),
    ("respond", "workdays_to_respond_median", 5),
    ("close", "workdays_to_close_median", 8),
)
# (metric, column of mart_balanced_scorecard_period, format, decimals): the headline figures of every report.
HEADLINE = (
    ("ikm", "ikm_converted", "num", 2),
    ("sla_share", "sla_share", "pct", 1),
    ("wait_median_minutes", "wait_median_minutes", "num", 1),
    ("complaints_received", "complaints_received", "int", 0),
    ("handled_share", "handled_share", "pct", 1),
    ("complaints_per_1000_served", "complaints_per_1000_served", "num", 2),
    ("fee_compliance_share", "fee_compliance_share", "pct", 1),
)


# Label keys of the pack that name an indicator: their words come from the indicator catalogue, not labels.yaml.
INDICATOR_LABELS = {
    "ikm": "ikm_converted",
    "sla_share": "queue_sla_share",
    "wait_mean_minutes": "queue_wait_mean_minutes",
    "wait_median_minutes": "queue_wait_median_minutes",
    "wait_p90_minutes": "queue_wait_p90_minutes",
    "no_show_rate": "queue_no_show_rate",
    "abandonment_rate": "queue_abandonment_rate",
    "fee_compliance_share": "queue_fee_compliance_share",
    "verified_within_limit_share": "complaint_verified_within_limit_share",
    "responded_within_limit_share": "complaint_responded_within_limit_share",
    "closed_within_limit_share": "complaint_closed_within_limit_share",
    "handled_share": "complaint_handled_share",
    "complaints_per_1000_served": "complaints_per_1000_served",
}
SOURCES = {"queue_tickets": "queue", "survey_responses": "survey", "complaints": "complaints"}
# A hyphen inside a word ("Rata-rata", "25-100", "unit-bulan") is not a place to break a narrow header: in header
# cells it becomes U+2011, which does not break (CSS cannot forbid a break after a hyphen short of nowrap).
_WORD_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_HEADER_CELL = re.compile(r"(<th\b[^>]*>)(.*?)(</th>)", re.DOTALL)
_TAG = re.compile(r"(<[^>]*>)")


@cache
def catalogue() -> dict[str, dict[str, str]]:
    return parse_yaml((HERE / "labels.yaml").read_text(encoding="utf-8"))


def _headers_unbroken(html: str) -> str:
    """Every header cell of the page (any section's) keeps its hyphenated words on one line."""

    def cell(match: re.Match) -> str:
        parts = _TAG.split(match.group(2))
        text = "".join(p if p.startswith("<") else _WORD_HYPHEN.sub("\u2011", p) for p in parts)
        return match.group(1) + text + match.group(3)

    return _HEADER_CELL.sub(cell, html)


@cache
def labels(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise data.ReportError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    found = {key: value.get(lang, value.get("id", key)) for key, value in catalogue().items()}
    found |= {key: indicators.indicators()[code].label(lang) for key, code in INDICATOR_LABELS.items()}
    return found


def indicator_label(code: str, lang: str) -> str:
    """An indicator's name for an officer; a code the catalogue does not know is shown as written in targets.csv."""
    known = indicators.indicators().get(code)
    return known.label(lang) if known else code


def indicator_format(code: str) -> tuple[str, int]:
    known = indicators.indicators().get(code)
    if known is None:
        return ("num", 2)
    return {"share": ("pct", 1), "minutes": ("num", 1), "workdays": ("num", 1)}.get(known.measure, ("num", 2))


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _RowEnvironment(Environment):
    """Jinja's environment, looking `row.name` up as `row["name"]` first when `row` is a dict (the pages' rows
    are): Jinja tries the attribute first, and the AttributeError a dict raises was about 40 % of a page's
    rendering. The result is Jinja's own: a dict's attributes (`items`, `get`, ...) still win over its keys."""

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@cache
def _environment(lang: str, compiled: Path | None = None) -> Environment:
    """The templates with the pack's filters in `lang`; `compiled`: a folder keeping the templates compiled
    between processes (Jinja recompiles when a template's text changes). Compiling them took each process that
    draws pages 0.1-0.2 s."""
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    env = _RowEnvironment(
        loader=FileSystemLoader(HERE / "templates"),
        bytecode_cache=FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        {
            "num": lambda v, d=2: fmt.num(v, d, lang),
            "int": lambda v: fmt.integer(v, lang),
            "pct": lambda v, d=1: fmt.pct(v, d, lang),
            "idr": lambda v: fmt.idr(v, lang),
            "day": lambda v: fmt.day(v, lang),
        }
    )
    shown = {
        "num": lambda v, d: fmt.num(v, d, lang),
        "pct": lambda v, d: fmt.pct(v, d, lang),
        "int": lambda v, _d: fmt.integer(v, lang),
    }
    env.globals["show"] = lambda v, how, d=2: shown[how](v, d)
    env.globals["indicator"] = lambda code: indicator_label(code, lang)
    env.globals["indicator_format"] = indicator_format
    return env


def _scope_title(scope: Scope, L: dict) -> str:
    if scope.kind == "organisation":
        return L["organisation"]
    return f"{L[scope.kind]}: {scope.name}" + (f" ({scope.id})" if scope.kind == "unit" else "")


def _method_name(method: str | None, L: dict) -> str:
    return L.get(f"method_{method}", method or "")


class _Basis:
    """The caption under a figure: the survey method of an IKM figure and the as-of date of each source it uses."""

    def __init__(self, as_of: dict, L: dict, lang: str):
        self.as_of, self.L, self.lang = as_of, L, lang

    def __call__(self, sources: tuple[str, ...], methods: tuple[str | None, ...] = ()) -> str:
        parts = []
        known = [m for m in dict.fromkeys(methods) if m]
        if known:
            parts.append(f"{self.L['method']}: " + " + ".join(_method_name(m, self.L) for m in known))
        for source in dict.fromkeys(sources):
            parts.append(f"{self.L['as_of_' + SOURCES[source]]} {fmt.day(self.as_of.get(source), self.lang)}")
        return " \u00b7 ".join(parts)


def _figure(name: str, svg: str, basis: str, **extra) -> dict:
    return {"name": name, "svg": svg, "basis": basis, **extra}


def _achievement_figures(
    targets: list[dict], scope: Scope, methods: dict, basis: _Basis, L: dict, lang: str, empty: str
) -> list[dict]:
    """A unit's targets in one chart (a bar per indicator); a wider scope's in one chart per indicator (a bar per
    unit)."""
    catalogue = indicators.indicators()

    def item(t: dict, label: str) -> tuple:
        return (label, t["achievement_ratio"], t["status"] == "met")

    def sources_of(rows: list[dict]) -> tuple[str, ...]:
        return tuple(catalogue[t["indicator"]].source for t in rows if t["indicator"] in catalogue)

    def is_survey(t: dict) -> bool:
        return t["indicator"] in catalogue and catalogue[t["indicator"]].source == "survey_responses"

    def method_of(t: dict) -> str | None:  # the mart's own (a target judged per method), else the unit's headline one
        return t.get("ikm_method") or methods.get(t["unit_id"])

    def methods_of(rows: list[dict]) -> tuple:
        return tuple(method_of(t) for t in rows if is_survey(t))

    def named(t: dict, label: str, rows: list[dict]) -> str:
        # A unit's IKM bar says its method; a chart of units only when they differ (the caption names the one).
        differ = scope.kind == "unit" or len(set(methods_of(rows))) > 1
        return f"{label} ({_method_name(method_of(t), L)})" if is_survey(t) and differ and method_of(t) else label

    if scope.kind == "unit":
        items = [item(t, named(t, indicator_label(t["indicator"], lang), targets)) for t in targets]
        svg = charts.achievement(items, L["targets"], lang, empty)
        return [_figure("target_achievement", svg, basis(sources_of(targets), methods_of(targets)))]
    groups: dict[str, list[dict]] = {}
    for t in targets:
        groups.setdefault(t["indicator"], []).append(t)
    if not groups:
        return [_figure("target_achievement", charts.achievement([], L["targets"], lang, empty), "")]
    return [
        _figure(
            "target_achievement",
            charts.achievement(
                [item(t, named(t, t["unit_name"], rows)) for t in rows],
                f"{L['targets']} - {indicator_label(code, lang)}",
                lang,
                empty,
            ),
            basis(sources_of(rows), methods_of(rows)),
            indicator=code,
        )
        for code, rows in groups.items()
    ]


def context(wh: Warehouse, period: Period, scope: Scope, lang: str = "id", lineage: list[dict] | None = None) -> dict:
    """Everything one report shows, read from the warehouse, with its charts drawn (`lineage`: data.lineage(),
    when the caller has it)."""
    L = labels(lang)
    empty = L["no_data"]
    previous = data.previous_period(wh, period)
    as_of = data.source_as_of(wh, period)
    basis = _Basis(as_of, L, lang)

    scorecard = data.scorecard(wh, period, scope)
    headline_rows = [r for r in scorecard if r["scope_type"] == scope.headline_type]
    targets = data.targets(wh, period, scope)
    ikm_rows = data.ikm(wh, period, scope)
    unsur = data.ikm_unsur(wh, period, scope)
    queue = data.queue(wh, period, scope)
    complaints = data.complaints(wh, period, scope)
    mix = data.complaint_mix(wh, period, scope)
    control = data.control(wh, period, scope)
    unit_rows = lambda rows: [r for r in rows if r["scope_type"] == "unit"]  # noqa: E731
    head_rows = lambda rows: [r for r in rows if r["scope_type"] == scope.headline_type]  # noqa: E731
    # The method of each unit's headline IKM (the scorecard's, else the only method the unit surveyed with).
    unit_methods = {r["scope_id"]: r["method"] for r in unit_rows(ikm_rows)}
    unit_methods |= {r["scope_id"]: r["ikm_method"] for r in unit_rows(scorecard) if r.get("ikm_method")}

    # IKM: one chart per method, each over its own grade bands (2017 and legacy 2004 are separate questionnaires).
    ikm_chart_rows = [
        r for r in ikm_rows if r["scope_type"] == ("unit" if scope.kind != "organisation" else "agency")
    ] + (unit_rows(ikm_rows) if scope.kind == "organisation" else [])
    ikm_title = L["units_in_scope"] if scope.kind != "organisation" else f"{L['agency']} / {L['unit']}"
    ikm_methods = list(dict.fromkeys(r["method"] for r in ikm_chart_rows)) or [data.IKM_2017]
    ikm_figures = [
        _figure(
            "ikm_units",
            charts.ikm_units(
                [r for r in ikm_chart_rows if r["method"] == method],
                method,
                f"{L['ikm']} - {ikm_title} ({_method_name(method, L)})",
                lang,
                empty,
            ),
            basis(("survey_responses",), (method,)),
            method=method,
        )
        for method in ikm_methods
    ]
    unsur_groups: dict[tuple, list] = {}
    for row in unsur:
        unsur_groups.setdefault((row["scope_name"], row["method"]), []).append(row)
    unsur_charts = [
        _figure(
            "ikm_unsur",
            charts.ikm_unsur(rows, f"{L['nrr']} {L['unsur']} - {name} ({_method_name(method, L)})", lang, empty),
            basis(("survey_responses",), (method,)),
            scope_name=name,
            method=method,
            weakest=next((r["unsur_name"] for r in rows if r["rank_from_weakest"] == 1), None),
        )
        for (name, method), rows in unsur_groups.items()
    ]

    # Complaints: the funnel takes the stages the mart counts (verified/responded when it has them).
    complaint_cols = set(wh.columns("marts", "mart_complaint_period"))
    complaint_basis = basis(("complaints",))
    funnels, limit_charts = [], []
    for row in head_rows(complaints):
        stages = [(L["complaints_received"], row["complaints_received"])]
        for stage in ("complaints_verified", "complaints_responded"):
            if stage in complaint_cols:
                stages.append((L[stage], row[stage]))
        stages.append((L["complaints_closed"], row["complaints_closed"]))
        name = row["scope_name"]
        funnels.append(
            _figure(
                "complaint_funnel",
                charts.funnel(stages, f"{L['funnel']} - {name}", lang, empty),
                complaint_basis,
                scope_name=name,
            )
        )
        items = [(L[key], row[column], limit) for key, column, limit in COMPLAINT_LIMITS]
        limit_charts.append(
            _figure(
                "complaint_limits",
                charts.limits(items, f"{L['limits']} - {name}", lang, L["limit"], empty),
                complaint_basis,
                scope_name=name,
            )
        )
    mix_groups: dict[str, list] = {}
    for row in mix:
        mix_groups.setdefault(row["scope_name"], []).append(row)
    category_labels = {k[4:]: v for k, v in L.items() if k.startswith("cat_")}
    mix_charts = [
        _figure(
            "complaint_mix",
            charts.mix(rows, category_labels, f"{L['category_mix']} - {name}", lang, empty),
            complaint_basis,
            scope_name=name,
        )
        for name, rows in mix_groups.items()
    ]

    control_charts = None
    if control is not None:
        control_charts = []
        for s in control:
            label = indicator_label(s["kpi"], lang) if s["kpi"] in indicators.indicators() else s["kpi_label"]
            kind, grain = L.get(f"chart_{s['chart']}", s["chart"] or ""), L.get(f"grain_{s['grain']}", s["grain"])
            how = " ".join(x for x in (kind, grain) if x)
            known = indicators.indicators().get(s["kpi"])
            control_charts.append(
                _figure(
                    "control",
                    charts.control_chart(s, f"{label} - {s['scope_name']} ({how})", lang),
                    basis((known.source if known else "queue_tickets",)),
                    scope_name=s["scope_name"],
                    kpi=s["kpi"],
                    kpi_label=label,
                    flagged=s["flagged"],
                    share="share" in s["kpi"],
                )
            )

    findings = data.findings(wh, period, previous, scope)
    for f in findings:  # name the indicator or KPI of a finding as the catalogue does
        if f.get("code") in indicators.indicators():
            key = "indicator" if f["kind"] == "target" else "kpi"
            f["what"] = {**f["what"], key: indicator_label(f["code"], lang)}

    chart_rows = unit_rows(queue) if scope.kind != "unit" else queue
    queue_basis = basis(("queue_tickets",))
    return {
        "lang": lang,
        "L": L,
        "period": period,
        "previous": previous,
        "scope": scope,
        "scope_title": _scope_title(scope, L),
        "data_end": data.data_end(wh),
        "as_of": as_of,
        "sources_basis": basis(tuple(SOURCES)),
        "basis": basis,  # basis(("queue_tickets",), methods): the caption a figure of any section carries
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "headline": HEADLINE,
        "headline_rows": headline_rows,
        "scorecard": scorecard,
        "targets": targets,
        "targets_met": sum(1 for t in targets if t["status"] == "met"),
        "achievement_figures": _achievement_figures(targets, scope, unit_methods, basis, L, lang, empty),
        "unit_methods": unit_methods,
        "ikm": ikm_rows,
        "ikm_figures": ikm_figures,
        "ikm_basis": basis(("survey_responses",)),
        "unsur_charts": unsur_charts,
        "queue": queue,
        "queue_figures": [
            _figure(
                "queue_sla",
                charts.bars(chart_rows, "sla_share", L["sla_share"], lang, empty, share=True, name="queue_sla"),
                queue_basis,
            ),
            _figure(
                "queue_waits",
                charts.waits(
                    chart_rows,
                    {"median": L["median"], "p90": L["p90"]},
                    f"{L['wait_median_minutes']} / P90",
                    lang,
                    empty,
                ),
                queue_basis,
            ),
        ],
        "control_charts": control_charts,
        "complaints": complaints,
        "complaint_head": head_rows(complaints),
        "funnels": funnels,
        "limit_charts": limit_charts,
        "mix_charts": mix_charts,
        "funnel_partial": not {"complaints_verified", "complaints_responded"} <= complaint_cols,
        "fee_figure": _figure(
            "fee_compliance",
            charts.bars(
                chart_rows,
                "fee_compliance_share",
                L["fee_compliance_share"],
                lang,
                empty,
                share=True,
                name="fee_compliance",
            ),
            queue_basis,
        ),
        "zi": data.zona_integritas(wh, period, scope),
        "findings": findings,
        "contract_results": data.contract_results(wh, period),
        "quarantine": data.quarantine_by_rule(wh, period),
        "sources": data.sources(wh, period),
        "lineage": data.lineage() if lineage is None else lineage,
        **staffing.context(wh, period, scope, lang),  # "Kebutuhan loket" and waiting vs satisfaction
    }


def render_html(ctx: dict, compiled: Path | None = None) -> str:
    env = _environment(ctx["lang"], compiled)
    return _headers_unbroken(env.get_template("report.html.j2").render(**ctx))


def _write(path: Path, text: str | bytes) -> None:
    """Write beside and rename: a reader never opens half a report."""
    created = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
    path.parent.mkdir(parents=True, exist_ok=True)
    for folder in created:  # readable by others, writable only by the pipeline, whatever the caller's umask
        os.chmod(folder, 0o755)
    write_text_atomically(path, text, mode=0o644)


def report_path(out: Path, period: Period, scope: Scope, lang: str) -> Path:
    return out / period.period / lang / f"{scope.slug}.html"


def workbook_path(out: Path, period: Period) -> Path:
    return out / period.period / f"mutu-indicators-{period.period}.xlsx"


def render_pack(
    warehouse: Path,
    out: Path,
    periods: list[str] | None = None,
    unit: str | None = None,
    agency: str | None = None,
    lang: str = "id",
    chart_cache: Path | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Reports (and the workbook) for the given period labels, or the latest complete month, quarter and year.

    Without unit/agency: the organisation, every agency and every unit. Returns the files written. With
    chart_cache, charts whose inputs did not change since the last rendering are reused, not redrawn.
    Pages are drawn by `workers` processes (default: one per CPU) when there are enough of them. Without period
    labels, a warehouse that holds no period with data yet (every record quarantined, every file rejected) draws
    nothing: the run's accounting says why, and the next run with data draws the pack.
    """
    labels(lang)  # an unknown language fails before anything is written
    with data.open_published(warehouse) as wh:
        chosen = [data.period_by_label(wh, p) for p in periods] if periods else data.latest_periods(wh)
        if not chosen:
            return []
        wanted = [data.scope_for(wh, unit, agency)] if unit or agency else data.scopes(wh)
    jobs = [(period, None) for period in chosen] + [(period, scope) for period in chosen for scope in wanted]
    workers = min(workers or pools.cpus(), max(1, len(jobs) // PAGES_PER_WORKER))
    # Read here once (the contracts and SQL models it parses cost more than a page): workers are handed it.
    lineage = data.lineage()
    if workers == 1:
        written, used = _render_jobs(warehouse, out, lang, chart_cache, jobs, lineage)
    else:
        # The processes `mutu run` started during the build (pipelines/report/workers.py), else new ones. This
        # process draws the first share while new ones start (a new process imports for half a second).
        started = report_workers.take(workers - 1)
        shares = _shares(jobs, workers, started=started is not None)
        with started or pools.spawn(workers - 1) as pool:
            # One DuckDB thread each: the processes already fill the cores.
            others = [pool.submit(_render_jobs, warehouse, out, lang, chart_cache, s, lineage, 1) for s in shares[1:]]
            results = [_render_jobs(warehouse, out, lang, chart_cache, shares[0], lineage, 1)]
            results += [other.result() for other in others]
        written = [path for paths, _ in results for path in paths]
        used = set().union(*(names for _, names in results))
    if chart_cache is not None and not (periods or unit or agency):
        charts.prune(chart_cache, used)
    return sorted(written)


PAGES_PER_WORKER = 12  # below this many pages per extra process, starting it costs more than it saves
# Measured in pages (about 13 ms each): a workbook is 18 pages and one more per 11 days of its period (a month's
# 0.27 s, a year's 0.67 s), and a new process imports for as long as 33 pages take.
WORKBOOK_PAGES, WORKBOOK_DAYS_PER_PAGE, START_PAGES = 18, 11, 33


def _cost(job: tuple[Period, Scope | None]) -> float:
    period, scope = job
    return 1.0 if scope is not None else WORKBOOK_PAGES + (period.end - period.start).days / WORKBOOK_DAYS_PER_PAGE


def _shares(
    jobs: list[tuple[Period, Scope | None]], workers: int, started: bool = False
) -> list[list[tuple[Period, Scope | None]]]:
    """Jobs split so that every process ends about together: longest first, each to the least loaded share. The
    first share is this process's, which starts at once; the others start when their process has imported, unless
    they were `started` before the pack."""
    loads = [0.0] + [0.0 if started else float(START_PAGES)] * (workers - 1)
    shares: list[list] = [[] for _ in range(workers)]
    for job in sorted(jobs, key=_cost, reverse=True):
        least = loads.index(min(loads))
        shares[least].append(job)
        loads[least] += _cost(job)
    return shares


def _render_jobs(
    warehouse: Path,
    out: Path,
    lang: str,
    chart_cache: Path | None,
    jobs: list[tuple[Period, Scope | None]],
    lineage: list[dict],
    threads: int | None = None,
) -> tuple[list[Path], set[str]]:
    """Render (period, scope) pages and (period, None) workbooks; returns the files and the cached charts used."""
    from pipelines.report.workbook import write_workbook

    written = []
    compiled = chart_cache.parent / "templates" if chart_cache is not None else None  # beside the charts
    with data.open_published(warehouse, threads) as wh, charts.cached_in(chart_cache) as used:
        for period, scope in jobs:
            if scope is None:
                path = workbook_path(out, period)
                _write(path, write_workbook(wh, period))
            else:
                path = report_path(out, period, scope, lang)
                _write(path, render_html(context(wh, period, scope, lang, lineage), compiled))
            written.append(path)
    return written, used
