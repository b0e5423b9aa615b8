"""Personal data never passes ingestion: identities become keyed pseudonyms, free text is scrubbed.

DESIGN property 5. The key comes from the environment (settings.pii_key) and is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import polars as pl

# 16-digit NIK (Nomor Induk Kependudukan); phone numbers as Indonesians write them (08…, +62…, 62…).
NIK = r"\b\d{16}\b"
PHONE = r"(?:\+62|62|0)[\s\-]?8[\d\s\-\.]{7,14}\d"
EMAIL = r"[\w\.\+\-]+@[\w\-]+(?:\.[\w\-]+)+"
# A name after an honorific, an introduction or a signature ("Bapak Budi Santoso", "nama saya Siti",
# "atas nama Rina", "Salam, Dewi"), or written just before a phone number ("Budi (0812...)").
# A heuristic: names with no such cue cannot be found without the record's own identity fields.
NAMED = (
    r"(?i:\b(?:bapak|ibu|pak|bu|sdr\.?|sdri\.?|saudara|saudari|nama saya|saya|atas nama|a\.n\.|salam|hormat saya)[,:]?\s+)"
    r"(?:[A-Z][a-z']+(?:\s+[A-Z][a-z']+){0,3})"
)
NAME_BEFORE_PHONE = r"[A-Z][a-z']+(?:\s+[A-Z][a-z']+){0,3}\s*\(\[telepon\]\)"
JSON_NAME = r'(?i)"(name|nama|nik|phone|email|telepon|no_hp)"\s*:\s*"[^"]*"'


def pseudonym(key: bytes, value: str | None) -> str | None:
    """HMAC-SHA256 of a normalised identifier; same person, same key -> same pseudonym."""
    if value is None or not value.strip():
        return None
    normalised = re.sub(r"\s+", " ", value.strip().lower())
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def scrub_text(expr: pl.Expr) -> pl.Expr:
    """Replace e-mails, NIK, phone numbers and introduced names inside free text."""
    return (
        expr.str.replace_all(EMAIL, "[email]")
        .str.replace_all(NIK, "[nik]")
        .str.replace_all(PHONE, "[telepon]")
        .str.replace_all(NAMED, "[nama]")
        .str.replace_all(NAME_BEFORE_PHONE, "[nama] ([telepon])")
    )


def scrub_raw_line(text: str) -> str:
    """Scrub an unparseable source line before it is kept as quarantine evidence."""
    text = re.sub(JSON_NAME, lambda m: f'"{m.group(1)}": "[disamarkan]"', text)
    for pattern, token in ((EMAIL, "[email]"), (NIK, "[nik]"), (PHONE, "[telepon]"), (NAMED, "[nama]"), (NAME_BEFORE_PHONE, "[nama] ([telepon])")):
        text = re.sub(pattern, token, text)
    return text[:2000]


def remove_names(text: pl.Expr, names: pl.Expr) -> pl.Expr:
    """Remove a known name (the row's own reporter or respondent) from its free text."""
    # Polars has no per-row regex replace; a literal, case-sensitive replace per row is enough here
    # because the name comes from the same record, spelled as the citizen typed it.
    return pl.when(names.is_not_null() & (names.str.len_chars() > 2)).then(
        pl.struct(t=text, n=names).map_elements(lambda s: _replace_ci(s["t"], s["n"]), return_dtype=pl.String)
    ).otherwise(text)


def _replace_ci(text: str | None, name: str | None) -> str | None:
    if text is None or not name:
        return text
    for part in [name, *name.split()]:
        if len(part) > 2:
            text = re.sub(re.escape(part), "[nama]", text, flags=re.IGNORECASE)
    return text
