"""The management review pack: rendered from the published warehouse of the small landing zone, opened in
headless Chromium (PNG and PDF in tests/artifacts/), its headline figures read back from the DOM and compared
with the marts; the workbook opened with openpyxl; `mutu report` through the CLI entry point.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.report import fmt
from tests.conftest import PERSONAL

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECTIONS = ("summary", "ikm", "queue", "control", "complaints", "fees", "zi", "followup", "dq")
CHARTS = (
    "target_achievement",
    "ikm_units",
    "ikm_unsur",
    "queue_sla",
    "queue_waits",
    "complaint_funnel",
    "complaint_limits",
    "complaint_mix",
    "fee_compliance",
)


def _home(published: Path) -> Path:
    return published.parent.parent


def _has_mart(con, name: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ?", [name]
        ).fetchall()[0][0]
    )


@pytest.fixture(scope="module")
def pack(published, tmp_path_factory) -> dict:
    """Quarter 2026-Q3 for the organisation, every agency and unit, in both languages."""
    from pipelines.report.render import render_pack

    out = tmp_path_factory.mktemp("reports")
    written = render_pack(published, out, periods=["2026-Q3"])
    written += render_pack(published, out, periods=["2026-Q3"], unit="U1", lang="en")
    return {"out": out, "written": written}


def test_every_run_writes_the_pack_of_the_latest_periods(published):
    """The reports/review_pack asset ran in `mutu run`: latest complete month (July; data end 28 August), and the
    quarter and year, which have no complete period yet, as their latest (partial) ones."""
    reports = _home(published) / "reports"
    for period in ("2026-07", "2026-Q3", "2026"):
        names = {p.name for p in (reports / period / "id").glob("*.html")}
        assert names == {
            "organisation.html",
            "agency-Dukcapil.html",
            "agency-DPMPTSP.html",
            "unit-U1.html",
            "unit-U2.html",
        }, period
        assert (reports / period / f"mutu-indicators-{period}.xlsx").exists()
    assert "Periode belum lengkap" in (reports / "2026-Q3" / "id" / "unit-U1.html").read_text()
    assert "Periode belum lengkap" not in (reports / "2026-07" / "id" / "unit-U1.html").read_text()


def test_the_pack_is_drawn_in_its_own_run_after_the_warehouse_is_published(published):
    """BI reads the new warehouse before the charts are drawn: `mutu run` ends the warehouse run (publish included)
    before it starts the review pack's, and the Dagster daemon draws the pack by a sensor of its own."""
    from dagster import AssetKey, DagsterInstance, DagsterRunStatus, RunsFilter

    from pipelines.definitions import defs
    from pipelines.jobs import REVIEW_PACK_JOB, WAREHOUSE_JOB

    pack_key = AssetKey(["reports", "review_pack"])
    warehouse_job, pack_job = defs.resolve_job_def(WAREHOUSE_JOB), defs.resolve_job_def(REVIEW_PACK_JOB)
    assert pack_key not in warehouse_job.asset_layer.executable_asset_keys
    assert AssetKey(["publish", "warehouse"]) in warehouse_job.asset_layer.executable_asset_keys
    assert set(pack_job.asset_layer.executable_asset_keys) == {pack_key}
    automation = next(s for s in defs.sensors if s.name == "review_pack_automation")
    assert automation.asset_selection.resolve(defs.resolve_asset_graph()) == {pack_key}

    instance = DagsterInstance.from_config(str(_home(published) / "dagster"))
    runs = {
        r.job_name: instance.get_run_record_by_id(r.run_id)
        for r in instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.SUCCESS]))
    }
    assert runs[WAREHOUSE_JOB].end_time <= runs[REVIEW_PACK_JOB].start_time
    assert (_home(published) / "warehouse" / "mutu.duckdb").stat().st_mtime <= runs[REVIEW_PACK_JOB].start_time


def test_reports_are_self_contained_and_hold_no_personal_data(pack):
    for path in pack["written"]:
        if path.suffix != ".html":
            continue
        text = path.read_text(encoding="utf-8")
        # Namespace names (xmlns="http://www.w3.org/2000/svg") are identifiers, never fetched; nothing else may
        # point out.
        assert not re.search(r"(?:src|href|action)\s*=\s*[\"']?\s*(?:https?:|//)", text, flags=re.IGNORECASE)
        assert not re.search(r"url\(\s*[\"']?\s*(?:https?:|//)", text, flags=re.IGNORECASE)
        assert "<script" not in text and "<link" not in text and "@import" not in text and "url(http" not in text
        for value in PERSONAL.values():
            assert value not in text, (path, value)


# --- in the browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing in CI: .ci/run installs the Debian package before the tests")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


def _open(browser, path: Path):
    page = browser.new_page(viewport={"width": 1100, "height": 1400})
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, requests


def _headline_matches(page, con, period: str, lang: str) -> int:
    """Every figure marked data-metric equals its mart value, formatted; returns how many were compared."""
    cells = page.locator("[data-metric]")
    checked = 0
    for i in range(cells.count()):
        cell = cells.nth(i)
        column, (scope_type, scope_id), how = (
            cell.get_attribute("data-metric"),
            cell.get_attribute("data-scope").split(":", 1),
            cell.get_attribute("data-format"),
        )
        value = con.execute(
            f'select "{column}" from marts.mart_balanced_scorecard_period '
            "where period = ? and scope_type = ? and scope_id = ?",
            [period, scope_type, scope_id],
        ).fetchall()[0][0]
        shown = fmt.parse(cell.inner_text(), lang)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            assert shown is None, (column, scope_id)
        else:
            decimals = int(how[3:])
            if how.startswith("pct"):
                assert shown == pytest.approx(round(value * 100, decimals) / 100, abs=1e-9), (
                    column,
                    scope_id,
                    value,
                    shown,
                )
            else:
                assert shown == pytest.approx(round(value, decimals), abs=1e-9), (column, scope_id, value, shown)
        checked += 1
    return checked


@pytest.mark.parametrize("name", ["unit-U1", "organisation"])
def test_report_in_chromium(browser, pack, warehouse, name):
    path = pack["out"] / "2026-Q3" / "id" / f"{name}.html"
    page, requests = _open(browser, path)
    try:
        for section in SECTIONS:
            assert page.locator(f'section[data-section="{section}"] h2').count() == 1, section
        charts = {
            page.locator("svg.chart").nth(i).get_attribute("data-chart")
            for i in range(page.locator("svg.chart").count())
        }
        expected = set(CHARTS) | ({"control"} if _has_mart(warehouse, "mart_kpi_control") else set())
        assert expected <= charts, expected - charts
        # Every chart is drawn: it has a size and marks in it.
        for i in range(page.locator("svg.chart").count()):
            box = page.locator("svg.chart").nth(i).bounding_box()
            assert box and box["width"] > 100 and box["height"] > 20
        if not _has_mart(warehouse, "mart_kpi_control"):
            assert page.locator('[data-role="control-missing"]').count() == 1

        checked = _headline_matches(page, warehouse, "2026-Q3", "id")
        # unit: seven tiles; organisation: seven columns per agency (Dukcapil, DPMPTSP).
        assert checked == (7 if name == "unit-U1" else 14)

        # IKM in the table equals the mart's, to two decimals (Indonesian decimal comma).
        ikm_cells = page.locator("[data-ikm]")
        assert ikm_cells.count() >= 1
        for i in range(ikm_cells.count()):
            scope_type, scope_id, method = ikm_cells.nth(i).get_attribute("data-ikm").split(":")
            value = warehouse.execute(
                "select ikm_converted from marts.mart_ikm_period "
                "where period = '2026-Q3' and scope_type = ? and scope_id = ? and method = ?",
                [scope_type, scope_id, method],
            ).fetchall()[0][0]
            assert ikm_cells.nth(i).inner_text() == fmt.num(value, 2, "id")

        text = page.inner_text("body")
        assert "Laporan Tinjauan Manajemen" in text and "2026-Q3" in text
        page.screenshot(path=str(ARTIFACTS / f"review_pack_{name}.png"), full_page=True)
        pdf = page.pdf(path=str(ARTIFACTS / f"review_pack_{name}.pdf"), format="A4", print_background=True)
        assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= len(SECTIONS)
        assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
        assert len(requests) == 1  # the file itself: no stylesheet, font, script or image fetched
    finally:
        page.close()


def test_headline_figures_of_the_unit_golden(warehouse):
    """U1 in 2026-Q3 by hand (tests/conftest.py): served tickets T1, T2, T5 on 30 July within 15 minutes: T1 (10 min)
    and T2 (20 min > 15) and T5 (40 min), and T1 on 3 August (20 min <= 30): SLA 2/4; complaints C1..C4: 4 received."""
    row = warehouse.execute(
        "select sla_share, complaints_received from marts.mart_balanced_scorecard_period "
        "where period = '2026-Q3' and scope_type = 'unit' and scope_id = 'U1'"
    ).fetchall()[0]
    assert row == (pytest.approx(0.5), 4)


def test_english_report_in_chromium(browser, pack, warehouse):
    page, requests = _open(browser, pack["out"] / "2026-Q3" / "en" / "unit-U1.html")
    try:
        text = page.inner_text("body")
        assert "Management Review Report" in text and "Laporan Tinjauan Manajemen" not in text
        assert page.locator("html").get_attribute("lang") == "en"
        assert _headline_matches(page, warehouse, "2026-Q3", "en") == 7
        page.screenshot(path=str(ARTIFACTS / "review_pack_unit-U1_en.png"), full_page=True)
        assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
    finally:
        page.close()


# --- workbook ----------------------------------------------------------------------------------------


def _same(cell, value) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell is None
    if isinstance(value, float):
        return isinstance(cell, (int, float)) and cell == pytest.approx(value, rel=1e-12, abs=1e-12)
    if isinstance(value, datetime):
        return cell == value.replace(tzinfo=None)
    if isinstance(value, date):
        return cell.date() == value if isinstance(cell, datetime) else cell == value
    if isinstance(value, (list, tuple, dict)):
        return cell == str(value)
    return cell == value


def test_workbook_sheets_formats_and_values(pack, warehouse):
    from openpyxl import load_workbook

    from pipelines.report.data import WORKBOOK_TABLES

    book = load_workbook(pack["out"] / "2026-Q3" / "mutu-indicators-2026-Q3.xlsx")
    expected = [sheet for sheet, mart, _ in WORKBOOK_TABLES if _has_mart(warehouse, mart)]
    assert book.sheetnames == ["about", *expected]
    for sheet, mart, how in WORKBOOK_TABLES:
        if sheet not in book.sheetnames:
            continue
        ws = book[sheet]
        assert ws.freeze_panes == "A2", sheet
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), sheet
        header = [c.value for c in ws[1]]
        columns = [
            r[0]
            for r in warehouse.execute(
                "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ? "
                "order by column_index",
                [mart],
            ).fetchall()
        ]
        assert header == columns, sheet
        if how == "period":
            rows = warehouse.execute(f"select * from marts.{mart} where period = '2026-Q3'").fetchall()
        elif how == "year":
            rows = warehouse.execute(f"select * from marts.{mart} where year = 2026").fetchall()
        elif how == "all":  # a figure of the whole history, in every period's workbook
            rows = warehouse.execute(f"select * from marts.{mart}").fetchall()
        else:
            rows = warehouse.execute(
                f"select * from marts.{mart} where {how} between date '2026-07-01' and date '2026-09-30'"
            ).fetchall()
        cells = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]
        assert len(cells) == len(rows), sheet
        # Same rows, order aside: match each sheet row to a mart row.
        remaining = list(rows)
        for got in cells:
            match = next((r for r in remaining if all(_same(g, v) for g, v in zip(got, r, strict=False))), None)
            assert match is not None, (sheet, got)
            remaining.remove(match)
        assert all((ws.column_dimensions[c].width or 0) >= 10 for c in "AB")

    def fmt_of(sheet, column):
        ws = book[sheet]
        index = [c.value for c in ws[1]].index(column) + 1
        return ws.cell(row=2, column=index).number_format

    assert fmt_of("queue", "sla_share") == "0.0%"
    assert fmt_of("queue", "tickets_issued") == "#,##0"
    assert fmt_of("queue", "wait_mean_minutes") == "#,##0.00"
    assert fmt_of("ikm", "ikm_converted") == "0.00"
    assert fmt_of("complaints", "handled_share") == "0.0%"
    assert book["about"].max_row > 10  # column meanings from the warehouse comments


# --- the command -------------------------------------------------------------------------------------


def test_mutu_report_cli(published, tmp_path, capsys):
    from pipelines.cli import main

    home = str(_home(published))
    assert main(["report", "--period", "2026-Q3", "--unit", "U1", "--home", home, "--out", str(tmp_path)]) == 0
    html = (tmp_path / "2026-Q3" / "id" / "unit-U1.html").read_text(encoding="utf-8")
    assert '<html lang="id">' in html and "Laporan Tinjauan Manajemen" in html
    assert (
        main(
            [
                "report",
                "--period",
                "2026-07",
                "--agency",
                "Dukcapil",
                "--lang",
                "en",
                "--home",
                home,
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    html = (tmp_path / "2026-07" / "en" / "agency-Dukcapil.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Management Review Report" in html
    assert (tmp_path / "2026-07" / "mutu-indicators-2026-07.xlsx").exists()
    capsys.readouterr()

    assert main(["report", "--period", "2019-Q1", "--home", home, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mutu report: no data for period '2019-Q1'") and "2026-Q3" in err

    for malformed in ("2026-Q5", "2026-13", "Q3-2026", "2026-q3"):
        assert main(["report", "--period", malformed, "--home", home, "--out", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert err == (
            f"mutu report: {malformed!r} is not a period label: write a month (2026-07), a quarter (2026-Q3), "
            "a semester (2026-S2) or a year (2026)\n"
        )

    assert main(["report", "--period", "2026-Q3", "--home", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("mutu report: no published warehouse at")

    assert main(["report", "--period", "2026-Q3", "--unit", "NOPE", "--home", home, "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("mutu report: unit 'NOPE' is not in core.dim_unit")


def test_formatting_round_trips():
    # 1234.5 in Bahasa Indonesia is 1.234,50 and in English 1,234.50; shares are percentages.
    assert fmt.num(1234.5, 2, "id") == "1.234,50" and fmt.num(1234.5, 2, "en") == "1,234.50"
    assert fmt.pct(0.8591, 1, "id") == "85,9%" and fmt.parse("85,9%", "id") == pytest.approx(0.859)
    assert fmt.num(None) == fmt.DASH and fmt.parse(fmt.DASH) is None


def test_control_charts_and_their_follow_up_from_a_stand_in_mart(published, tmp_path):
    """Until the SPC marts are published, a copy of the warehouse gets a stand-in marts.mart_kpi_control of the
    planned interface: the control section draws it, lists the flagged points, and the follow-up section
    carries July's flagged week into August (still flagged there: open)."""
    import duckdb

    from pipelines.report.render import render_pack

    copy = tmp_path / "mutu.duckdb"
    shutil.copyfile(published, copy)
    con = duckdb.connect(str(copy))
    try:
        if _has_mart(con, "mart_kpi_control"):
            pytest.skip("the real mart_kpi_control is published; the browser test covers it")
        con.execute("""
            create table marts.mart_kpi_control as
            select 'week' as grain, cast(d as date) as period_start, strftime(cast(d as date), '%G-W%V') as period,
                   'unit' as scope_type, 'U1' as scope_id, 'Dukcapil Jakarta Pusat' as scope_name,
                   'queue_sla_share' as kpi, 'SLA share' as kpi_label, 'p' as chart, v as value, 10 as sample_size,
                   0.6 as centre_line, 0.95 as ucl, 0.25 as lcl, f as beyond_limits, 0 as run_length, f as flagged,
                   case when f then 'beyond the lower control limit' end as signal
            from (values ('2026-07-06', 0.7, false), ('2026-07-13', 0.2, true), ('2026-07-27', 0.5, false),
                         ('2026-08-03', 0.1, true)) as t(d, v, f)
        """)
    finally:
        con.close()
    written = render_pack(copy, tmp_path / "out", periods=["2026-08"], unit="U1")
    html = written[0].read_text(encoding="utf-8")
    assert 'data-chart="control"' in html and 'data-role="control-missing"' not in html
    assert "2026-W32" in html and "beyond the lower control limit" in html  # August's flagged week, listed
    followup = html[html.index('id="followup"') : html.index('id="dq"')]
    assert "2026-W29: beyond the lower control limit" in followup and "belum selesai" in followup


# --- incremental rendering -------------------------------------------------------------------------


def _without_stamp(path: Path) -> str:
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", "", path.read_text(encoding="utf-8"))


def test_kept_charts_are_reused_and_pages_are_the_same(published, tmp_path):
    """A second rendering with the chart cache draws nothing and writes the same pages as an uncached one (in
    two processes); a chart whose figures change is drawn again, and the full pack prunes what it no longer uses."""
    from pipelines.report import charts
    from pipelines.report.render import render_pack

    cache = tmp_path / "charts"
    plain = render_pack(published, tmp_path / "plain", workers=1)
    first = render_pack(published, tmp_path / "first", chart_cache=cache, workers=2)
    kept = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")}
    assert kept
    second = render_pack(published, tmp_path / "second", chart_cache=cache, workers=1)
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")} == kept  # nothing redrawn
    for a, b, c in zip(plain, first, second, strict=True):
        if a.suffix == ".html":
            assert _without_stamp(a) == _without_stamp(b) == _without_stamp(c), a.name

    rows = [{"scope_name": "U1", "sla_share": 0.8}]
    with charts.cached_in(cache) as used:
        before = charts.bars(rows, "sla_share", "SLA", "id", "-", share=True)
        after = charts.bars([{"scope_name": "U1", "sla_share": 0.6}], "sla_share", "SLA", "id", "-", share=True)
    assert "80,0" in before and "60,0" in after and len(used) == 2
    render_pack(published, tmp_path / "third", chart_cache=cache)
    assert {p.name for p in cache.glob("*.svg")} == set(kept)


def test_processes_started_before_the_pack_draw_it_or_go(published, tmp_path, monkeypatch):
    """`mutu run` starts the pack's other process while the warehouse builds (pipelines/report/workers.py): the
    pack takes it and draws what a process of its own draws; a started process no pack took is stopped."""
    import multiprocessing
    import time

    from pipelines.report import render, workers
    from pipelines.report.render import render_pack

    monkeypatch.setattr(workers, "cpus", lambda: 2)
    monkeypatch.setattr(render, "PAGES_PER_WORKER", 1)
    own = render_pack(published, tmp_path / "own", workers=2)
    workers.start()
    assert workers._pool is not None
    started = render_pack(published, tmp_path / "started", workers=2)
    assert workers._pool is None  # the pack took it
    assert [p.relative_to(tmp_path / "own") for p in own] == [p.relative_to(tmp_path / "started") for p in started]
    for a, b in zip(own, started, strict=True):
        assert (_without_stamp(a) == _without_stamp(b)) if a.suffix == ".html" else _members(a) == _members(b)

    workers.start()
    workers.release()  # the run stopped before its pack
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers._pool is None and not multiprocessing.active_children()


def _members(workbook: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(workbook) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_chart_is_kept_when_only_what_it_does_not_draw_changed(tmp_path):
    """A rebuilt mart's sums differ in their last bits and its rows carry a new as-of date every night: the chart
    drawn from them is the same and is not drawn again. A change it shows is."""
    from pipelines.report import charts

    cache = tmp_path / "charts"
    row = {"scope_name": "U1", "sla_share": 0.1 + 0.2, "as_of_date": "2026-01-06"}
    with charts.cached_in(cache) as used:
        charts.bars([row], "sla_share", "SLA", "id", "-", share=True)
        drawn = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")}
        noise = {**row, "sla_share": 0.3, "as_of_date": "2026-01-07"}  # 0.1 + 0.2 != 0.3 in the last bit
        charts.bars([noise], "sla_share", "SLA", "id", "-", share=True)
        assert len(used) == 1 and {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")} == drawn
        charts.bars([{**row, "sla_share": 0.3001}], "sla_share", "SLA", "id", "-", share=True)
    assert len(used) == 2 and len(list(cache.glob("*.svg"))) == 2


# --- indicator names ---------------------------------------------------------------------------------


def test_indicators_are_named_from_one_catalogue(warehouse):
    """core.dim_indicator holds exactly pipelines/indicators.yaml, labels included, and every KPI the trend marts
    chart (but the unsur NRRs, named by their unsur) and every target indicator has a label in both languages."""
    from pipelines.indicators import indicators
    from pipelines.report.render import indicator_label

    catalogue = indicators()
    published = warehouse.execute(
        "select indicator, label_id, label_en, source_dataset from core.dim_indicator"
    ).fetchall()
    assert sorted(published) == sorted((i.code, i.label_id, i.label_en, i.source) for i in catalogue.values())
    kpis = {r[0] for r in warehouse.execute("select distinct kpi from marts.mart_kpi_trend_month").fetchall()}
    assert {k for k in kpis if not k.startswith("nrr_u")} <= set(catalogue)
    targets = {
        r[0] for r in warehouse.execute("select distinct indicator from marts.mart_effectiveness_period").fetchall()
    }
    assert targets <= set(catalogue)
    # What an officer reads, never the code.
    assert indicator_label("queue_sla_share", "id") == "Tiket dilayani dalam standar waktu tunggu"
    assert indicator_label("ikm_converted", "en") == "IKM (25-100 scale)"
    assert indicator_label("not_in_catalogue", "en") == "not_in_catalogue"  # shown as targets.csv writes it


def test_a_broken_indicator_catalogue_names_the_entry(tmp_path):
    from pipelines.errors import ContractError
    from pipelines.indicators import load

    path = tmp_path / "indicators.yaml"
    path.write_text(
        "queue_sla_share:\n  source: queue_tickets\n  higher_is_better: true\n  measure: share\n"
        "  description: SLA.\n  label: {id: Sesuai standar}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContractError, match=r"indicators.yaml: indicator 'queue_sla_share': label needs .*English"):
        load(path)
    path.write_text("queue_sla_share:\n  source: queue\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"'queue_sla_share': add higher_is_better, measure, description, label"):
        load(path)


def test_the_pack_draws_without_a_plotting_library():
    """Charts are SVG text: drawing the pack imports no matplotlib (its import and figures were most of the cold
    pack's time)."""
    import subprocess
    import sys

    code = "import sys, pipelines.report.render, pipelines.report.workbook; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_workbook_writer_keeps_every_value_type(tmp_path):
    """What pipelines/report/xlsx.py writes, openpyxl reads back as the same values and formats."""
    from decimal import Decimal

    from openpyxl import load_workbook

    from pipelines.report.xlsx import Workbook

    rows = [
        ["text", "  padded ", True, 3, 2.5, Decimal("1.25"), date(2026, 7, 1), datetime(2026, 7, 1, 8, 30), None],
        ["a\x01b & <c>", "", False, -7, float("nan"), None, None, None, 0.125],
        [["list"], {"k": 1}, None, 10**12, 1e-9, Decimal("-3"), date(1999, 12, 31), None, 0.1 + 0.2],
    ]
    formats = [None, None, None, "#,##0", "#,##0.00", "0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0.0%"]
    book = Workbook()
    sheet = book.sheet("values 'x' y", [12] * len(formats), formats)
    book.append(sheet, [f"c{i}" for i in range(len(formats))], header=True)
    for row in rows:
        book.append(sheet, row)
    path = tmp_path / "book.xlsx"
    path.write_bytes(book.save())

    ws = load_workbook(path)["values 'x' y"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:I4"
    assert ws["A1"].font.b and ws["A1"].value == "c0"
    got = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert got[0] == ["text", "  padded ", True, 3, 2.5, 1.25, datetime(2026, 7, 1), datetime(2026, 7, 1, 8, 30), None]
    assert got[1] == ["ab & <c>", "", False, -7, None, None, None, None, 0.125]  # XML-illegal \x01 dropped
    assert got[2][:6] == ["['list']", "{'k': 1}", None, 10**12, 1e-9, -3]
    assert got[2][6] == datetime(1999, 12, 31)
    assert got[2][8] == 0.1 + 0.2  # 0.30000000000000004: 17 significant digits, every float reads back the same
    assert [ws.cell(row=2, column=i + 1).number_format for i in (3, 4, 5, 6, 8)] == [
        "#,##0",
        "#,##0.00",
        "0.00",
        "yyyy-mm-dd",
        "0.0%",
    ]


def test_a_frame_is_written_as_its_rows_are(tmp_path):
    """append_frame (column by column, for the marts) writes the values `append` (cell by cell) writes: openpyxl
    reads the same back, whatever the column's type, nulls, NaN, escapes and floats needing an exponent included."""
    import random
    from decimal import Decimal

    import polars as pl
    from openpyxl import load_workbook

    from pipelines.report.xlsx import Workbook

    random.seed(7)
    floats = [random.random() * 10 ** random.randint(-12, 20) * random.choice((1, -1)) for _ in range(300)]
    n = len(floats)
    frame = pl.DataFrame(
        {
            "f": floats,
            "odd": [float("nan"), float("inf"), None, 1e-7, -0.0, 1e16] * (n // 6),
            "f32": pl.Series([0.1] * n, dtype=pl.Float32),
            "i": [None if k % 7 == 0 else k * 10**9 for k in range(n)],
            "huge": pl.Series([2**70 + k for k in range(n)], dtype=pl.Int128),
            "d": pl.Series([Decimal("1.250"), None, Decimal("-3.000")] * (n // 3), dtype=pl.Decimal(18, 3)),
            "b": [True, False, None] * (n // 3),
            "day": [date(2026, 1, 1) + timedelta(days=k) if k % 5 else None for k in range(n)],
            "s": [" padded", "a\x01b & <c>", None, "é\u3000", "plain", "x\ny"] * (n // 6),
            "listed": [[k, k + 1] for k in range(n)],
        }
    )
    by_rows, by_columns = Workbook(), Workbook()
    for book in (by_rows, by_columns):
        sheet = book.sheet(
            "t", [10] * frame.width, ["0.00"] * 3 + ["#,##0"] * 2 + ["0.00", None, "yyyy-mm-dd"] + [None] * 2
        )
        book.append(sheet, frame.columns, header=True)
        if book is by_rows:
            for row in frame.iter_rows():
                book.append(sheet, row)
        else:
            book.append_frame(sheet, frame)
    read = []
    for book in (by_rows, by_columns):
        path = tmp_path / f"{len(read)}.xlsx"
        path.write_bytes(book.save())
        read.append([[(c.value, c.number_format) for c in row] for row in load_workbook(path)["t"].iter_rows()])
    assert read[0] == read[1]
    assert read[1][1][0][0] == floats[0] and read[1][4][1][0] == 1e-7 and read[1][1][4][0] == 2**70


def test_workbook_writer_refuses_sheet_names_excel_refuses():
    from pipelines.report.xlsx import Workbook

    book = Workbook()
    book.sheet("queue", [10])
    for name in ("Queue", "a/b", "x[1]", "what?", "'quoted'", ""):
        with pytest.raises(ValueError, match="Excel refuses"):
            book.sheet(name, [10])
    assert book.sheet("it's fine", [10]).name == "it's fine"
    assert book.sheet("x" * 40, [10]).name == "x" * 31


def test_templates_read_a_row_as_jinja_does():
    """The pages' environment looks a dict's key up first, for speed: what a template gets must not change."""
    from jinja2 import Environment, StrictUndefined, UndefinedError

    from pipelines.report.render import _environment

    ours, jinja = _environment("en"), Environment(undefined=StrictUndefined)
    row = {"wait": 4.5, "items": "a key named like a dict method", "nested": {"x": 1}}
    text = "{{ row.wait }} {{ row.nested.x }} {{ row.items is callable }} {{ row.get('wait') }}"
    assert ours.from_string(text).render(row=row) == jinja.from_string(text).render(row=row) == "4.5 1 True 4.5"
    for environment in (ours, jinja):
        with pytest.raises(UndefinedError, match="has no attribute 'missing'"):
            environment.from_string("{{ row.missing }}").render(row=row)
