"""Number formatting for the review pack: only formatting, the values come from the published warehouse.

Bahasa Indonesia writes 1.234,56 (dot for thousands, comma for decimals); English writes 1,234.56.
"""

from __future__ import annotations

from datetime import date, datetime

DASH = "\u2013"


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def num(value, decimals: int = 2, lang: str = "id") -> str:
    if _is_missing(value):
        return DASH
    text = f"{float(value):,.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def integer(value, lang: str = "id") -> str:
    return num(value, 0, lang)


def pct(value, decimals: int = 1, lang: str = "id") -> str:
    """A share (0..1) as a percentage."""
    if _is_missing(value):
        return DASH
    return num(float(value) * 100, decimals, lang) + "%"


def idr(value, lang: str = "id") -> str:
    if _is_missing(value):
        return DASH
    return "Rp " + num(value, 0, lang)


def day(value, lang: str = "id") -> str:
    if _is_missing(value):
        return DASH
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def parse(text: str, lang: str = "id") -> float | None:
    """The inverse of `num`/`pct` (tests read the DOM back with it); a share comes back as 0..1."""
    text = text.strip().replace("Rp", "").strip()
    if text in ("", DASH):
        return None
    share = text.endswith("%")
    text = text.rstrip("%").strip()
    if lang == "id":
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    value = float(text)
    return value / 100 if share else value
