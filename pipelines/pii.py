"""Personal data never passes ingestion: identities become keyed pseudonyms, free text is scrubbed.

DESIGN property 5. The key comes from the environment (settings.pii_key) and is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl

from pipelines.names import PLACEHOLDER, scrub_names, scrub_names_series

# 16-digit NIK (Nomor Induk Kependudukan); phone numbers as Indonesians write them (08…, +62…, 62…).
NIK = r"\b\d{16}\b"
PHONE = r"(?:\+62|62|0)[\s\-]?8[\d\s\-\.]{7,14}\d"
EMAIL = r"[\w\.\+\-]+@[\w\-]+(?:\.[\w\-]+)+"
JSON_NAME = r'(?i)"(name|nama|nik|phone|email|telepon|no_hp)"\s*:\s*"[^"]*"'


def pseudonym(key: bytes, value: str | None) -> str | None:
    """HMAC-SHA256 of a normalised identifier; same person, same key -> same pseudonym."""
    if value is None or not value.strip():
        return None
    normalised = re.sub(r"\s+", " ", value.strip().lower())
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def scrub_text(expr: pl.Expr) -> pl.Expr:
    """Replace e-mails, NIK, phone numbers and person names inside free text (names: pipelines/names.py)."""
    return (
        expr.str.replace_all(EMAIL, "[email]")
        .str.replace_all(NIK, "[nik]")
        .str.replace_all(PHONE, "[telepon]")
        .map_batches(scrub_names_series, return_dtype=pl.String)
    )


def scrub_raw_line(text: str) -> str:
    """Scrub an unparseable source line before it is kept as quarantine evidence."""
    text = re.sub(JSON_NAME, lambda m: f'"{m.group(1)}": "[disamarkan]"', text)
    for pattern, token in ((EMAIL, "[email]"), (NIK, "[nik]"), (PHONE, "[telepon]")):
        text = re.sub(pattern, token, text)
    return scrub_names(text)[:2000]


def remove_names(text: pl.Expr, names: pl.Expr) -> pl.Expr:
    """Remove a known name (the row's own reporter or respondent) from its free text."""
    # Polars has no per-row regex replace; a literal, case-sensitive replace per row is enough here
    # because the name comes from the same record, spelled as the citizen typed it.
    return (
        pl.when(names.is_not_null() & (names.str.len_chars() > 2))
        .then(pl.struct(t=text, n=names).map_elements(lambda s: _replace_ci(s["t"], s["n"]), return_dtype=pl.String))
        .otherwise(text)
    )


def _replace_ci(text: str | None, name: str | None) -> str | None:
    if text is None or not name:
        return text
    for part in [name, *name.split()]:
        if len(part) > 2:
            text = _replace_literal_ci(text, part)
    return text


def _replace_literal_ci(text: str, part: str) -> str:
    """re.sub(re.escape(part), "[nama]", text, flags=re.IGNORECASE) without compiling a pattern per name (every
    reporter's name is another pattern: compiling them was most of a complaint's ingestion)."""
    if not (text.isascii() and part.isascii()):  # Unicode case rules ('ſ' matches 's', 'İ' lowers to two chars)
        return re.sub(re.escape(part), PLACEHOLDER, text, flags=re.IGNORECASE)
    lowered, target = text.lower(), part.lower()
    pieces, start = [], 0
    while (found := lowered.find(target, start)) != -1:
        pieces += [text[start:found], PLACEHOLDER]
        start = found + len(target)
    return "".join(pieces) + text[start:] if pieces else text
