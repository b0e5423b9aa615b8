"""Charts of the review pack: matplotlib (Agg) to inline SVG, text kept as text, no external fonts.

Each function takes rows already read from the marts and draws them; none computes a figure.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import re
import textwrap
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from pipelines import grade_bands  # noqa: E402
from pipelines.atomic import write_text_atomically  # noqa: E402
from pipelines.report import fmt  # noqa: E402

GRADE_COLOURS = {"A": "#1a7f37", "B": "#4c9a2a", "C": "#d4a017", "D": "#c62828"}
BLUE, GREY, RED, LIGHT = "#1f5fa8", "#9e9e9e", "#c62828", "#e8eef6"
# Grade bands on the converted IKM (25-100), each method its own: the table the warehouse grades with.
IKM_BANDS = grade_bands.chart_bands()
IKM_AXIS_FROM = {"permenpanrb_14_2017": 50.0, "kepmenpan_25_2004": 35.0}
WIDTH = 6.8  # inches: fits the A4 text width with margins

_counter = itertools.count(1)
ID_PREFIX = "@@chart@@-"  # stands for a chart's private id prefix until the chart is placed in a page
# A chart is a pure function of its inputs: the review pack keeps drawn charts by a hash of their inputs
# and of this code, so a nightly run redraws only the charts whose figures moved.
_CODE = hashlib.sha256(
    b"".join(Path(m.__file__).read_bytes() for m in (fmt,))
    + Path(__file__).read_bytes()
    + matplotlib.__version__.encode()
).hexdigest()[:16]
_cache: ContextVar[tuple[Path, set[str]] | None] = ContextVar("chart_cache", default=None)


LABEL_WIDTH = 34  # characters per line of an axis label: long unit names wrap, never cut
TITLE_WIDTH = 80


def wrap(text, width: int = LABEL_WIDTH) -> str:
    """A label on as many lines as it needs, broken between words: an officer reads the whole unit name."""
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False)) or str(text)


def _lines(labels: list[str]) -> int:
    return max((label.count("\n") + 1 for label in labels), default=1)


def _row_height(labels: list[str]) -> float:
    """Inches per bar: room for the tallest wrapped label."""
    return 0.16 + 0.13 * _lines(labels)


plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text stays text: no embedded or external fonts, searchable and printable
        "svg.hashsalt": "mutu",  # stable ids between runs
        "font.family": "sans-serif",
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 9,
        "axes.titleweight": "bold",
    }
)


def _svg(fig, name: str, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.DOTALL)  # RDF boilerplate, not the chart
    # Several charts share one HTML page: give each one's ids a private prefix so references stay inside it.
    prefix = ID_PREFIX
    ids = set(re.findall(r'id="([^"]+)"', text))
    if ids:
        pattern = re.compile(
            r'(id="|#)(' + "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True)) + r')(?=["\)])'
        )
        text = pattern.sub(lambda m: m.group(1) + prefix + m.group(2), text)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return text.replace("<svg ", f'<svg class="chart" data-chart="{name}" role="img" aria-label="{safe_title}" ', 1)


@contextmanager
def cached_in(folder: Path | None):
    """Keep drawn charts in `folder` (None: draw every chart) while rendering; yields the names used."""
    used: set[str] = set()
    if folder is None:
        yield used
        return
    folder.mkdir(parents=True, exist_ok=True)
    token = _cache.set((folder, used))
    try:
        yield used
    finally:
        _cache.reset(token)


def prune(folder: Path, used: set[str]) -> None:
    """Drop the kept charts no page of the last full rendering used: the cache holds one pack's charts."""
    for path in folder.glob("*.svg"):
        if path.name not in used:
            path.unlink(missing_ok=True)
    for path in folder.glob(".*.tmp"):  # left by a rendering that was killed mid-write
        path.unlink(missing_ok=True)


def new_page() -> None:
    """Number the charts of the next page from 1: a page's ids depend only on its content."""
    global _counter
    _counter = itertools.count(1)


def _placed(text: str) -> str:
    return text.replace(ID_PREFIX, f"c{next(_counter)}-")


def _memoised(draw):
    @functools.wraps(draw)
    def chart(*args, **kwargs) -> str:
        cache = _cache.get()
        if cache is None:
            return _placed(draw(*args, **kwargs))
        folder, used = cache
        name = hashlib.sha256(repr((_CODE, draw.__name__, args, sorted(kwargs.items()))).encode()).hexdigest() + ".svg"
        path = folder / name
        used.add(name)
        try:
            return _placed(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        text = draw(*args, **kwargs)
        try:
            write_text_atomically(path, text)
        except OSError:  # a cache that cannot be written (full disk, read-only) only costs a redraw next time
            pass
        return _placed(text)

    return chart


def _empty(name: str, title: str, message: str) -> str:
    fig, ax = plt.subplots(figsize=(WIDTH, 0.6))
    ax.axis("off")
    ax.text(0.0, 0.5, message, va="center", color=GREY)
    return _svg(fig, name, title)


@_memoised
def ikm_units(rows: list[dict], method: str, title: str, lang: str, empty: str) -> str:
    """Converted IKM per scope as bars over the grade bands of the rows' method; bar colour = the mart's grade."""
    rows = [r for r in rows if r.get("ikm_converted") is not None]
    if not rows:
        return _empty("ikm_units", title, empty)
    labels = [wrap(r["scope_name"]) for r in rows]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.8 + _row_height(labels) * len(rows)))
    for grade, low, high in IKM_BANDS[method]:
        ax.axvspan(low, high, color=GRADE_COLOURS[grade], alpha=0.08, lw=0)
        ax.text(
            (max(low, IKM_AXIS_FROM[method]) + high) / 2,
            -0.6,
            grade,
            ha="center",
            va="bottom",
            color=GRADE_COLOURS[grade],
            fontweight="bold",
        )
    values = [r["ikm_converted"] for r in rows]
    ax.barh(range(len(rows)), values, color=[GRADE_COLOURS.get(r.get("mutu"), GREY) for r in rows], height=0.6)
    for i, (v, r) in enumerate(zip(values, rows, strict=False)):
        ax.text(v + 0.5, i, f"{fmt.num(v, 2, lang)} {r.get('mutu') or ''}", va="center")
    ax.set_yticks(range(len(rows)), labels)
    ax.set_ylim(len(rows) - 0.5, -1.0)
    ax.set_xlim(min(IKM_AXIS_FROM[method], min(values) - 3), 106)
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "ikm_units", title)


@_memoised
def ikm_unsur(rows: list[dict], title: str, lang: str, empty: str) -> str:
    """NRR per unsur (1-4), the weakest (rank 1) in red: the improvement priority."""
    if not rows:
        return _empty("ikm_unsur", title, empty)
    labels = [wrap(f"U{r['unsur_no']} {r['unsur_name']}", 40) for r in rows]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.6 + _row_height(labels) * len(rows)))
    values = [r["nrr"] or 0 for r in rows]
    colours = [RED if r.get("rank_from_weakest") == 1 else BLUE for r in rows]
    ax.barh(range(len(rows)), values, color=colours, height=0.6)
    for i, (v, r) in enumerate(zip(values, rows, strict=False)):
        ax.text(v + 0.03, i, fmt.num(r["nrr"], 2, lang), va="center")
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlim(1, 4.3)
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "ikm_unsur", title)


@_memoised
def bars(
    rows: list[dict],
    column: str,
    title: str,
    lang: str,
    empty: str,
    *,
    share: bool = False,
    name: str = "bars",
    reference: float | None = None,
) -> str:
    """One value per scope as horizontal bars (shares as percentages)."""
    rows = [r for r in rows if r.get(column) is not None]
    if not rows:
        return _empty(name, title, empty)
    labels = [wrap(r["scope_name"]) for r in rows]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.7 + _row_height(labels) * len(rows)))
    values = [r[column] for r in rows]
    ax.barh(range(len(rows)), values, color=BLUE, height=0.6)
    top = max(values) if values else 1
    for i, v in enumerate(values):
        ax.text(v + top * 0.01, i, fmt.pct(v, 1, lang) if share else fmt.num(v, 1, lang), va="center")
    if reference is not None:
        ax.axvline(reference, color=GREY, ls="--", lw=1)
    ax.set_yticks(range(len(rows)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12 if share else top * 1.18 or 1)
    if share:
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt.pct(v, 0, lang)))
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, name, title)


@_memoised
def waits(rows: list[dict], labels: dict, title: str, lang: str, empty: str) -> str:
    """Median and P90 wait per scope, side by side."""
    rows = [r for r in rows if r.get("wait_median_minutes") is not None]
    if not rows:
        return _empty("queue_waits", title, empty)
    names = [wrap(r["scope_name"]) for r in rows]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.8 + max(0.34, _row_height(names)) * len(rows)))
    ys = range(len(rows))
    ax.barh(
        [y - 0.17 for y in ys],
        [r["wait_median_minutes"] for r in rows],
        height=0.32,
        color=BLUE,
        label=labels["median"],
    )
    ax.barh(
        [y + 0.17 for y in ys],
        [r["wait_p90_minutes"] or 0 for r in rows],
        height=0.32,
        color=LIGHT,
        edgecolor=BLUE,
        label=labels["p90"],
    )
    ax.set_yticks(list(ys), names)
    ax.invert_yaxis()
    ax.legend(loc="lower right", frameon=False)
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "queue_waits", title)


@_memoised
def control_chart(series: dict, title: str, lang: str) -> str:
    """A p or I-MR chart as the mart holds it: values, centre line, limits; flagged points in red."""
    points = series["points"]
    share = "share" in series["kpi"]
    fig, ax = plt.subplots(figsize=(WIDTH, 2.1))
    xs = list(range(len(points)))
    value = [p["value"] for p in points]
    ax.plot(xs, value, color=BLUE, marker="o", ms=3, lw=1)
    for key, style in (("centre_line", "-"), ("ucl", "--"), ("lcl", "--")):
        ys = [p.get(key) for p in points]
        if any(v is not None for v in ys):
            ax.step(xs, [v if v is not None else float("nan") for v in ys], where="mid", color=GREY, ls=style, lw=1)
    flagged = [(x, p["value"]) for x, p in zip(xs, points, strict=False) if p.get("flagged")]
    if flagged:
        ax.scatter([x for x, _ in flagged], [v for _, v in flagged], color=RED, s=28, zorder=3)
    inside = [x for x, p in zip(xs, points, strict=False) if p["in_period"]]
    if inside:
        ax.axvspan(min(inside) - 0.5, max(inside) + 0.5, color=LIGHT, zorder=0)
    step = max(1, len(points) // 8)
    ax.set_xticks(xs[::step], [str(p.get("period") or p["period_start"]) for p in points][::step], rotation=0)
    if share:
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt.pct(v, 0, lang)))
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "control", title)


@_memoised
def funnel(stages: list[tuple[str, int | None]], title: str, lang: str, empty: str) -> str:
    """Complaints at each handling stage, as the mart counts them."""
    stages = [(label, value) for label, value in stages if value is not None]
    if not stages or not stages[0][1]:
        return _empty("complaint_funnel", title, empty)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.5 + 0.38 * len(stages)))
    top = stages[0][1]
    for i, (label, value) in enumerate(stages):
        ax.barh(i, value, left=(top - value) / 2, color=BLUE, alpha=1 - 0.15 * i, height=0.7)
        # Beside the bar, not on it: a narrow bar (few complaints closed) would cut a label written inside it.
        ax.text(top * 1.02, i, f"{label}: {fmt.integer(value, lang)}", ha="left", va="center")
    ax.set_yticks([])
    ax.invert_yaxis()
    ax.set_xlim(0, top)
    ax.axis("off")
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "complaint_funnel", title)


@_memoised
def limits(items: list[tuple[str, float | None, float]], title: str, lang: str, limit_label: str, empty: str) -> str:
    """Median working days of each stage against its limit.

    3 to verify and 5 to follow up are SP4N-LAPOR!'s; 8 to close (3 + 5) is Mutu's own rule."""
    items = [i for i in items if i[1] is not None]
    if not items:
        return _empty("complaint_limits", title, empty)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.6 + 0.4 * len(items)))
    for i, (_label, value, limit) in enumerate(items):
        ax.barh(i, value, color=RED if value > limit else BLUE, height=0.5)
        ax.plot([limit, limit], [i - 0.35, i + 0.35], color="black", lw=2)
        ax.text(value + 0.1, i, fmt.num(value, 1, lang), va="center")
        ax.text(limit + 0.1, i + 0.38, f"{limit_label} {limit:g}", va="center", fontsize=7, color=GREY)
    ax.set_yticks(range(len(items)), [wrap(i[0]) for i in items])
    ax.invert_yaxis()
    ax.set_xlim(0, max(max(v for _, v, _ in items), max(lim for *_, lim in items)) * 1.25)
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "complaint_limits", title)


@_memoised
def mix(rows: list[dict], labels: dict, title: str, lang: str, empty: str) -> str:
    """Category mix; integrity signals (pungli, discrimination) in red."""
    if not rows:
        return _empty("complaint_mix", title, empty)
    fig, ax = plt.subplots(figsize=(WIDTH, 0.6 + 0.26 * len(rows)))
    ax.barh(
        range(len(rows)),
        [r["complaints"] for r in rows],
        height=0.6,
        color=[RED if r.get("is_integrity_signal") else BLUE for r in rows],
    )
    for i, r in enumerate(rows):
        ax.text(
            r["complaints"] + 0.1,
            i,
            f"{fmt.integer(r['complaints'], lang)} ({fmt.pct(r['share'], 1, lang)})",
            va="center",
        )
    ax.set_yticks(range(len(rows)), [wrap(labels.get(r["mix_value"], r["mix_value"])) for r in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, max(r["complaints"] for r in rows) * 1.3 + 1)
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "complaint_mix", title)


@_memoised
def achievement(items: list[tuple[str, float, bool]], title: str, lang: str, empty: str) -> str:
    """Achievement ratio (realisation / target) per (label, ratio, met); 1 = the target. For a lower-is-better KPI
    the mart's ratio <= 1 meets it, so the colour follows the mart's status, not the side of the line."""
    items = [i for i in items if i[1] is not None]
    if not items:
        return _empty("target_achievement", title, empty)
    labels = [wrap(label) for label, _, _ in items]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.7 + _row_height(labels) * len(items)))
    ratios = [ratio for _, ratio, _ in items]
    ax.barh(range(len(items)), ratios, color=[GRADE_COLOURS["A"] if met else RED for *_, met in items], height=0.6)
    ax.axvline(1.0, color="black", lw=1)
    for i, ratio in enumerate(ratios):
        ax.text(ratio + 0.01, i, fmt.pct(ratio, 0, lang), va="center")
    ax.set_yticks(range(len(items)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(1.2, max(ratios) * 1.15))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fmt.pct(v, 0, lang)))
    ax.set_title(wrap(title, TITLE_WIDTH), loc="left")
    return _svg(fig, "target_achievement", title)
