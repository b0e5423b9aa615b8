"""A small SVG plotter for the review pack's charts: shapes and text written as SVG elements, no plotting library.

Drawing a chart is string formatting (well under a millisecond), where a plotting library costs its import and tens
of milliseconds a figure: the cold pack of a year of 50 units draws thousands of charts. Text stays text (searchable,
printable, no fonts embedded). Its width is measured with the advance widths of DejaVu Sans, the font report.css
names first, so each chart's box is sized to hold every label whole: labels wrap between words, never cut.
Coordinates are points (1/72 inch), like the page's print sizes.
"""

from __future__ import annotations

import math
from html import escape

FONT_FAMILY = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
SIZE, TITLE_SIZE, SMALL = 8.0, 9.0, 7.0  # points
BLACK, AXIS = "#000000", "#333333"

# Advance widths of DejaVu Sans (Book and Bold) in 1/1000 em, for U+0020..U+007E then U+00A0..U+017F, read from
# the font's hmtx table (fontTools). A character outside these ranges counts a full em: wider than most glyphs.
_REGULAR = (
    "318 401 460 838 636 950 780 275 390 390 500 838 318 361 318 337 636 636 636 636 636 636 636 636 636 636 337 "
    "337 838 838 838 531 1000 684 686 698 770 632 575 775 752 295 295 656 557 863 748 787 603 787 695 635 611 732 "
    "684 989 685 611 685 390 337 390 838 500 500 613 635 550 635 615 352 635 634 278 278 579 278 974 634 612 635 "
    "635 411 521 392 634 592 818 592 592 525 636 337 636 838 318 401 636 636 636 636 337 500 500 1000 471 612 838 "
    "361 1000 500 500 838 401 401 500 636 636 318 500 401 471 612 969 969 969 531 684 684 684 684 684 684 974 698 "
    "632 632 632 632 295 295 295 295 775 748 787 787 787 787 787 838 787 732 732 732 732 611 605 630 613 613 613 "
    "613 613 613 982 550 615 615 615 615 278 278 278 278 612 634 612 612 612 612 612 838 612 634 634 634 634 592 "
    "635 592 684 613 684 613 684 613 698 550 698 550 698 550 698 550 770 635 775 635 632 615 632 615 632 615 632 "
    "615 632 615 775 635 775 635 775 635 775 635 752 634 916 695 295 278 295 278 295 278 295 278 295 278 590 556 "
    "295 278 656 579 579 557 278 557 278 557 375 557 342 562 284 748 634 748 634 748 634 813 748 634 787 612 787 "
    "612 787 612 1070 1023 695 411 695 411 695 411 635 521 635 521 635 521 635 521 611 392 611 392 611 392 732 "
    "634 732 634 732 634 732 634 732 634 732 634 989 818 611 592 611 685 525 685 525 685 525 352 "
)
_BOLD = (
    "348 456 521 838 696 1002 872 306 457 457 523 838 380 415 380 365 696 696 696 696 696 696 696 696 696 696 400 "
    "400 838 838 838 580 1000 774 762 734 830 683 683 821 837 372 372 775 637 995 837 850 733 850 770 720 682 812 "
    "774 1103 771 724 725 457 365 457 838 500 500 675 716 593 716 678 435 716 712 343 343 665 343 1042 712 687 "
    "716 716 493 595 478 712 652 924 645 652 582 712 365 712 838 348 456 696 696 636 696 365 500 500 1000 564 646 "
    "838 415 1000 500 500 838 438 438 500 736 636 380 500 438 564 646 1035 1035 1035 580 774 774 774 774 774 774 "
    "1085 734 683 683 683 683 372 372 372 372 838 837 850 850 850 850 850 838 850 812 812 812 812 724 738 719 675 "
    "675 675 675 675 675 1048 593 678 678 678 678 343 343 343 343 687 712 687 687 687 687 687 838 687 712 712 712 "
    "712 652 716 652 774 675 774 675 774 675 734 593 734 593 734 593 734 593 830 716 838 716 683 678 683 678 683 "
    "678 683 678 683 678 821 716 821 716 821 716 821 716 837 712 974 790 372 343 372 343 372 343 372 343 372 343 "
    "744 686 372 343 775 665 665 637 343 637 343 637 479 637 557 642 371 837 712 837 712 837 712 983 837 712 850 "
    "687 850 687 850 687 1167 1094 770 493 770 493 770 493 720 595 720 595 720 595 720 595 682 478 682 478 682 "
    "478 812 712 812 712 812 712 812 712 812 712 812 712 1103 924 724 652 724 725 582 725 582 725 582 435 "
)


def _table(widths: str) -> dict[int, int]:
    codes = [*range(0x20, 0x7F), *range(0xA0, 0x180)]
    return dict(zip(codes, (int(w) for w in widths.split()), strict=True))


_WIDTHS = {False: _table(_REGULAR), True: _table(_BOLD)}
# A thin space or a non-breaking hyphen (fmt's and render's) is narrower than an em; counted as a space / hyphen.
_WIDTHS[False] |= {0x2009: 318, 0x202F: 318, 0x2011: 361, 0x2212: 838, 0x2013: 500, 0x2014: 1000, 0x2026: 1000}
_WIDTHS[True] |= {0x2009: 348, 0x202F: 348, 0x2011: 415, 0x2212: 838, 0x2013: 500, 0x2014: 1000, 0x2026: 1000}
ASCENT, DESCENT = 0.93, 0.24  # of the font size, above and below the baseline (DejaVu Sans)


def text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    table = _WIDTHS[bold]
    return sum(table.get(ord(c), 1000) for c in text) * size / 1000


def wrap_to(text: str, width: float, size: float = SIZE, bold: bool = False) -> list[str]:
    """Words on lines no wider than `width` points (a word wider than that gets a line of its own, whole)."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def nice_ticks(low: float, high: float, count: int = 6) -> list[float]:
    """Round tick values covering [low, high], about `count` of them (steps of 1, 2, 2.5 or 5 times a power of 10)."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def colour_at(anchors: tuple[str, ...], t: float) -> str:
    """The colour at t (0..1) of a scale through `anchors`, evenly spaced."""
    t = min(1.0, max(0.0, t)) * (len(anchors) - 1)
    i = min(int(t), len(anchors) - 2)
    a, b, f = _hex(anchors[i]), _hex(anchors[i + 1]), t - i
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b, strict=True))


def is_dark(colour: str) -> bool:
    r, g, b = _hex(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b < 110


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class Canvas:
    """SVG elements in drawing order; `svg` wraps them in the chart's root element."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **style) -> None:
        if w < 0:
            x, w = x + w, -w
        self.parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="{fill}"{_style(style)}/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = AXIS, width: float = 0.8, **style):
        self.parts.append(
            f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{stroke}" '
            f'stroke-width="{_n(width)}"{_style(style)}/>'
        )

    def polyline(self, points: list[tuple[float, float]], stroke: str, width: float = 1.0, **style) -> None:
        if len(points) < 2:
            return
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{stroke}" stroke-width="{_n(width)}"{_style(style)}/>'
        )

    def circle(self, x: float, y: float, r: float, fill: str, **style) -> None:
        self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(r)}" fill="{fill}"{_style(style)}/>')

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = SIZE,
        anchor: str = "start",
        bold: bool = False,
        fill: str = BLACK,
    ) -> None:
        """One line of text whose middle is at y (its em box spans y - 0.58 size .. y + 0.58 size)."""
        baseline = y + (ASCENT - DESCENT) / 2 * size
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(
            f'<text x="{_n(x)}" y="{_n(baseline)}" font-size="{_n(size)}" text-anchor="{anchor}"{weight} '
            f'fill="{fill}">{escape(text, quote=False)}</text>'
        )

    def lines(self, x: float, y: float, lines: list[str], size: float = SIZE, anchor: str = "start", **kw) -> None:
        """Lines of text (one <text> each, so every word stays in the text a reader selects) centred on y."""
        step = line_height(size)
        top = y - step * (len(lines) - 1) / 2
        for i, line in enumerate(lines):
            self.text(x, top + i * step, line, size, anchor, **kw)

    def svg(self, width: float, height: float, name: str, title: str) -> str:
        label = escape(title, quote=True)
        return (
            f'<svg class="chart" data-chart="{name}" role="img" aria-label="{label}" '
            f'xmlns="http://www.w3.org/2000/svg" width="{_n(width)}pt" height="{_n(height)}pt" '
            f'viewBox="0 0 {_n(width)} {_n(height)}" font-family="{FONT_FAMILY}">' + "".join(self.parts) + "</svg>"
        )


def line_height(size: float = SIZE) -> float:
    return 1.25 * size


def _style(style: dict) -> str:
    return "".join(f' {k.replace("_", "-")}="{v}"' for k, v in style.items() if v is not None)
