"""Source profiles: how one vendor's export maps onto the canonical contract.

A profile is YAML in `data_contracts/profiles/<source>/<profile>.yaml`; a new vendor is a new file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pipelines.config_files import field_error, read_yaml
from pipelines.contracts import CONTRACTS_DIR, contracts
from pipelines.errors import ProfileError
from pipelines.vocabularies import Vocabulary, vocabulary

PROFILES_DIR = CONTRACTS_DIR / "profiles"
FILE_TYPES = {"csv", "xlsx", "ods", "jsonl"}
ENCODINGS = {"utf-8", "utf-8-sig", "cp1252"}
SOURCE_DATASETS = {"queue": "queue_tickets", "survey": "survey_responses", "complaints": "complaints"}


@dataclass(frozen=True)
class LongLayout:
    """An export with one line per answer: `key_columns` identify the record, `items` name the answer columns."""

    key_columns: tuple[str, ...]
    item_column: str
    value_column: str
    items: dict[str, str]  # item value in the export -> canonical column


@dataclass(frozen=True)
class Profile:
    source: str
    name: str
    path: Path
    dataset: str
    description: str
    file_type: str
    glob: str
    delimiter: str = ","
    encoding: str = "utf-8"
    decimal_comma: bool = False
    sheet: str | None = None
    columns: dict[str, list[str]] = field(default_factory=dict)  # canonical -> source columns, coalesced in order
    concat: dict[str, str] = field(
        default_factory=dict
    )  # canonical -> separator: its source columns are joined, not coalesced
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # canonical column -> {source value: canonical}
    vocabulary: Vocabulary | None = None  # spellings shared by the source's profiles, after `values`
    null_values: tuple[str, ...] = ("",)
    timestamp_formats: tuple[str, ...] = ("%Y-%m-%dT%H:%M:%S",)
    time_only: bool = False  # timestamps are times of day; the date is the file's day or `date_column`
    date_column: str | None = None  # time-only exports: the source column holding each record's date
    # Time-only exports: an event time earlier than the record's previous event is on the next day, when the
    # gap stays within these hours (a call from 23:58 to 0:04); a longer one is still a contradiction.
    next_day_within_hours: float | None = None
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    constants: dict[str, Any] = field(default_factory=dict)
    from_filename: dict[str, str] = field(
        default_factory=dict
    )  # canonical column or partition_date -> regex with one group
    partition_date_format: str = "%Y-%m-%d"
    drop_rows: dict[str, list[str]] = field(default_factory=dict)  # source column -> values that are not records
    ignore_columns: tuple[str, ...] = ()  # present in the export, never read
    personal_columns: tuple[str, ...] = ()  # personal data: read only to scrub the row's free text, then dropped
    long: LongLayout | None = None  # one line per answer, pivoted to one record per respondent
    survey_method: str | None = None  # survey exports: the IKM method of every file, when the profile knows it

    @property
    def mapped_source_columns(self) -> set[str]:
        return {src for sources in self.columns.values() for src in sources}

    def partition_date_pattern(self) -> re.Pattern:
        return re.compile(self.from_filename["partition_date"])


# strftime directives a profile may use, and what each matches. Polars' parser (chrono) also accepts one
# digit for two-digit fields ('2026-9-2T8:3'), so a value is first held to exactly its format's shape.
# `%-H` (and the like) is the unpadded form, as in GNU strftime.
_DIRECTIVES = {
    "Y": r"\d{4}",
    "y": r"\d{2}",
    "m": r"\d{2}",
    "d": r"\d{2}",
    "H": r"\d{2}",
    "I": r"\d{2}",
    "M": r"\d{2}",
    "S": r"\d{2}",
    "-m": r"\d{1,2}",
    "-d": r"\d{1,2}",
    "-H": r"\d{1,2}",
    "-I": r"\d{1,2}",
    "-M": r"\d{1,2}",
    "-S": r"\d{1,2}",
    "f": r"\d{1,9}",
    "p": r"(?:[AaPp][Mm])",
    "b": r"[A-Za-z]{3}",
    "z": r"[+-]\d{2}:?\d{2}",
    "%": "%",
}


def format_pattern(fmt: str) -> str:
    """Anchored regular expression of the values a strftime format admits; ValueError on a directive Mutu does not
    know."""
    out, i = ["^"], 0
    while i < len(fmt):
        if fmt[i] != "%":
            out.append(re.escape(fmt[i]))
            i += 1
            continue
        directive = fmt[i + 1 : i + 3] if fmt[i + 1 : i + 2] == "-" else fmt[i + 1 : i + 2]
        if directive not in _DIRECTIVES:
            raise ValueError(
                f"unsupported directive %{directive} in {fmt!r} (use {', '.join('%' + d for d in _DIRECTIVES)})"
            )
        out.append(_DIRECTIVES[directive])
        i += 1 + len(directive)
    return "".join(out) + "$"


def _fail(path: Path, where: str, what: str) -> ProfileError:
    return field_error(ProfileError, path, where, what)


def load_profile(path: Path) -> Profile:
    raw = read_yaml(path, "profile", ProfileError)
    source, name = path.parent.name, path.stem
    dataset = SOURCE_DATASETS.get(source)
    if dataset is None:
        raise _fail(path, "(folder)", f"unknown source {source!r}; expected one of {sorted(SOURCE_DATASETS)}")
    contract = contracts()[dataset]
    file = raw.get("file") or {}
    file_type = file.get("type")
    if file_type not in FILE_TYPES:
        raise _fail(path, "file.type", f"{file_type!r} is not one of {sorted(FILE_TYPES)}")
    encoding = file.get("encoding", "utf-8")
    if encoding not in ENCODINGS:
        raise _fail(path, "file.encoding", f"{encoding!r} is not one of {sorted(ENCODINGS)}")
    long = None
    if raw.get("long"):
        spec = raw["long"]
        for field in ("key_columns", "item_column", "value_column", "items"):
            if field not in spec:
                raise _fail(path, f"long.{field}", "required for a long-format export")
        for item, target in spec["items"].items():
            if target not in contract.column_names:
                raise _fail(path, f"long.items.{item}", f"{target} is not a column of contract {dataset}")
        long = LongLayout(
            tuple(spec["key_columns"]),
            spec["item_column"],
            spec["value_column"],
            {str(k): v for k, v in spec["items"].items()},
        )
        # After pivoting, the answer columns carry their canonical names.
        raw.setdefault("columns", {}).update({t: t for t in spec["items"].values()})
    columns: dict[str, list[str]] = {}
    concat: dict[str, str] = {}
    if not raw.get("columns"):
        # No mapping means the export already uses the canonical names.
        raw["columns"] = {c.name: c.name for c in contract.landed_columns}
    for canonical, src in (raw.get("columns") or {}).items():
        if canonical not in contract.column_names:
            raise _fail(path, f"columns.{canonical}", f"not a column of contract {dataset}")
        if isinstance(src, dict):
            if not isinstance(src.get("concat"), list):
                raise _fail(
                    path,
                    f"columns.{canonical}",
                    "a mapping needs `concat: [source columns]` (and optionally `separator`)",
                )
            columns[canonical] = list(src["concat"])
            concat[canonical] = str(src.get("separator", "-"))
        else:
            columns[canonical] = [src] if isinstance(src, str) else list(src)
    values = raw.get("values") or {}
    for canonical in values:
        if canonical not in contract.column_names:
            raise _fail(path, f"values.{canonical}", f"not a column of contract {dataset}")
    shared = None
    if raw.get("vocabulary") is not None:
        try:
            shared = vocabulary(str(raw["vocabulary"]))
        except ProfileError as exc:
            raise _fail(path, "vocabulary", str(exc)) from None
        if shared.dataset != dataset:
            raise _fail(path, "vocabulary", f"{shared.name} spells values of {shared.dataset}, not of {dataset}")
    constants = raw.get("constants") or {}
    from_filename = raw.get("from_filename") or {}
    for key, pattern in from_filename.items():
        try:
            if re.compile(pattern).groups != 1:
                raise _fail(path, f"from_filename.{key}", "the pattern needs exactly one capture group")
        except re.error as exc:
            raise _fail(path, f"from_filename.{key}", f"bad regular expression: {exc}") from exc
    ts = raw.get("timestamps") or {}
    if (
        ts.get("time_only")
        and not ts.get("date_column")
        and "partition_date" not in from_filename
        and "partition_date" not in constants
    ):
        raise _fail(
            path,
            "timestamps.date_column",
            "time-only records need their date: a date column, "
            "from_filename.partition_date or constants.partition_date",
        )
    unmapped = [
        c.name
        for c in contract.landed_columns
        if c.required and c.name not in columns and c.name not in constants and c.name not in from_filename
    ]
    if unmapped and file_type != "jsonl":
        raise _fail(path, "columns", f"required contract columns not mapped: {', '.join(unmapped)}")
    for where, formats in (
        ("timestamps.formats", ts.get("formats") or []),
        ("date_formats", raw.get("date_formats") or []),
        ("partition_date_format", [raw.get("partition_date_format", "%Y-%m-%d")]),
    ):
        for fmt in formats:
            try:
                format_pattern(str(fmt))
            except ValueError as exc:
                raise _fail(path, where, str(exc)) from None
    return Profile(
        source=source,
        name=name,
        path=path,
        dataset=dataset,
        description=str(raw.get("description", "")).strip(),
        file_type=file_type,
        glob=file.get("glob", "*"),
        delimiter=file.get("delimiter", ","),
        encoding=encoding,
        decimal_comma=bool(file.get("decimal_comma", False)),
        sheet=file.get("sheet"),
        columns=columns,
        concat=concat,
        values={k: {str(a): b for a, b in v.items()} for k, v in values.items()},
        vocabulary=shared,
        null_values=tuple(str(v) for v in raw.get("null_values", [""])),
        timestamp_formats=tuple(ts.get("formats", ["%Y-%m-%dT%H:%M:%S"])),
        time_only=bool(ts.get("time_only", False)),
        date_column=ts.get("date_column"),
        next_day_within_hours=(ts.get("next_day_when_earlier") or {}).get("within_hours"),
        date_formats=tuple(raw.get("date_formats", ["%Y-%m-%d"])),
        constants=constants,
        from_filename=from_filename,
        partition_date_format=raw.get("partition_date_format", "%Y-%m-%d"),
        drop_rows={k: [str(x) for x in v] for k, v in (raw.get("drop_rows") or {}).items()},
        ignore_columns=tuple(raw.get("ignore_columns") or ()),
        personal_columns=tuple(raw.get("personal_columns") or ()),
        long=long,
        survey_method=_survey_method(path, raw.get("survey_method")),
    )


def _survey_method(path: Path, value: str | None) -> str | None:
    methods = ("permenpanrb_14_2017", "kepmenpan_25_2004")
    if value is not None and value not in methods:
        raise _fail(path, "survey_method", f"{value!r} is not one of {', '.join(methods)}")
    return value


@cache
def profiles() -> dict[tuple[str, str], Profile]:
    found = {}
    for path in sorted(PROFILES_DIR.glob("*/*.yaml")):
        profile = load_profile(path)
        found[(profile.source, profile.name)] = profile
    return found


def profile(source: str, name: str) -> Profile:
    try:
        return profiles()[(source, name)]
    except KeyError:
        raise ProfileError(
            f"no profile {source}/{name}: landed files in {source}/{name}/ need "
            f"data_contracts/profiles/{source}/{name}.yaml"
        ) from None
