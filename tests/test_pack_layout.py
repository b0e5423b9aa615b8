"""The review pack as an officer reads it, in headless Chromium: a generated landing zone (the demo's long unit
names, units of both IKM methods) rendered for the organisation, an agency and a unit in Bahasa Indonesia and
English, each page opened at A4 (print media, the 186 mm between the page margins) and at 1280 px.

On every page: no table header breaks inside a word and no table is wider than the page; no chart label is cut
("...") or leaves its chart, and the charts name each unit in full; every figure says the as-of date of its data
and every IKM figure its survey method; no indicator code of pipelines/indicators.yaml is visible (the lineage
table's <code> cells name warehouse columns on purpose and are left out). Screenshots are saved in the test's
tmp folder and, when MUTU_SCREENSHOTS names a folder, there too.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.test_report import BROWSER_ARGS, CHROMIUM

LANGS = ("id", "en")
PERIOD = "2026-07"
UNIT = "DKP-3171"  # Dinas Kependudukan dan Pencatatan Sipil Kota Administrasi Jakarta Selatan: 73 characters
AGENCY = "Dukcapil"
# A4 is 210 mm wide; report.css prints 12 mm margins each side: 186 mm of text at 96 px per inch.
VIEWS = {"a4": (round(186 / 25.4 * 96), "print"), "1280": (1280, "screen")}

LAYOUT_PROBLEMS = """
() => {
  const problems = [];
  const page = document.documentElement.clientWidth;
  for (const th of document.querySelectorAll("th")) {
    // A word broken over two lines (or hyphenated) has client rects on more than one line.
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) problems.push(`header word broken: "${m[0]}" in "${th.innerText.trim()}"`);
      }
    }
    if (th.scrollWidth > th.clientWidth + 1) problems.push(`header wider than its cell: "${th.innerText.trim()}"`);
  }
  for (const table of document.querySelectorAll("table")) {
    const right = table.getBoundingClientRect().right;
    const name = table.querySelector("th")?.innerText || "";
    if (right > page + 1) problems.push(`table ${Math.round(right - page)} px wider than the page: ${name}`);
  }
  for (const svg of document.querySelectorAll("svg.chart")) {
    const box = svg.getBoundingClientRect();
    for (const text of svg.querySelectorAll("text")) {
      const b = text.getBoundingClientRect();
      const label = `"${text.textContent}" (${svg.dataset.chart})`;
      if (text.textContent.includes("\\u2026")) problems.push(`chart label cut: ${label}`);
      if (b.left < box.left - 1 || b.top < box.top - 1 || b.right > box.right + 1 || b.bottom > box.bottom + 1)
        problems.push(`chart label outside its chart: ${label}`);
    }
  }
  return problems;
}
"""
CHART_TEXTS = """
() => [...document.querySelectorAll("svg.chart")].map(svg => ({
  chart: svg.dataset.chart,
  text: [...svg.querySelectorAll("text")].map(t => t.textContent).join(" ").replace(/\\s+/g, " "),
}))
"""
# Every figure of every section carries the basis caption (render.py's `basis`: method and as-of dates).
FIGURE_CAPTIONS = """
() => [...document.querySelectorAll("figure")].map(f => ({
  figure: f.dataset.figure, chart: f.querySelector("svg.chart")?.dataset.chart,
  caption: f.querySelector("figcaption")?.innerText || "",
}))
"""
VISIBLE_TEXT = """
() => {
  const hidden = [...document.querySelectorAll("code")];
  hidden.forEach(c => c.style.display = "none");
  const text = document.body.innerText;
  hidden.forEach(c => c.style.display = "");
  return text;
}
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """Two weeks of the demo generator for five units (two Dukcapil offices), run through Dagster, and the pack of
    July 2026 for the organisation, the Dukcapil agency and one unit, in both languages."""
    from pipelines.generate import generate_landing
    from pipelines.orchestration import run_everything
    from pipelines.report import data
    from pipelines.report.render import context, render_html

    root = tmp_path_factory.mktemp("pack_layout")
    generate_landing(root / "landing", units=5, days=14, start=date(2026, 7, 1), seed=7)
    published = run_everything(root / "landing", root / "home")
    pages, units = {}, {}
    with data.open_published(published) as wh:
        period = data.period_by_label(wh, PERIOD)
        for scope in (data.scope_for(wh), data.scope_for(wh, agency=AGENCY), data.scope_for(wh, unit=UNIT)):
            for lang in LANGS:
                path = root / "pack" / lang / f"{scope.slug}.html"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(render_html(context(wh, period, scope, lang)), encoding="utf-8")
                pages[(scope.slug, lang)] = path
        for row in wh.rows("select unit_id, unit_name, agency from core.dim_unit"):
            units[row["unit_id"]] = row
    return {"pages": pages, "units": units, "shots": root / "screenshots"}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing in CI: .ci/run installs the Debian package before the tests")
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield browser
        browser.close()


def _save(demo: dict, page, name: str) -> None:
    from playwright.sync_api import Error

    demo["shots"].mkdir(exist_ok=True)
    path = demo["shots"] / f"{name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Error:  # a page many screens tall is now and then refused by a busy headless Chromium: once more
        page.screenshot(path=str(path), full_page=True)
    if os.environ.get("MUTU_SCREENSHOTS"):
        folder = Path(os.environ["MUTU_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / path.name)


def _in_scope(demo: dict, slug: str) -> list[dict]:
    units = demo["units"].values()
    if slug.startswith("unit-"):
        return [u for u in units if u["unit_id"] == UNIT]
    return [u for u in units if slug == "organisation" or u["agency"] == AGENCY]


def test_demo_names_are_long_enough_to_matter(demo):
    """The check below bites: the old charts cut names after 37 characters and agencies hold several units."""
    assert len(demo["units"][UNIT]["unit_name"]) > 60
    assert sum(u["agency"] == AGENCY for u in demo["units"].values()) >= 2


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", ["organisation", f"agency-{AGENCY}", f"unit-{UNIT}"])
def test_pack_page_reads_whole_at_a4_and_1280px(demo, browser, slug, lang):
    from pipelines.indicators import indicators

    path = demo["pages"][(slug, lang)]
    names = [u["unit_name"] for u in _in_scope(demo, slug)]
    methods = ("PermenPANRB 14/2017", "KepMenPAN 25/2004")
    for view, (width, media) in VIEWS.items():
        page = browser.new_page(viewport={"width": width, "height": 1200})
        try:
            page.emulate_media(media=media)
            page.goto(path.as_uri(), wait_until="load")
            _save(demo, page, f"pack_{slug}_{lang}_{view}")
            assert page.evaluate(LAYOUT_PROBLEMS) == [], (slug, lang, view)

            charts = page.evaluate(CHART_TEXTS)
            for chart in ("queue_sla", "queue_waits", "fee_compliance"):
                text = next(c["text"] for c in charts if c["chart"] == chart)
                assert [n for n in names if n not in text] == [], (chart, view)

            captions = page.evaluate(FIGURE_CAPTIONS)
            assert len(captions) >= 8
            for figure in captions:
                assert re.search(r"\d{4}-\d\d-\d\d", figure["caption"]), figure  # the as-of date of its data
                if figure["chart"] in ("ikm_units", "ikm_unsur"):
                    assert any(m in figure["caption"] for m in methods), figure

            text = page.evaluate(VISIBLE_TEXT)
            shown = [code for code in indicators() if re.search(rf"\b{re.escape(code)}\b", text)]
            assert shown == [], (slug, lang, view)
            assert ("Laporan Tinjauan Manajemen" if lang == "id" else "Management Review Report") in text
        finally:
            page.close()
