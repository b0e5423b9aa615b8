"""Waiting and satisfaction (issue 17): the Spearman correlation mart against scipy on constructed points,
thin data saying so, and the generator's planted effect of waiting on U3 recovered through the pipeline."""

from __future__ import annotations

import math
import os
from datetime import date

import duckdb
import numpy as np
import pytest
from scipy import stats

from pipelines.generate.ticket_link import PLANTED_U3_BY_WAIT, planted_u3_mean
from pipelines.sql_models import models
from pipelines.warehouse import build_model

MODELS = {m.name: m for m in models()}


def _correlation(points: list[tuple]) -> dict:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.mart_wait_satisfaction_unit_month (unit_id varchar, month_start date, "
        "wait_mean_minutes double, wait_p90_minutes double, sla_share double, u3_nrr double, "
        "ikm_converted double, is_point boolean)"
    )
    for point in points:
        con.execute("insert into marts.mart_wait_satisfaction_unit_month values (?, ?, ?, ?, ?, ?, ?, ?)", list(point))
    build_model(con, MODELS["mart_wait_satisfaction_correlation"])
    rows = con.execute(
        "select wait_measure, satisfaction_measure, points, spearman_rho, ci_low, ci_high, verdict "
        "from marts.mart_wait_satisfaction_correlation"
    ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def _points(n: int, rng: np.random.Generator, slope: float) -> list[tuple]:
    waits = rng.gamma(4.0, 6.0, n).round(1)
    waits[:4] = waits[4]  # ties share their mean rank
    u3 = np.clip(3.4 + slope * waits + rng.normal(0, 0.15, n), 1, 4).round(2)
    ikm = (u3 * 25 + rng.normal(0, 3, n)).round(1)
    p90 = waits * 2.1
    sla = np.clip(1 - waits / 80, 0, 1)
    return [
        (f"U{i % 7}", date(2026, 1 + i // 7, 1), float(w), float(p), float(s), float(u), float(k), True)
        for i, (w, p, s, u, k) in enumerate(zip(waits, p90, sla, u3, ikm, strict=False))
    ]


def test_spearman_and_its_interval_match_scipy():
    points = _points(40, np.random.default_rng(3), slope=-0.01)
    found = _correlation(points + [("X", date(2026, 1, 1), 99.0, 99.0, 0.0, 1.0, 25.0, False)])  # not a point
    waits = [p[2] for p in points]
    for measure, column in (("u3_nrr", 5), ("ikm_converted", 6)):
        expected = stats.spearmanr(waits, [p[column] for p in points]).statistic
        n, rho, low, high, verdict = found[("wait_mean_minutes", measure)]
        assert n == 40
        assert rho == pytest.approx(expected, abs=1e-12)
        # Fieller, Hartley and Pearson (1957): se of atanh(rho) = sqrt(1.06 / (n - 3))
        half = 1.96 * math.sqrt(1.06 / 37)
        centre = math.atanh(expected)
        assert (low, high) == pytest.approx((math.tanh(centre - half), math.tanh(centre + half)))
        assert high < 0 and verdict == "worse waiting, lower satisfaction"
    # A higher SLA share is better waiting: the same association shows as a positive rho and the same verdict.
    n, rho, low, high, verdict = found[("sla_share", "u3_nrr")]
    assert rho > 0 and low > 0 and verdict == "worse waiting, lower satisfaction"


def test_no_association_is_called_so():
    rng = np.random.default_rng(5)
    found = _correlation(_points(30, rng, slope=0.0))
    n, rho, low, high, verdict = found[("wait_mean_minutes", "u3_nrr")]
    assert low < 0 < high and verdict == "no clear association"


def test_fewer_than_ten_points_give_not_enough_data_never_a_number():
    found = _correlation(_points(9, np.random.default_rng(1), slope=-0.02))
    assert set(found.values()) == {(9, None, None, None, "not enough data")}
    assert _correlation([])[("wait_p90_minutes", "ikm_converted")] == (0, None, None, None, "not enough data")


@pytest.fixture(scope="module")
def linked_home(tmp_path_factory):
    from pipelines.cli import main
    from pipelines.generate import generate_landing

    root = tmp_path_factory.mktemp("linked")
    generate_landing(root / "landing", units=4, days=120, start=date(2026, 3, 2), seed=11)
    os.environ.setdefault("MUTU_PII_KEY", "test-key-0123456789abcdef")
    assert main(["run", "--landing", str(root / "landing"), "--home", str(root / "home")]) == 0
    return root / "home" / "warehouse" / "mutu.duckdb"


def test_planted_wait_effect_on_u3_is_recovered(linked_home):
    con = duckdb.connect(str(linked_home), read_only=True)
    rows = con.execute(
        "select wait_band, respondents, u3_nrr, u3_ci_low, u3_ci_high, verdict "
        "from marts.mart_wait_satisfaction_band where scope_type = 'all' order by band_order"
    ).fetchall()
    planted = {
        "<= 15": PLANTED_U3_BY_WAIT[0][1],
        "15-30": PLANTED_U3_BY_WAIT[1][1],
        "30-60": PLANTED_U3_BY_WAIT[2][1],
        "> 60": PLANTED_U3_BY_WAIT[3][1],
    }
    judged = [r for r in rows if r[5] == "ok"]
    assert len(judged) >= 3, rows  # the demo's waits fill at least three bands with 30 or more respondents
    for band, respondents, nrr, low, high, _ in judged:
        assert low <= planted[band] <= high, (band, respondents, nrr, low, high)
    # Respondents whose export carries no ticket number are not joined; thin bands give no figure.
    for _band, respondents, nrr, _low, _high, verdict in rows:
        assert (verdict == "not enough data") == (respondents < 30)
        assert (nrr is None) == (respondents < 30)
    assert planted_u3_mean(15.0) == 3.3 and planted_u3_mean(15.1) == 2.9 and planted_u3_mean(240) == 2.2


def test_wait_satisfaction_marts_are_documented(linked_home):
    con = duckdb.connect(str(linked_home), read_only=True)
    undocumented = con.execute(
        "select table_name, column_name from marts.data_dictionary where (table_name like 'mart_wait_satisfaction%' "
        "or table_name like 'mart_staffing%') and coalesce(column_description, '') = ''"
    ).fetchall()
    assert undocumented == []
    models_seen = {
        r[0] for r in con.execute("select distinct staffing_model from marts.mart_staffing_unit_slot").fetchall()
    }
    assert models_seen <= {"erlang_c", "erlang_a", "not enough data"} and models_seen & {"erlang_c", "erlang_a"}


def test_pack_shows_both_sections_and_says_when_data_are_thin(linked_home):
    from pipelines.report import data, render

    with data.open_published(linked_home) as wh:
        period = data.latest_periods(wh)[0]
        unit = next(s for s in data.scopes(wh) if s.kind == "unit")
        pages = {lang: render.render_html(render.context(wh, period, unit, lang)) for lang in ("id", "en")}
        thin_bands = wh.rows(
            "select wait_band from marts.mart_wait_satisfaction_band where scope_type = 'unit' "
            "and scope_id = ? and verdict = 'not enough data'",
            [unit.id],
        )
    for _lang, page in pages.items():
        assert 'data-section="staffing"' in page and 'data-section="wait_satisfaction"' in page
        assert 'data-figure="staffing_gap"' in page
    assert "Kebutuhan loket" in pages["id"] and "Counters needed" in pages["en"]
    if thin_bands:  # a band under 30 respondents is named as such, never given a figure
        assert "data terlalu sedikit" in pages["id"] and "not enough data" in pages["en"]
