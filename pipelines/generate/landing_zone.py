"""Entry point: write a deterministic, realistic landing zone (reference, queue, survey, complaints)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from .complaints import number_complaints, simulate_complaints
from .defects import TableDefects, complaint_lines, inject_table_defects
from .queue import CANONICAL_COLUMNS, TIMESTAMP_COLUMNS, canonical_text, simulate_queue
from .reference import ServiceStandard, Unit, build_services, build_targets, build_units, write_reference
from .survey import SURVEY_BASE_COLUMNS, answer_columns, simulate_survey
from .ticket_link import link_tickets
from .vendor_formats import (
    ANTRIAN_COLUMNS,
    ANTRIAN_DEFECTS,
    ANTRIAN_ENCODING,
    ANTRIAN_LINE_END,
    ANTRIAN_SEPARATOR,
    ESKM_DEFECTS,
    antrian_file_name,
    antrian_text,
    eskm_bytes,
    eskm_cells,
    eskm_file_name,
    write_bytes,
)
from .workdays import WorkCalendar

QUEUE_DEFECTS = TableDefects(
    name="queue/canonical",
    id_column="ticket_id",
    timestamp_columns=TIMESTAMP_COLUMNS,
    number_columns=("fee_paid_idr",),
    unit_column="unit_id",
    service_column="service_code",
    ordered_pair=("issued_at", "called_at"),
)

Damage = Callable[[date, bytes], bytes]


def _undamaged(day: date, content: bytes) -> bytes:
    return content


def _damaged_on(target: date, how: Callable[[bytes], bytes]) -> Damage:
    return lambda day, content: how(content) if day == target else content


def _cut_last_row(content: bytes) -> bytes:
    """The export stopped mid-row: the last line is cut in half and has no line end."""
    body = content.rstrip(b"\r\n")
    last_start = body.rfind(b"\n") + 1
    return body[: last_start + (len(body) - last_start) // 2]


def _cut_in_half(content: bytes) -> bytes:
    return content[: len(content) // 2]  # a workbook cut off mid-download: not a readable zip


def _numpy_stream(seed: int, *ids: int) -> np.random.Generator:
    return np.random.default_rng([seed % 2**64, *ids])


def _python_stream(seed: int, *ids: object) -> random.Random:
    return random.Random(":".join(str(part) for part in (seed, *ids)))


def _survey_defects(unit: Unit) -> TableDefects:
    return TableDefects(
        name="survey/canonical",
        id_column="respondent_id",
        timestamp_columns=("submitted_at",),
        number_columns=("age",),
        unit_column="unit_id",
        service_column="service_code",
        answer_columns=tuple(answer_columns(unit)),
        out_of_range_answers=("0", "5", "7"),
        bad_answers=("x", "-", "?"),
    )


@dataclass
class _Landing:
    """Writes files under the landing root and keeps the counts for the summary."""

    root: Path
    seed: int
    defect_rate: float
    known_units: set[str]
    counts: Counter = field(default_factory=Counter)
    shifts: dict[str, date] = field(default_factory=dict)

    def write_partitions(
        self,
        table: pl.DataFrame,
        path_for_day: Callable[[date], Path],
        to_bytes: Callable[[pl.DataFrame], bytes],
        damage: Damage = _undamaged,
    ) -> None:
        for (day,), part in table.partition_by("_day", as_dict=True, maintain_order=True).items():
            write_bytes(self.root / path_for_day(day), damage(day, to_bytes(part)))
            self.counts["files"] += 1

    def write_csv_partitions(
        self,
        table: pl.DataFrame,
        columns: Sequence[str],
        path_for_day: Callable[[date], Path],
        separator: str = ",",
        line_end: str = "\n",
        encoding: str = "utf-8",
        damage: Damage = _undamaged,
    ) -> None:
        """One CSV per file `path_for_day` names: a day's file, or a month's or quarter's when several days map to
        one name. The table is rendered once and cut into files: much faster than one writer call per file."""
        cells = table.select(columns)
        options = {"separator": separator, "line_terminator": line_end, "null_value": ""}
        header = cells.head(0).write_csv(**options)
        lines = cells.write_csv(include_header=False, **options).split(line_end)[:-1]
        runs = table["_day"].rle()
        if len(lines) != table.height or len(runs) != table["_day"].n_unique():
            # A quoted line break or days out of order: fall back to one writer call per file.
            paths = table["_day"].map_elements(lambda day: str(path_for_day(day)), return_dtype=pl.String)
            for (path,), part in (
                table.with_columns(paths.alias("_path"))
                .partition_by("_path", as_dict=True, maintain_order=True)
                .items()
            ):
                content = part.select(columns).write_csv(**options).encode(encoding)
                write_bytes(self.root / path, damage(part["_day"][0], content))
                self.counts["files"] += 1
            return
        files: dict[Path, tuple[date, list[str]]] = {}
        position = 0
        for length, day in runs.struct.unnest().iter_rows():
            files.setdefault(path_for_day(day), (day, []))[1].extend(lines[position : position + length])
            position += length
        for path, (first_day, body) in files.items():
            content = (header + line_end.join(body) + line_end).encode(encoding)
            write_bytes(self.root / path, damage(first_day, content))
            self.counts["files"] += 1

    def inject(self, table: pl.DataFrame, spec: TableDefects, rng: np.random.Generator) -> pl.DataFrame:
        table, damaged = inject_table_defects(table, spec, self.defect_rate, rng, self.known_units)
        self.counts["defect_rows"] += damaged
        return table

    def file_damage(self, table: pl.DataFrame, how: Callable[[bytes], bytes], stream: str) -> Damage:
        """With defects asked for, one file of this table is damaged as a whole."""
        if self.defect_rate <= 0 or table.height == 0:
            return _undamaged
        self.counts["defect_files"] += 1
        days = sorted(set(table["_day"].to_list()))
        return _damaged_on(_python_stream(self.seed, "file-damage", stream).choice(days), how)


def _write_queue(
    landing: _Landing,
    unit: Unit,
    index: int,
    services: list[ServiceStandard],
    calendar: WorkCalendar,
    damage_whole_file: bool,
) -> pl.DataFrame:
    seed = landing.seed
    tickets = simulate_queue(unit, services, calendar, _numpy_stream(seed, 1, index), landing.shifts.get(unit.unit_id))
    defect_rng = _numpy_stream(seed, 2, index)
    if unit.queue_profile == "antrian_id":
        cells = landing.inject(antrian_text(tickets, _numpy_stream(seed, 3, index)), ANTRIAN_DEFECTS, defect_rng)
        landing.write_csv_partitions(
            cells,
            ANTRIAN_COLUMNS,
            lambda day: Path("queue/antrian_id") / antrian_file_name(unit.unit_id, day),
            separator=ANTRIAN_SEPARATOR,
            line_end=ANTRIAN_LINE_END,
            encoding=ANTRIAN_ENCODING,
        )
    else:
        cells = canonical_text(tickets).with_columns(_order=pl.int_range(pl.len(), dtype=pl.Int64) * 4)
        cells = landing.inject(cells, QUEUE_DEFECTS, defect_rng)
        damage = landing.file_damage(cells, _cut_last_row, f"queue-{index}") if damage_whole_file else _undamaged
        landing.write_csv_partitions(
            cells,
            CANONICAL_COLUMNS,
            lambda day: Path("queue/canonical") / f"queue_{unit.unit_id}_{day:%Y-%m-%d}.csv",
            damage=damage,
        )
    landing.counts["queue_rows"] += cells.height
    return tickets


def _write_survey(
    landing: _Landing,
    unit: Unit,
    index: int,
    services: list[ServiceStandard],
    calendar: WorkCalendar,
    tickets: pl.DataFrame,
) -> None:
    seed = landing.seed
    respondents = simulate_survey(
        unit, services, calendar, _python_stream(seed, "survey", index), _numpy_stream(seed, 4, index)
    )
    if unit.queue_profile == "canonical" and unit.survey_profile == "canonical" and not unit.legacy_survey:
        respondents = link_tickets(respondents, tickets, _numpy_stream(seed, 6, index))  # canonical export carries it
    defect_rng = _numpy_stream(seed, 5, index)
    if unit.survey_profile == "eskm_xlsx" and not unit.legacy_survey:
        cells = landing.inject(eskm_cells(respondents), ESKM_DEFECTS, defect_rng)
        landing.write_partitions(
            cells,
            lambda day: Path("survey/eskm_xlsx") / eskm_file_name(unit.unit_id, day),
            eskm_bytes,
            landing.file_damage(cells, _cut_in_half, f"eskm-{index}"),
        )
    else:
        cells = landing.inject(respondents, _survey_defects(unit), defect_rng)
        linked = ["ticket_id"] if "ticket_id" in cells.columns else []
        landing.write_csv_partitions(
            cells,
            [*SURVEY_BASE_COLUMNS, *answer_columns(unit), "suggestion", *linked],
            _quarterly_survey(unit) if unit.legacy_survey else _daily_survey(unit),
        )
    landing.counts["survey_rows"] += cells.height


def _daily_survey(unit: Unit) -> Callable[[date], Path]:
    return lambda day: Path("survey/canonical") / f"survey_{unit.unit_id}_{day:%Y-%m-%d}.csv"


def _quarterly_survey(unit: Unit) -> Callable[[date], Path]:
    """Older e-SKM systems (the 2004-method units here) export a quarter of answers at a time."""
    return lambda day: Path("survey/canonical") / f"skm_{unit.unit_id}_{day.year}q{(day.month - 1) // 3 + 1}.csv"


def _write_complaints(
    landing: _Landing, units: list[Unit], services: list[ServiceStandard], calendar: WorkCalendar
) -> None:
    records = []
    for index, unit in enumerate(units):
        records.extend(simulate_complaints(unit, services, calendar, _python_stream(landing.seed, "complaints", index)))
    lines, damaged = complaint_lines(
        number_complaints(records), landing.defect_rate, _numpy_stream(landing.seed, 6), landing.known_units
    )
    landing.counts["defect_rows"] += damaged
    # SP4N-LAPOR! exports a month of complaints at a time: one file per month, dated by its records.
    by_month: dict[str, list[str]] = defaultdict(list)
    for day, line in sorted(lines, key=lambda item: item[0]):
        by_month[f"{day:%Y-%m}"].append(line)
    for month, month_lines in by_month.items():
        content = "".join(f"{line}\n" for line in month_lines).encode("utf-8")
        write_bytes(landing.root / "complaints" / "canonical" / f"complaints_{month}.jsonl", content)
        landing.counts["files"] += 1
    landing.counts["complaint_rows"] += len(lines)


def generate_landing(
    out: Path, units: int = 8, days: int = 92, start: date = date(2026, 7, 1), seed: int = 7, defects: float = 0.0
) -> dict:
    """Write a deterministic, realistic landing zone under `out`; return a summary dict
    {"files": n, "queue_rows": n, "survey_rows": n, "complaint_rows": n, "units": [...], "first_date": ...,
    "last_date": ..., "defect_rows": n, "defect_files": n}.

    Same arguments, same bytes. Existing files under `out` with other names are left alone."""
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    if not 0.0 <= defects <= 1.0:
        raise ValueError(f"defects must be a rate between 0 and 1, got {defects}")
    first, last = start, start + timedelta(days=days - 1)
    calendar = WorkCalendar.for_period(first, last)
    reference_rng = _python_stream(seed, "reference")
    unit_list = build_units(units, reference_rng)
    services = build_services(unit_list, first, last, reference_rng)
    targets = build_targets(unit_list, range(first.year, last.year + 1), reference_rng)

    landing = _Landing(Path(out), seed, defects, {u.unit_id for u in unit_list})
    landing.shifts = known_shift(unit_list, first, last)
    landing.counts["files"] += write_reference(landing.root, unit_list, services, targets)
    first_canonical_queue = next((u for u in unit_list if u.queue_profile == "canonical"), None)
    for index, unit in enumerate(unit_list):
        tickets = _write_queue(
            landing, unit, index, services, calendar, damage_whole_file=unit is first_canonical_queue
        )
        _write_survey(landing, unit, index, services, calendar, tickets)
    _write_complaints(landing, unit_list, services, calendar)

    counts = landing.counts
    return {
        "files": counts["files"],
        "queue_rows": counts["queue_rows"],
        "survey_rows": counts["survey_rows"],
        "complaint_rows": counts["complaint_rows"],
        "units": [u.unit_id for u in unit_list],
        "first_date": first.isoformat(),
        "last_date": last.isoformat(),
        "defect_rows": counts["defect_rows"],
        "defect_files": counts["defect_files"],
        "waits_double_from": {unit: day.isoformat() for unit, day in landing.shifts.items()},
    }


def known_shift(units: list, first: date, last: date) -> dict[str, date]:
    """The last unit's waits double from the first day of the second month when the period spans 60 days or more."""
    month_two = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
    if len(units) < 2 or (last - first).days < 59:
        return {}
    return {units[-1].unit_id: month_two}
