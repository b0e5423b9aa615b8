"""Read one landed file, as delivered, into a frame of strings with its source row numbers.

No typing and no mapping happens here: that is the profile's job (parsing.py). Anything that makes a
file unreadable raises LandingError with the reason, so the file is quarantined whole.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import polars as pl

from pipelines.errors import LandingError
from pipelines.pii import scrub_raw_line
from pipelines.profiles import Profile

MAX_FIELD_CHARS = 100_000  # a single field larger than this is a broken export, not a complaint text


@dataclass
class RawFile:
    frame: pl.DataFrame  # source_row + one String column per source column (JSON: canonical keys)
    header: list[str]
    unreadable_rows: list[tuple[int, str, str]]  # (source_row, reason, scrubbed raw text)


def read_file(path: Path, profile: Profile) -> RawFile:
    if path.stat().st_size == 0:
        raise LandingError(f"{path}: empty file (0 bytes)")
    if profile.file_type == "csv":
        return _read_csv(path, profile)
    if profile.file_type in ("xlsx", "ods"):
        return _read_spreadsheet(path, profile)
    return _read_jsonl(path, profile)


def _decode(path: Path, profile: Profile) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise LandingError(f"{path}: binary content (NUL bytes), not a {profile.encoding} text file")
    try:
        text = data.decode(profile.encoding)
    except UnicodeDecodeError as exc:
        raise LandingError(
            f"{path}: not valid {profile.encoding} at byte {exc.start} (profile {profile.source}/{profile.name} "
            f"expects {profile.encoding}; re-export or land it under a profile with the right encoding)"
        ) from exc
    return text.removeprefix("\ufeff")


def _read_csv(path: Path, profile: Profile) -> RawFile:
    text = _decode(path, profile)
    if not text.strip():
        raise LandingError(f"{path}: no header and no rows")
    try:
        frame = pl.read_csv(
            io.StringIO(text),
            separator=profile.delimiter,
            infer_schema=False,
            null_values=list(profile.null_values),
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise LandingError(f"{path}: not a readable CSV with delimiter {profile.delimiter!r}: {str(exc).splitlines()[0]}") from exc
    header = frame.columns
    if len(header) == 1 and profile.delimiter not in header[0] and len(profile.mapped_source_columns) > 1:
        raise LandingError(
            f"{path}: header has a single column {header[0][:60]!r}; wrong delimiter? "
            f"profile {profile.source}/{profile.name} expects {profile.delimiter!r}"
        )
    frame = frame.with_columns(pl.all().str.strip_chars())
    return RawFile(frame=frame.with_row_index("source_row", offset=1).with_columns(pl.col("source_row").cast(pl.Int64)), header=header, unreadable_rows=[])


def _cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_spreadsheet(path: Path, profile: Profile) -> RawFile:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = profile.sheet or workbook.sheet_names[0]
        if sheet not in workbook.sheet_names:
            raise LandingError(f"{path}: no sheet {sheet!r} (sheets: {', '.join(workbook.sheet_names)})")
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=True)
    except LandingError:
        raise
    except Exception as exc:
        raise LandingError(f"{path}: not a readable {profile.file_type.upper()} workbook: {exc}") from exc
    if not rows:
        raise LandingError(f"{path}: sheet is empty")
    header = [str(h).strip() for h in rows[0]]
    body = [[_cell_text(v) for v in row] + [None] * (len(header) - len(row)) for row in rows[1:] if any(v not in (None, "") for v in row)]
    frame = pl.DataFrame(body, schema={h: pl.String for h in header}, orient="row")
    return RawFile(frame=frame.with_row_index("source_row", offset=1).with_columns(pl.col("source_row").cast(pl.Int64)), header=header, unreadable_rows=[])


def _scalar_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _read_jsonl(path: Path, profile: Profile) -> RawFile:
    text = _decode(path, profile)
    records, unreadable, keys = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = "malformed JSON" if not isinstance(exc, RecursionError) else "JSON nested too deeply"
            unreadable.append((number, reason, scrub_raw_line(line)))
            continue
        if not isinstance(obj, dict):
            unreadable.append((number, "JSON line is not an object", scrub_raw_line(line)))
            continue
        row = {"source_row": number}
        for key, value in obj.items():
            if key not in keys:
                keys.append(key)
            row[key] = _scalar_text(value)
        records.append(row)
    if not records and not unreadable:
        raise LandingError(f"{path}: no JSON lines")
    schema = {"source_row": pl.Int64, **{k: pl.String for k in keys}}
    frame = pl.DataFrame(records, schema=schema) if records else pl.DataFrame(schema=schema)
    return RawFile(frame=frame, header=keys, unreadable_rows=unreadable)
