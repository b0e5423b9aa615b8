"""The IKM grade bands are written once (core.dim_ikm_grade_band): the warehouse grades with them, the charts
draw them and the review pack's band notes state them."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.grade_bands import SCALE_FLOOR, SCALE_TOP, grade_bands
from pipelines.report.charts import IKM_BANDS
from pipelines.report.render import catalogue

METHODS = ("permenpanrb_14_2017", "kepmenpan_25_2004")
NOTE_KEYS = {"permenpanrb_14_2017": "ikm_bands_note", "kepmenpan_25_2004": "ikm_bands_note_2004"}


def _bands(method: str):
    return [b for b in grade_bands() if b.method == method]


def _grade(method: str, value: float):
    shown = round(value, 2)
    for band in _bands(method):
        if (band.converted_from is None or shown >= band.converted_from) and (
            band.converted_below is None or shown < band.converted_below
        ):
            return band.grade, band.kinerja
    return None


@pytest.mark.parametrize("method", METHODS)
def test_the_bands_of_a_method_tile_the_scale_from_d_to_a(method):
    bands = _bands(method)
    assert [b.grade for b in bands] == ["D", "C", "B", "A"]
    assert bands[0].converted_from is None and bands[-1].converted_below is None
    for lower, upper in zip(bands, bands[1:], strict=False):
        assert lower.converted_below == upper.converted_from
        assert SCALE_FLOOR < upper.converted_from < SCALE_TOP


def test_a_grade_reads_the_same_kinerja_under_every_method():
    labels = {(b.grade, b.kinerja) for b in grade_bands()}
    assert len(labels) == 4 and {g for g, _ in labels} == {"A", "B", "C", "D"}


@pytest.mark.parametrize("method", METHODS)
def test_the_charts_draw_the_table_s_bands(method):
    drawn = IKM_BANDS[method]
    assert [grade for grade, _, _ in drawn] == [b.grade for b in _bands(method)]
    assert drawn[0][1] == SCALE_FLOOR and drawn[-1][2] == SCALE_TOP
    assert [low for _, low, _ in drawn[1:]] == [b.converted_from for b in _bands(method)[1:]]


def _note(method: str, decimal_mark: str) -> str:
    """'D < 65.00; C 65.00-76.60; B 76.61-88.30; A >= 88.31': each band's range as published, to two decimals."""

    def number(value: float) -> str:
        return f"{value:.2f}".replace(".", decimal_mark)

    parts = []
    for band in _bands(method):
        if band.converted_from is None:
            parts.append(f"{band.grade} < {number(band.converted_below)}")
        elif band.converted_below is None:
            parts.append(f"{band.grade} >= {number(band.converted_from)}")
        else:
            parts.append(f"{band.grade} {number(band.converted_from)}-{number(band.converted_below - 0.01)}")
    return "; ".join(parts) + "."


@pytest.mark.parametrize("method", METHODS)
def test_the_review_pack_s_band_note_states_the_table_s_bands(method):
    note = catalogue()[NOTE_KEYS[method]]
    assert note["en"].endswith(": " + _note(method, "."))
    assert note["id"].endswith(": " + _note(method, ","))


def test_the_warehouse_grades_with_the_table(published):
    con = duckdb.connect(str(published), read_only=True)
    try:
        rows = con.execute(
            "select method, ikm_converted, mutu, kinerja from indicators.ind_ikm_period where ikm_converted is not null"
        ).fetchall()
        table = con.execute(
            "select method, grade, converted_from, converted_below, kinerja from core.dim_ikm_grade_band order by all"
        ).fetchall()
    finally:
        con.close()
    assert rows
    assert {(m, g, k) for m, g, _, _, k in table} == {(b.method, b.grade, b.kinerja) for b in grade_bands()}
    assert all((mutu, kinerja) == _grade(method, value) for method, value, mutu, kinerja in rows)
