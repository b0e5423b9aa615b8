"""Review-pack section "Kebutuhan loket" (counters needed) and waiting vs satisfaction, read from the marts.

Kept apart from the main report module: its rows, charts and labels (Bahasa Indonesia and English) live here,
and the template `staffing.html.j2` shows them. Nothing is recomputed: every figure is a mart column.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.report import charts, fmt
from pipelines.report.data import Period, Scope, Warehouse, agency_units, per_period
from pipelines.report.svgplot import SIZE, SMALL, Canvas, colour_at, is_dark, line_height, nice_ticks, text_width

WEEKDAYS = {
    "id": ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MIN_POINTS = 10  # mart_wait_satisfaction_correlation gives no rho under this many unit-months
# The module's own code is part of every chart's cache key, like charts.py's.
_VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]

LABELS = {
    "id": {
        "staffing": "Kebutuhan loket",
        "staffing_intro": "Loket yang dibutuhkan per hari dan jam agar bagian antrean yang dipanggil dalam waktu "
        "tunggu maksimum standar pelayanan mencapai target unit (model Erlang C, atau Erlang A bila "
        "banyak pengunjung pergi sebelum dipanggil), dibandingkan dengan loket yang benar-benar "
        "melayani. Rata-rata 12 minggu terakhir data, {start} s.d. {end}.",
        "gap_title": "Selisih loket (dibutuhkan - dibuka)",
        "units_short_title": "Jumlah unit yang kekurangan loket",
        "gap_legend": "Merah: kurang loket; biru: loket lebih dari yang dibutuhkan; abu-abu: data terlalu sedikit; "
        "putih: tidak ada antrean.",
        "units_short_legend": "Angka: jumlah unit yang kekurangan loket pada hari dan jam itu; abu-abu: data semua "
        "unit terlalu sedikit; putih: tidak ada antrean.",
        "hour": "Jam",
        "weekday": "Hari",
        "unit": "Unit",
        "slots_short": "Jam kurang loket",
        "largest_gap": "Kekurangan terbesar",
        "slots_surplus": "Jam kelebihan loket",
        "slots_thin": "Jam dengan data terlalu sedikit",
        "model": "Model",
        "thin_staffing": "Data antrean terlalu sedikit untuk menghitung kebutuhan loket (minimal 4 hari buka dan 30 "
        "tiket dilayani per jam dan hari dalam 12 minggu).",
        "wait_satisfaction": "Waktu tunggu dan kepuasan",
        "scatter_title": "Rata-rata waktu tunggu dan NRR U3 (waktu penyelesaian) per unit dan bulan",
        "wait_mean": "Rata-rata waktu tunggu (menit)",
        "u3_nrr": "NRR U3",
        "thin_scatter": "Kurang dari 10 unit-bulan dalam cakupan ini dengan cukup tiket dan jawaban U3: grafik tidak "
        "digambar.",
        "correlation": "Korelasi peringkat Spearman (semua unit dan bulan)",
        "wait_measure": "Ukuran waktu tunggu",
        "satisfaction_measure": "Ukuran kepuasan",
        "points": "Titik (unit-bulan)",
        "rho": "rho",
        "ci": "Selang kepercayaan 95 %",
        "verdict": "Kesimpulan",
        "thin_correlation": "Data terlalu sedikit: kurang dari 10 unit-bulan dengan minimal 30 tiket dipanggil dan 10 "
        "jawaban U3; korelasi tidak dihitung.",
        "bands": "Kepuasan menurut lama menunggu (responden yang nomor antreannya tercatat)",
        "wait_band": "Lama menunggu (menit)",
        "respondents": "Responden",
        "ikm": "IKM",
        "thin_bands": "Tidak ada ekspor survei dengan nomor antrean, atau kurang dari 30 responden per kelompok.",
        "not enough data": "data terlalu sedikit",
        "worse waiting, lower satisfaction": "tunggu lebih lama, kepuasan lebih rendah",
        "worse waiting, higher satisfaction": "tunggu lebih lama, kepuasan lebih tinggi",
        "no clear association": "tidak ada hubungan yang jelas",
        "ok": "cukup data",
        "wait_mean_minutes": "rata-rata tunggu",
        "wait_p90_minutes": "P90 tunggu",
        "sla_share": "bagian sesuai standar",
        "ikm_converted": "IKM",
    },
    "en": {
        "staffing": "Counters needed",
        "staffing_intro": "Counters needed per weekday and hour for the share of tickets called within the service "
        "standard's maximum wait to reach the unit's target (Erlang C, or Erlang A where many people "
        "leave before being called), against the counters that actually served. Average of the last "
        "12 weeks of data, {start} to {end}.",
        "gap_title": "Counter gap (needed - open)",
        "units_short_title": "Units short of counters",
        "gap_legend": "Red: too few counters; blue: more counters than needed; grey: too little data; white: no queue.",
        "units_short_legend": "Number of units short of counters on that day and hour; grey: too little data in "
        "every unit; white: no queue.",
        "hour": "Hour",
        "weekday": "Day",
        "unit": "Unit",
        "slots_short": "Hours short",
        "largest_gap": "Largest shortfall",
        "slots_surplus": "Hours with spare counters",
        "slots_thin": "Hours with too little data",
        "model": "Model",
        "thin_staffing": "Too little queue data to compute the counters needed (at least 4 open days and 30 served "
        "tickets per weekday and hour over 12 weeks).",
        "wait_satisfaction": "Waiting and satisfaction",
        "scatter_title": "Mean wait and U3 NRR (completion time) per unit and month",
        "wait_mean": "Mean wait (minutes)",
        "u3_nrr": "U3 NRR",
        "thin_scatter": "Fewer than 10 unit-months in this scope with enough tickets and U3 answers: no chart is "
        "drawn.",
        "correlation": "Spearman rank correlation (all units and months)",
        "wait_measure": "Waiting measure",
        "satisfaction_measure": "Satisfaction measure",
        "points": "Points (unit-months)",
        "rho": "rho",
        "ci": "95 % interval",
        "verdict": "Verdict",
        "thin_correlation": "Too little data: fewer than 10 unit-months with at least 30 called tickets and 10 U3 "
        "answers; no correlation is computed.",
        "bands": "Satisfaction by wait (respondents whose ticket number was recorded)",
        "wait_band": "Wait (minutes)",
        "respondents": "Respondents",
        "ikm": "IKM",
        "thin_bands": "No survey export carries ticket numbers, or fewer than 30 respondents per band.",
        "not enough data": "not enough data",
        "worse waiting, lower satisfaction": "longer waits, lower satisfaction",
        "worse waiting, higher satisfaction": "longer waits, higher satisfaction",
        "no clear association": "no clear association",
        "ok": "enough data",
        "wait_mean_minutes": "mean wait",
        "wait_p90_minutes": "P90 wait",
        "sla_share": "share within standard",
        "ikm_converted": "IKM",
    },
}


def _units_in(wh: Warehouse, scope: Scope) -> list[str]:
    if scope.kind == "unit":
        return [scope.id]
    units = agency_units(wh)
    return sorted(units.get(scope.id, ()) if scope.kind == "agency" else set().union(*units.values()))


# The colour scales of the grid (ColorBrewer RdBu reversed, and Reds): blue surplus, red shortfall.
DIVERGING = (
    "#053061",
    "#2166ac",
    "#4393c3",
    "#92c5de",
    "#d1e5f0",
    "#f7f7f7",
    "#fddbc7",
    "#f4a582",
    "#d6604d",
    "#b2182b",
    "#67001f",
)
SEQUENTIAL = ("#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d")
THIN = "#d0d0d0"


@charts._memoised
def gap_heatmap(
    cells: tuple, hours: tuple, title: str, lang: str, value_label: str, version: str, *, diverging: bool = True
) -> str:
    """Weekday x hour grid: each cell a mart value (None = not enough data, drawn grey with no number)."""
    values: dict[tuple[int, int], float | None] = {}
    for weekday, hour, value in cells:
        values[(weekday, hour)] = value
    days = sorted({weekday for weekday, _ in values})
    known = [abs(v) for v in values.values() if v is not None]
    limit = max(1.0, max(known, default=1.0))
    canvas = Canvas()
    top = charts._title(canvas, title)
    left = max(text_width(WEEKDAYS[lang][d - 1]) for d in days) + 8
    cell_w = (charts.WIDTH - charts.EDGE - left) / len(hours)
    cell_h = 0.3 * 72
    for i, day in enumerate(days):
        y = top + i * cell_h
        canvas.text(left - 5, y + cell_h / 2, WEEKDAYS[lang][day - 1], anchor="end")
        for j, hour in enumerate(hours):
            x = left + j * cell_w
            if (day, hour) not in values:
                continue  # white: no tickets in that hour, the unit was closed
            value = values[(day, hour)]
            if value is None:
                canvas.rect(x, y, cell_w, cell_h, THIN, stroke="white", stroke_width="1")
                continue
            if diverging:
                colour = colour_at(DIVERGING, (value + limit) / (2 * limit))
            else:
                colour = colour_at(SEQUENTIAL, value / limit)
            canvas.rect(x, y, cell_w, cell_h, colour)
            text = fmt.num(value, 0, lang)
            fill = "#ffffff" if is_dark(colour) else "#000000"
            size = SMALL if text_width(text, SMALL) < cell_w - 1 else SMALL * (cell_w - 1) / text_width(text, SMALL)
            canvas.text(x + cell_w / 2, y + cell_h / 2, text, size, anchor="middle", fill=fill)
    bottom = top + len(days) * cell_h
    for j, hour in enumerate(hours):
        x = left + (j + 0.5) * cell_w
        canvas.line(x, bottom, x, bottom + 3)
        canvas.text(x, bottom + 3 + line_height(SIZE) / 2, f"{hour:02d}", anchor="middle")
    label_y = bottom + 3 + line_height(SIZE) * 1.6
    canvas.text(left + len(hours) * cell_w / 2, label_y, value_label, anchor="middle")
    return canvas.svg(charts.WIDTH, label_y + line_height(SIZE) / 2 + charts.EDGE, "staffing_gap", title)


@charts._memoised
def wait_scatter(points: tuple, title: str, lang: str, x_label: str, y_label: str, version: str) -> str:
    """One dot per unit-month: mean wait against U3 NRR."""
    canvas = Canvas()
    top = charts._title(canvas, title) + 4
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    # A margin of 5 % of the range on each side: no dot sits on an axis.
    x_pad, y_pad = (max(xs) - min(xs)) * 0.05 or 0.5, (max(ys) - min(ys)) * 0.05 or 0.05
    x_low, x_high, y_low, y_high = min(xs) - x_pad, max(xs) + x_pad, min(ys) - y_pad, max(ys) + y_pad
    x_ticks, y_ticks = nice_ticks(x_low, x_high), nice_ticks(y_low, y_high, 5)
    x_high, y_high = max(x_high, x_low + 1e-9), max(y_high, y_low + 1e-9)
    y_text = [fmt.num(t, 2, lang) for t in y_ticks]
    # The y axis's name is written across, above its ticks: a turned label would need a rotated bounding box.
    left = max(text_width(t) for t in y_text) + 8
    plot_top = top + line_height(SIZE) + 4
    width, height = charts.WIDTH - charts.EDGE - left - 12, 3.2 * 72 - plot_top - 2 * line_height(SIZE)

    def x(v: float) -> float:
        return left + (v - x_low) / (x_high - x_low) * width

    def y(v: float) -> float:
        return plot_top + height - (v - y_low) / (y_high - y_low) * height

    canvas.text(0, top + line_height(SIZE) / 2, y_label)
    canvas.line(left, plot_top, left, plot_top + height)
    canvas.line(left, plot_top + height, left + width, plot_top + height)
    for tick, text in zip(y_ticks, y_text, strict=True):
        canvas.line(left - 3, y(tick), left, y(tick))
        canvas.text(left - 5, y(tick), text, anchor="end")
    for tick in x_ticks:
        canvas.line(x(tick), plot_top + height, x(tick), plot_top + height + 3)
        canvas.text(x(tick), plot_top + height + 3 + line_height(SIZE) / 2, fmt.num(tick, 0, lang), anchor="middle")
    for px, py in points:
        canvas.circle(x(px), y(py), 2.6, charts.BLUE, fill_opacity="0.7")
    label_y = plot_top + height + 3 + line_height(SIZE) * 1.6
    canvas.text(left + width / 2, label_y, x_label, anchor="middle")
    return canvas.svg(charts.WIDTH, label_y + line_height(SIZE) / 2 + charts.EDGE, "wait_scatter", title)


# Read once per warehouse for every scope's pages (a query per scope was most of the section's time).
@per_period
def _unit_slots(wh: Warehouse) -> dict[str, list[dict]]:
    """Each unit's staffing slots in (weekday, hour) order; services with their own counters add up, a pooled
    unit has one row per slot."""
    by_unit: dict[str, list[dict]] = {}
    for slot in wh.rows(
        """select unit_id, any_value(unit_name) as unit_name, weekday, hour_of_day,
                  bool_and(staffing_model = 'not enough data') as thin, sum(counters_gap) as gap,
                  min(window_start) as window_start, max(window_end) as window_end
           from marts.mart_staffing_unit_slot
           group by unit_id, weekday, hour_of_day order by unit_id, weekday, hour_of_day"""
    ):
        by_unit.setdefault(slot["unit_id"], []).append(slot)
    return by_unit


@per_period
def _wait_bands(wh: Warehouse) -> dict[tuple[str, str], list[dict]]:
    by_scope: dict[tuple[str, str], list[dict]] = {}
    for band in wh.rows("select * from marts.mart_wait_satisfaction_band order by band_order"):
        by_scope.setdefault((band["scope_type"], band["scope_id"]), []).append(band)
    return by_scope


@per_period
def _wait_points(wh: Warehouse) -> dict[str, list[tuple]]:
    """Each unit's (mean wait, U3 NRR) months in month order."""
    by_unit: dict[str, list[tuple]] = {}
    for unit, wait, nrr in wh.con.execute(
        "select unit_id, wait_mean_minutes, u3_nrr from marts.mart_wait_satisfaction_unit_month "
        "where is_point order by unit_id, month_start"
    ).fetchall():
        by_unit.setdefault(unit, []).append((wait, nrr))
    return by_unit


def _staffing(wh: Warehouse, scope: Scope, lang: str, L: dict) -> dict:
    units = _units_in(wh, scope)
    if not units or not wh.has("marts", "mart_staffing_unit_slot"):
        return {"staffing_rows": [], "staffing_figure": None, "staffing_window": None, "staffing_legend": ""}
    by_unit = _unit_slots(wh)
    slots = [slot for unit in sorted(units) for slot in by_unit.get(unit, [])]
    if not slots:
        return {"staffing_rows": [], "staffing_figure": None, "staffing_window": None, "staffing_legend": ""}
    hours = tuple(sorted({s["hour_of_day"] for s in slots}))
    window = (min(s["window_start"] for s in slots), max(s["window_end"] for s in slots))
    summary = []
    for unit_id in dict.fromkeys(s["unit_id"] for s in slots):
        mine = [s for s in slots if s["unit_id"] == unit_id]
        gaps = [s["gap"] for s in mine if not s["thin"] and s["gap"] is not None]
        summary.append(
            {
                "unit_name": mine[0]["unit_name"],
                "slots_short": sum(g > 0 for g in gaps),
                "largest_gap": max(gaps, default=None),
                "slots_surplus": sum(g < 0 for g in gaps),
                "slots_thin": sum(s["thin"] for s in mine),
            }
        )
    if all(s["thin"] for s in slots):
        return {"staffing_rows": summary, "staffing_figure": None, "staffing_window": window, "staffing_legend": ""}
    if scope.kind == "unit":
        cells = tuple((s["weekday"], s["hour_of_day"], None if s["thin"] else s["gap"]) for s in slots)
        svg = gap_heatmap(cells, hours, f"{L['gap_title']} - {scope.name or scope.id}", lang, L["hour"], _VERSION)
        legend = L["gap_legend"]
    else:
        counted: dict[tuple, int | None] = {}
        for s in slots:
            key = (s["weekday"], s["hour_of_day"])
            short = None if s["thin"] else int((s["gap"] or 0) > 0)
            counted[key] = short if counted.get(key) is None else counted[key] + (short or 0)
        cells = tuple((w, h, v) for (w, h), v in sorted(counted.items()))
        title = L["units_short_title"] + (f" - {scope.name or scope.id}" if scope.kind != "organisation" else "")
        svg = gap_heatmap(cells, hours, title, lang, L["hour"], _VERSION, diverging=False)
        legend = L["units_short_legend"]
    return {"staffing_rows": summary, "staffing_figure": svg, "staffing_window": window, "staffing_legend": legend}


@per_period
def _correlation(wh: Warehouse) -> list[dict]:
    return wh.rows("select * from marts.mart_wait_satisfaction_correlation order by wait_measure, satisfaction_measure")


def _waiting(wh: Warehouse, scope: Scope, lang: str, L: dict) -> dict:
    out = {"correlation": [], "wait_bands": [], "wait_scatter": None}
    if not wh.has("marts", "mart_wait_satisfaction_correlation"):
        return out
    out["correlation"] = _correlation(wh)
    band_scope = ("unit", scope.id) if scope.kind == "unit" else ("all", "all")
    out["wait_bands"] = [dict(band) for band in _wait_bands(wh).get(band_scope, [])]
    units = _units_in(wh, scope)
    if units:
        by_unit = _wait_points(wh)
        points = [point for unit in sorted(units) for point in by_unit.get(unit, [])]
        if len(points) >= MIN_POINTS:
            out["wait_scatter"] = wait_scatter(
                tuple(points),
                L["scatter_title"],
                lang,
                L["wait_mean"],
                L["u3_nrr"],
                _VERSION,
            )
    return out


def context(wh: Warehouse, period: Period, scope: Scope, lang: str) -> dict:
    """The section's rows, charts and labels; `staffing_L` holds the labels so the shared ones stay untouched."""
    return _scope_context(wh, scope, lang)


@per_period
def _scope_context(wh: Warehouse, scope: Scope, lang: str) -> dict:
    # The staffing grid and the wait-satisfaction figures span the whole window of data, not the page's period:
    # a scope's pages of every period show the same section, read and drawn once.
    L = LABELS[lang]
    return {"staffing_L": L, **_staffing(wh, scope, lang, L), **_waiting(wh, scope, lang, L)}
