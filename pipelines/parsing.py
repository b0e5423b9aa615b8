"""Apply a source profile to a read file: canonical names and codes, personal data removed, contract types.

Output rows keep their source row number, a scrubbed JSON copy of the raw values (quarantine
evidence) and the list of rules already broken while parsing (unparseable values, excluded rows).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.contracts import Contract, contract
from pipelines.errors import LandingError, ProfileError
from pipelines.pii import pseudonym, remove_names, scrub_text
from pipelines.profiles import Profile, format_pattern
from pipelines.reading import PROBLEM, RawFile
from pipelines.row_rules import violations_where
from pipelines.vocabularies import respelled, spelled_any_case

TRUE_WORDS = {"true", "1", "yes", "ya", "y"}
FALSE_WORDS = {"false", "0", "no", "tidak", "n"}
META = ["source_file", "source_row", "raw_json", "violations"]
FILE = "__file"  # index of a row's file while several files are parsed together
RECORD_DATE = "__record_date"  # a record's local date as YYYY-MM-DD, for time-only timestamps


@dataclass
class ParsedFile:
    rows: pl.DataFrame  # META + contract stored columns
    drift: list[str]


def _filename_value(path: Path, profile: Profile, column: str) -> str:
    match = re.search(profile.from_filename[column], path.name)
    if not match:
        raise ProfileError(f"{path}: file name does not match {profile.from_filename[column]!r} for {column}")
    return match.group(1)


def _canonical_strings(
    raw: RawFile, path: Path, profile: Profile, spec: Contract, from_names: dict[str, pl.Expr], partition: pl.Expr
) -> tuple[pl.DataFrame, list[str]]:
    """from_names: the values the profile takes from file names, per row (by the column __file)."""
    header = set(raw.header)
    known = (
        profile.mapped_source_columns
        | set(profile.ignore_columns)
        | set(profile.personal_columns)
        | {profile.date_column}
    )
    drift = [f"extra column {c!r} not in profile {profile.source}/{profile.name}" for c in raw.header if c not in known]
    exprs, missing_required = [], []
    for col in spec.landed_columns:
        if col.name in profile.constants:
            exprs.append(pl.lit(str(profile.constants[col.name]), pl.String).alias(col.name))
            continue
        if col.name in profile.from_filename:
            exprs.append(from_names[col.name].alias(col.name))
            continue
        sources = [s for s in profile.columns.get(col.name, []) if s in header]
        if col.name in profile.concat and len(sources) < len(profile.columns[col.name]):
            sources = []  # a key made of several columns is missing if any part is
        if not sources:
            if col.required:
                missing_required.append(f"{col.name} (from {', '.join(profile.columns.get(col.name, [col.name]))})")
            exprs.append(pl.lit(None, pl.String).alias(col.name))
            continue
        if col.name in profile.concat:
            expr = pl.concat_str([pl.col(s) for s in sources], separator=profile.concat[col.name])
        else:
            expr = pl.coalesce([pl.col(s) for s in sources])
        if col.name in profile.values:
            expr = respelled(expr, spelled_any_case(profile.values[col.name]))
        if profile.vocabulary is not None and col.name in profile.vocabulary.spellings:
            expr = profile.vocabulary.canonical(col.name, expr)
        if col.allowed:
            expr = respelled(expr, spelled_any_case({value: value for value in col.allowed}))
        exprs.append(expr.alias(col.name))
    if missing_required and raw.frame.height > 0:
        raise LandingError(
            f"{path}: schema drift: required column(s) missing: {'; '.join(missing_required)}; "
            f"header is {', '.join(raw.header)[:300]}"
        )
    personal = [pl.col(c) for c in profile.personal_columns if c in header]
    frame = raw.frame.select(
        pl.col(FILE),
        pl.col("source_row"),
        (pl.col(PROBLEM) if PROBLEM in raw.frame.columns else pl.lit(None, pl.String)).alias(PROBLEM),
        *exprs,
        *(
            [_record_date(profile, header, partition).dt.strftime("%Y-%m-%d").alias(RECORD_DATE)]
            if profile.time_only
            else []
        ),
        (pl.concat_str(personal, separator=" ", ignore_nulls=True) if personal else pl.lit(None, pl.String)).alias(
            "__personal"
        ),
        _excluded(profile, header).alias("__excluded"),
    )
    return frame, drift


def _excluded(profile: Profile, header: set[str]) -> pl.Expr:
    conditions = [pl.col(c).is_in(values) for c, values in profile.drop_rows.items() if c in header]
    return pl.any_horizontal(conditions).fill_null(False) if conditions else pl.lit(False)


def _reporter_pseudonym(key: bytes):
    def from_json(text: str | None) -> str | None:
        if text is None:
            return None
        try:
            who = json.loads(text)
        except json.JSONDecodeError:
            return pseudonym(key, text)
        if not isinstance(who, dict):
            return pseudonym(key, str(who))
        for field in ("nik", "phone", "email", "name"):
            value = who.get(field)
            if value:
                value = re.sub(r"[\s\-\.]", "", str(value)) if field in ("nik", "phone") else str(value)
                return pseudonym(key, f"{field}:{value}")
        return None

    return from_json


def _reporter_name(text: str | None) -> str | None:
    try:
        who = json.loads(text) if text else None
    except json.JSONDecodeError:
        return None
    if isinstance(who, dict):
        parts = [str(who[k]) for k in ("name", "phone", "nik", "email") if who.get(k)]
        return " ".join(parts) or None
    return None


def _remove_personal_data(frame: pl.DataFrame, spec: Contract, key: bytes) -> pl.DataFrame:
    pseudonymised = [c for c in spec.columns if c.pii == "pseudonymise"]
    known = pl.col("__personal")
    for col in pseudonymised:
        known = pl.concat_str(
            [known, pl.col(col.name).map_elements(_reporter_name, return_dtype=pl.String)],
            separator=" ",
            ignore_nulls=True,
        )
    frame = frame.with_columns(known.alias("__personal"))
    scrubbed = [
        scrub_text(remove_names(pl.col(c.name), pl.col("__personal"))).alias(c.name)
        for c in spec.columns
        if c.pii == "scrub"
    ]
    hashed = [
        pl.col(c.name)
        .map_elements(_reporter_pseudonym(key), return_dtype=pl.String)
        .alias(c.stored_as or f"{c.name}_pseudonym")
        for c in pseudonymised
    ]
    return frame.with_columns(*scrubbed, *hashed).drop("__personal", *[c.name for c in pseudonymised])


def _exactly(expr: pl.Expr, formats: list[str], dtype: pl.DataType) -> pl.Expr:
    # Exactly the profile's format: chrono alone would read the cut '2026-09-02T08:3' as 08:03.
    parsed = [
        pl.when(expr.str.contains(format_pattern(f))).then(expr.str.strptime(dtype, f, strict=False)) for f in formats
    ]
    return pl.coalesce(parsed) if len(parsed) > 1 else parsed[0]


def _timestamp(expr: pl.Expr, profile: Profile, dtype: pl.DataType) -> pl.Expr:
    if profile.time_only:
        # The record's own date (its date column, or the file's day) before its time of day.
        return _exactly(
            pl.col(RECORD_DATE) + pl.lit(" ") + expr, ["%Y-%m-%d " + f for f in profile.timestamp_formats], dtype
        )
    return _exactly(
        expr, list(profile.timestamp_formats if dtype == pl.Datetime("us") else profile.date_formats), dtype
    )


def _record_date(profile: Profile, header: set[str] | list[str], partition: date | pl.Expr | None) -> pl.Expr:
    """Each record's local date from the raw strings: its date column or partition column, else the file's day."""
    if not isinstance(partition, pl.Expr):
        partition = pl.lit(partition, pl.Date())
    if profile.time_only:
        if profile.date_column and profile.date_column in header:
            return _exactly(pl.col(profile.date_column), list(profile.date_formats), pl.Date())
        return partition
    column = contract(profile.dataset).partition_column
    if column in profile.constants:
        return pl.lit(None, pl.Date())
    sources = [s for s in profile.columns.get(column, [column]) if s in header]
    if not sources:
        return partition
    return _exactly(
        pl.coalesce([pl.col(s) for s in sources]), list(profile.timestamp_formats), pl.Datetime("us")
    ).dt.date()


def record_days(raw: RawFile, profile: Profile) -> tuple[date, ...]:
    """The distinct local dates of a file's readable records (pipelines/dating.py)."""
    frame = raw.frame.filter(pl.col(PROBLEM).is_null()) if PROBLEM in raw.frame.columns else raw.frame
    days = (
        frame.select(_record_date(profile, raw.header, None).alias("day"))
        .get_column("day")
        .drop_nulls()
        .unique()
        .sort()
    )
    return tuple(days.to_list())


def _roll_over_midnight(typed: pl.DataFrame, spec: Contract, profile: Profile) -> pl.DataFrame:
    """Time-only exports: an event earlier than the record's previous one happened on the next day, within a bound."""
    if not (profile.time_only and profile.next_day_within_hours):
        return typed
    bound = pl.duration(minutes=round(profile.next_day_within_hours * 60))
    events = [
        name for name, dtype in spec.stored_schema.items() if dtype == pl.Datetime("us")
    ]  # in the contract's order
    rolled, previous = [], None
    for name in events:
        current = pl.col(name)
        if previous is not None:
            next_day = current + pl.duration(days=1)
            current = pl.when((current < previous) & (next_day - previous <= bound)).then(next_day).otherwise(current)
        rolled.append(current.alias(name))
        previous = current if previous is None else pl.coalesce(current, previous)
    return typed.with_columns(rolled)


def _number(expr: pl.Expr, profile: Profile, dtype: pl.DataType) -> pl.Expr:
    if profile.decimal_comma:
        expr = expr.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    return expr.str.replace_all(r"\s", "").cast(dtype, strict=False)


def _status_history(text: str | None) -> list[dict] | None:
    try:
        items = json.loads(text) if text else None
        return [{"status": str(i["status"]), "at": datetime.fromisoformat(str(i["at"]))} for i in items]
    except (TypeError, KeyError, ValueError, json.JSONDecodeError):
        return None


def _typed(col_name: str, dtype: pl.DataType, profile: Profile) -> pl.Expr:
    raw = pl.col(col_name)
    if dtype == pl.String():
        return raw
    if dtype == pl.Boolean():
        lower = raw.str.to_lowercase()
        return pl.when(lower.is_in(TRUE_WORDS)).then(True).when(lower.is_in(FALSE_WORDS)).then(False).otherwise(None)
    if dtype in (pl.Int64(), pl.Float64()):
        return _number(raw, profile, dtype)
    if dtype in (pl.Datetime("us"), pl.Date()):
        return _timestamp(raw, profile, dtype)
    if isinstance(dtype, pl.List):
        return raw.map_elements(_status_history, return_dtype=dtype)
    raise ProfileError(f"no parser for type {dtype} of column {col_name}")


def _cast(frame: pl.DataFrame, spec: Contract, profile: Profile) -> pl.DataFrame:
    stored = spec.stored_schema
    typed = [_typed(name, dtype, profile).alias(name) for name, dtype in stored.items() if name in frame.columns]
    failed = [
        (name, pl.col(name).is_not_null() & pl.col(f"__t_{name}").is_null())
        for name in stored
        if name in frame.columns and stored[name] != pl.String()
    ]
    renamed = frame.with_columns(
        [t.alias(f"__t_{n}") for t, n in zip(typed, [n for n in stored if n in frame.columns], strict=False)]
    ).with_row_index("__row")
    excluded = pl.when(pl.col("__excluded")).then(pl.lit("profile_excluded"))
    failures = [pl.when(failing).then(pl.lit(f"type:{name}")) for name, failing in failed]
    # A record that could not be read is quarantined for that alone: its values are not judged.
    unreadable = pl.concat_list([pl.lit("unreadable:") + pl.col(PROBLEM)])
    violations = (
        pl.when(pl.col(PROBLEM).is_not_null())
        .then(unreadable)
        .otherwise(pl.concat_list([excluded, *failures]).list.drop_nulls())
    )
    flagged = pl.any_horizontal([pl.col(PROBLEM).is_not_null(), pl.col("__excluded"), *[f for _, f in failed]])
    none = pl.lit([], dtype=pl.List(pl.String))
    return violations_where(renamed, "__row", flagged, violations, none).select(
        pl.col(FILE),
        pl.col("source_row"),
        pl.col("raw_json"),
        pl.col("violations"),
        *[
            pl.col(f"__t_{n}").alias(n) if n in frame.columns else pl.lit(None, dtype).alias(n)
            for n, dtype in stored.items()
        ],
    )


def _typed_column(rule: str) -> str:
    return rule.removeprefix("type:")


def _type_drift(typed: pl.DataFrame, spec: Contract) -> dict[int, list[str]]:
    """By file index: a column none of whose values reads as its contract type has most likely changed type."""
    found = typed.select(pl.col("violations").explode().unique()).to_series().drop_nulls()
    rules = sorted(r for r in found.to_list() if r.startswith("type:"))
    if not rules:
        return {}
    # Per file, in one pass: rows failing the column's type, and rows with a value in that column at all.
    per_file = typed.group_by(FILE).agg(
        *[pl.col("violations").list.contains(rule).sum().alias(f"failed:{rule}") for rule in rules],
        *[
            (
                pl.len() - (~pl.col("violations").list.contains(rule) & pl.col(_typed_column(rule)).is_null()).sum()
            ).alias(f"present:{rule}")
            for rule in rules
        ],
    )
    stored = spec.stored_schema
    drift: dict[int, list[str]] = {}
    for row in per_file.iter_rows(named=True):
        for rule in rules:
            n, column = row[f"failed:{rule}"], _typed_column(rule)
            if n >= 3 and n == row[f"present:{rule}"]:
                message = f"column {column!r}: none of its {n} values reads as {stored[column]} (type changed?)"
                drift.setdefault(row[FILE], []).append(message)
    return drift


LEGACY_UNSUR = [f"u{i}" for i in range(10, 15)]  # KepMenPAN 25/2004's unsur beyond PermenPANRB 14/2017's nine
METHODS = ("permenpanrb_14_2017", "kepmenpan_25_2004")


def _derive(frame: pl.DataFrame, spec: Contract, profile: Profile, header: list[str]) -> pl.DataFrame:
    if spec.name == "survey_responses":
        # KepMenPAN 25/2004 has 14 unsur; PermenPANRB 14/2017 has 9. The method belongs to the export (the wave), so it
        # is decided per file: by the profile when it says so, else by the file's columns (an export with u10..u14
        # columns is 2004, even if a respondent left them empty: an empty answer is not a zero), else by its answers.
        if profile.survey_method:
            legacy = pl.lit(profile.survey_method == "kepmenpan_25_2004")
        else:
            sources = {s for unsur in LEGACY_UNSUR for s in profile.columns.get(unsur, [unsur])}
            answered = pl.any_horizontal([pl.col(u).is_not_null() for u in LEGACY_UNSUR])
            by_answers = answered.any().over(FILE) if FILE in frame.columns else answered.any()
            legacy = pl.lit(bool(sources & set(header))) | by_answers
        frame = frame.with_columns(
            pl.when(legacy).then(pl.lit(METHODS[1])).otherwise(pl.lit(METHODS[0])).alias("method")
        )
    return frame


def _pivot_long(raw: RawFile, path: Path, profile: Profile) -> tuple[RawFile, list[str]]:
    """One line per answer -> one record per respondent; the record keeps its first line number."""
    layout = profile.long
    needed = [*layout.key_columns, layout.item_column, layout.value_column]
    missing = [c for c in needed if c not in raw.header]
    if missing:
        raise LandingError(f"{path}: schema drift: long-format column(s) missing: {', '.join(missing)}")
    frame = raw.frame.with_columns(
        pl.col(layout.item_column).replace_strict(layout.items, default=None).alias("__item")
    )
    unknown = (
        frame.filter(pl.col("__item").is_null() & pl.col(layout.item_column).is_not_null())[layout.item_column]
        .unique()
        .to_list()
    )
    keys = list(layout.key_columns)
    others = [c for c in raw.header if c not in (*keys, layout.item_column, layout.value_column)]
    # A respondent with an unreadable line is unreadable as a whole.
    problem = [pl.col(PROBLEM).drop_nulls().first()] if PROBLEM in frame.columns else []
    records = frame.group_by(keys, maintain_order=True).agg(
        pl.col("source_row").min(), *problem, *[pl.col(c).drop_nulls().first() for c in others]
    )
    answers = frame.filter(pl.col("__item").is_not_null()).pivot(
        on="__item", index=keys, values=layout.value_column, aggregate_function="first"
    )
    wide = records.join(answers, on=keys, how="left", nulls_equal=True).sort("source_row")
    header = [*keys, *others, *[c for c in answers.columns if c not in keys]]
    return RawFile(frame=wide, header=header, unreadable_rows=raw.unreadable_rows, notes=raw.notes), [
        f"unknown item {u!r} in {layout.item_column}" for u in sorted(map(str, unknown))
    ]


@dataclass
class ParsedFiles:
    rows: pl.DataFrame  # META + contract stored columns, every file's rows
    drift: dict[str, list[str]]  # file (relative path) -> findings


def parse(raw: RawFile, path: Path, relative: str, profile: Profile, key: bytes, partition: date) -> ParsedFile:
    parsed = parse_files([(raw, path, relative)], profile, key, partition)
    return ParsedFile(rows=parsed.rows, drift=parsed.drift[relative])


def parse_files(
    files: list[tuple[RawFile, Path, str]], profile: Profile, key: bytes, partition: date | dict[str, date]
) -> ParsedFiles:
    """Parse files of one profile: files with the same header go through the expressions together.

    `partition` is the day of every file, or each file's day by its relative path (a time-only export takes its
    records' date from it). A day lands one small file per unit; the same few dozen expressions over all of them
    at once cost about what they cost over one. Raises on the first file that cannot be parsed: parse that batch
    file by file to learn which.
    """
    spec = contract(profile.dataset)
    drift: dict[str, list[str]] = {}
    groups: dict[tuple[str, ...], list[tuple[RawFile, Path, str]]] = {}
    for raw, path, relative in files:
        drift[relative] = []
        if profile.long is not None:
            raw, drift[relative] = _pivot_long(raw, path, profile)  # per file: respondent keys may repeat across files
        drift[relative] += raw.notes
        groups.setdefault(tuple(raw.header), []).append((raw, path, relative))
    parsed = []
    for group in groups.values():
        frames = [raw.frame.with_columns(pl.lit(i, pl.Int32).alias(FILE)) for i, (raw, _, _) in enumerate(group)]
        together = RawFile(
            frame=pl.concat(frames, how="diagonal_relaxed"), header=group[0][0].header, unreadable_rows=[]
        )
        members = [(path, relative, raw.frame.height, raw.unreadable_rows) for raw, path, relative in group]
        parsed.append(_parse_together(together, members, profile, spec, key, partition, drift))
    rows = pl.concat(parsed, how="vertical_relaxed") if len(parsed) > 1 else parsed[0]
    return ParsedFiles(rows=rows, drift=drift)


def parse_together(
    together: RawFile,
    files: list[tuple[Path, str]],
    notes: list[list[str]],
    profile: Profile,
    key: bytes,
    partition: date | dict[str, date],
) -> ParsedFiles:
    """Parse files read together into one frame (column FILE: the index of the file in `files`), with one header."""
    drift = {relative: list(found) for (_, relative), found in zip(files, notes, strict=True)}
    heights = dict(together.frame.group_by(FILE).len().iter_rows())
    members = [(path, relative, heights.get(i, 0), []) for i, (path, relative) in enumerate(files)]
    rows = _parse_together(together, members, profile, contract(profile.dataset), key, partition, drift)
    return ParsedFiles(rows=rows, drift=drift)


def _parse_together(
    together: RawFile,
    files: list[tuple[Path, str, int, list[tuple[int, str, str]]]],
    profile: Profile,
    spec: Contract,
    key: bytes,
    partition: date | dict[str, date],
    drift: dict[str, list[str]],
) -> pl.DataFrame:
    """files: (path, relative path, rows read, unreadable lines) by the index in the frame's FILE column."""
    names = [relative for _, relative, _, _ in files]
    if isinstance(partition, dict):
        day = pl.col(FILE).replace_strict({i: partition[r] for i, r in enumerate(names)}, return_dtype=pl.Date)
    else:
        day = pl.lit(partition, pl.Date())
    landed = {c.name for c in spec.landed_columns}
    from_names = {
        column: pl.col(FILE).replace_strict(
            {i: _filename_value(path, profile, column) for i, (path, _, _, _) in enumerate(files)},
            return_dtype=pl.String,
        )
        for column in profile.from_filename
        if column in landed
    }
    # A missing required column fails the group if any file in it has rows (the caller then learns which, file by file).
    path = next((path for path, _, height, _ in files if height), files[0][0])
    strings, header_drift = _canonical_strings(together, path, profile, spec, from_names, day)
    strings = _remove_personal_data(strings, spec, key)
    evidence = [c for c in strings.columns if not c.startswith("__") and c != "source_row"]
    strings = strings.with_columns(pl.struct(evidence).struct.json_encode().alias("raw_json"))
    typed = _derive(_roll_over_midnight(_cast(strings, spec, profile), spec, profile), spec, profile, together.header)
    type_drift = _type_drift(typed, spec)
    for i, relative in enumerate(names):
        drift[relative][:0] = header_drift
        drift[relative] += type_drift.get(i, [])
    unreadable = pl.DataFrame(
        {
            FILE: [i for i, (_, _, _, lines) in enumerate(files) for _ in lines],
            "source_row": [r[0] for _, _, _, lines in files for r in lines],
            "raw_json": [json.dumps({"line": r[2]}, ensure_ascii=False) for _, _, _, lines in files for r in lines],
            "violations": [[f"unreadable:{r[1]}"] for _, _, _, lines in files for r in lines],
        },
        schema={FILE: pl.Int32, "source_row": pl.Int64, "raw_json": pl.String, "violations": pl.List(pl.String)},
    )
    rows = pl.concat([typed, unreadable], how="diagonal_relaxed").sort(FILE, "source_row")
    rows = rows.with_columns(
        pl.col(FILE).replace_strict(dict(enumerate(names)), return_dtype=pl.String).alias("source_file")
    )
    return rows.select(META + list(spec.stored_schema)).cast(spec.stored_schema | {"source_row": pl.Int64})
