"""Defects that real exports carry, injected deterministically into generated tables and complaints.

Every table here holds the file's cells as strings (null = empty cell) plus `_day` (the file it
lands in) and `_order` (row position, multiples of 4 so that duplicates slot in right behind).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import numpy as np
import polars as pl

MINIMUM_PER_FILE_KIND = (
    3  # with any rate > 0, every generated table (a unit's queue or survey, the complaints) gets a few
)

BAD_NUMBERS = ("x", "-", "#N/A", "gratis", "1O")
ISO_BAD_TIMESTAMPS = ("2026-02-30T08:15:00", "kemarin", "08:15", "2026-07-01 25:10:00", "#VALUE!")
VENDOR_BAD_TIMESTAMPS = ("31/02/2026 08:15", "00/00/0000 00:00", "08.15", "#VALUE!", "1/7/26 8:15 PM")
UNKNOWN_SERVICES = ("LAIN", "KTP-EL", "XX", "UMUM")


@dataclass(frozen=True)
class TableDefects:
    """Which defects one kind of file can carry, and the values that produce them."""

    name: str
    id_column: str
    timestamp_columns: tuple[str, ...]
    number_columns: tuple[str, ...] = ()
    unit_column: str | None = None
    service_column: str | None = None
    ordered_pair: tuple[str, str] | None = None  # (earlier, later): swapping them breaks the order
    answer_columns: tuple[str, ...] = ()
    out_of_range_answers: tuple[str, ...] = ()
    bad_answers: tuple[str, ...] = ()
    bad_timestamps: tuple[str, ...] = ISO_BAD_TIMESTAMPS

    def kinds(self) -> tuple[str, ...]:
        kinds = ["bad_timestamp", "exact_duplicate", "conflicting_duplicate"]
        if self.number_columns or self.bad_answers:
            kinds.append("bad_value")
        if self.ordered_pair:
            kinds.append("timestamp_order")
        if self.unit_column:
            kinds.append("unknown_unit")
        if self.service_column:
            kinds.append("unknown_service")
        if self.out_of_range_answers:
            kinds.append("out_of_range")
        return tuple(kinds)


def unknown_unit_id(unit_id: str, known: set[str]) -> str:
    """A plausible typo of a real id (two digits swapped), or a made-up one if that exists."""
    prefix, code = unit_id.split("-", 1)
    typo = f"{prefix}-{code[:2]}{code[3]}{code[2]}{code[4:]}"
    return typo if typo not in known and typo != unit_id else f"{prefix}-0000"


def _pick(rng: np.random.Generator, options) -> str:
    return options[int(rng.integers(len(options)))]


def _defective_rows(count: int, rate: float, rng: np.random.Generator) -> np.ndarray:
    chosen = np.flatnonzero(rng.random(count) < rate)
    if len(chosen) < MINIMUM_PER_FILE_KIND:
        extra = rng.choice(count, size=min(MINIMUM_PER_FILE_KIND, count), replace=False)
        chosen = np.union1d(chosen, extra)
    return chosen


def inject_table_defects(
    table: pl.DataFrame, spec: TableDefects, rate: float, rng: np.random.Generator, known_units: set[str]
) -> tuple[pl.DataFrame, int]:
    """Return the table with defects and how many rows were made defective."""
    if rate <= 0 or table.height == 0:
        return table, 0
    chosen = _defective_rows(table.height, rate, rng)
    # The conflicting copy borrows content from a neighbour, usually a row of the same file.
    donors = np.clip(chosen + rng.choice([-3, -2, -1, 1, 2, 3], len(chosen)), 0, table.height - 1)
    originals = table[chosen].to_dicts()
    neighbours = table[donors].to_dicts()
    kinds = spec.kinds()
    replacement = []
    for row, donor in zip(originals, neighbours, strict=False):
        replacement.extend(_apply(_pick(rng, kinds), row, donor, spec, rng, known_units))
    keep = np.ones(table.height, dtype=bool)
    keep[chosen] = False
    damaged = pl.DataFrame(replacement, schema=table.schema)
    return pl.concat([table.filter(pl.Series(keep)), damaged]).sort("_order"), len(chosen)


def _apply(
    kind: str, row: dict, donor: dict, spec: TableDefects, rng: np.random.Generator, known_units: set[str]
) -> list[dict]:
    row = dict(row)
    if kind == "timestamp_order":
        earlier, later = spec.ordered_pair
        if row[earlier] and row[later] and row[earlier] != row[later]:
            row[earlier], row[later] = row[later], row[earlier]
            return [row]
        kind = "bad_timestamp"
    if kind == "bad_timestamp":
        present = [c for c in spec.timestamp_columns if row[c]]
        row[_pick(rng, present or spec.timestamp_columns)] = _pick(rng, spec.bad_timestamps)
    elif kind == "bad_value":
        columns = list(spec.number_columns) + list(spec.answer_columns if spec.bad_answers else ())
        column = _pick(rng, columns)
        row[column] = _pick(rng, spec.bad_answers if column in spec.answer_columns else BAD_NUMBERS)
    elif kind == "unknown_unit":
        row[spec.unit_column] = unknown_unit_id(row[spec.unit_column], known_units)
    elif kind == "unknown_service":
        row[spec.service_column] = _pick(rng, UNKNOWN_SERVICES)
    elif kind == "out_of_range":
        row[_pick(rng, spec.answer_columns)] = _pick(rng, spec.out_of_range_answers)
    elif kind == "exact_duplicate":
        return [row, {**row, "_order": row["_order"] + 1}]
    elif kind == "conflicting_duplicate":
        # The same record of the same day with other content: its times stay (a neighbour's times would make it
        # another day's record, which a day's export may repeat, and no conflict: keys are per day).
        keep = {spec.id_column, "_day", "_order", *spec.timestamp_columns}
        keep |= {spec.unit_column} if spec.unit_column else set()
        changed = {k: v for k, v in donor.items() if k not in keep}
        if all(row[k] == v for k, v in changed.items()):
            changed[spec.service_column or spec.id_column] = _pick(rng, UNKNOWN_SERVICES)
        return [row, {**row, **changed, "_order": row["_order"] + 1}]
    return [row]


COMPLAINT_KINDS = (
    "history_out_of_order",
    "malformed_json",
    "unknown_unit",
    "unknown_service",
    "bad_timestamp",
    "exact_duplicate",
    "conflicting_duplicate",
)


def complaint_lines(
    records: list[dict], rate: float, rng: np.random.Generator, known_units: set[str]
) -> tuple[list[tuple[object, str]], int]:
    """Serialise complaints as (day, JSON line) pairs, with defects injected at `rate`."""
    lines = [(r["_day"], _json_line(r)) for r in records]
    if rate <= 0 or not records:
        return lines, 0
    chosen = set(_defective_rows(len(records), rate, rng).tolist())
    result = []
    for index, record in enumerate(records):
        if index not in chosen:
            result.append(lines[index])
            continue
        kind = _pick(rng, COMPLAINT_KINDS)
        damaged = copy.deepcopy(record)
        history = damaged["status_history"]
        if kind == "history_out_of_order" and len(history) >= 2:
            i = int(rng.integers(len(history) - 1))
            history[i]["at"], history[i + 1]["at"] = history[i + 1]["at"], history[i]["at"]
        elif kind == "history_out_of_order" or kind == "bad_timestamp":
            damaged["submitted_at"] = _pick(rng, ISO_BAD_TIMESTAMPS)
        elif kind == "unknown_unit":
            damaged["unit_id"] = unknown_unit_id(record["unit_id"], known_units)
        elif kind == "unknown_service":
            damaged["service_code"] = _pick(rng, UNKNOWN_SERVICES)
        elif kind == "malformed_json":
            text = _json_line(record)
            result.append((record["_day"], text[: int(len(text) * rng.uniform(0.3, 0.9))]))  # export cut off
            continue
        elif kind == "exact_duplicate":
            result.extend([lines[index], lines[index]])
            continue
        elif kind == "conflicting_duplicate":
            damaged["category"] = "other" if record["category"] != "other" else "procedure"
            damaged["rating"] = None
            result.extend([lines[index], (record["_day"], _json_line(damaged))])
            continue
        result.append((record["_day"], _json_line(damaged)))
    return result, len(chosen)


def _json_line(record: dict) -> str:
    return json.dumps({k: v for k, v in record.items() if not k.startswith("_")}, ensure_ascii=False)
