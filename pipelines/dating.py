"""Which daily partitions a landed file belongs to: the day in its name, or else its records' own days.

Exports come under any name and cover any span: a day (`queue_U1_2026-07-01.csv`), a month
(`complaints_2025-03.jsonl`), a quarter (`skm_unitA_2025q3.csv`) or nothing at all (`export.csv`). A file
whose name carries a day, as its profile says, belongs to that day (and its records that carry only times
take that date). Any other file is read, and each record belongs to its own local date (the contract's
partition column, or for time-only exports the profile's `timestamps.date_column`). docs/landing-zone.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from pipelines.atomic import file_stamp
from pipelines.contracts import contract
from pipelines.errors import LandingError, ProfileError
from pipelines.profiles import Profile

# Runs of digits and dashes in a file name: where its days are, whatever the profile's day format.
_NUMBERS = re.compile(r"\d[\d-]*\d")
# A record's local date may fall a day either side of the day its export is named for (exports cut at midnight,
# time zones). Further off, the name's day is not its records' day: an export of several days named by the day it
# was exported (`queue_U1_2026-07-31.csv` holding July). Staging counts such records (ingest: records_off_day); a
# file with more than this share of its records off its day is dated by its records from then on, by the planners
# and staging alike (`file_days(by_records=True)`). A day's export with a few stray records (a late-synced answer,
# a mistyped day) stays on its day, its records keeping their own dates.
MARGIN_DAYS = 1
OFF_DAY_SHARE = 0.5


def reads_day_from_name(profile: Profile) -> bool:
    """The profile takes a file's day from its name (not a constant day), and its records carry their own dates."""
    return (
        "partition_date" in profile.from_filename
        and "partition_date" not in profile.constants
        and not (profile.time_only and not profile.date_column)
    )


def name_day(path: str | Path, profile: Profile) -> date | None:
    """The day the profile reads from the file's name (or its constant day); None when the name carries none, or
    names a span (`queue_U1_2026-03-02_2026-03-11.csv`: the profile's pattern would find its last day)."""
    if "partition_date" in profile.constants:
        return date.fromisoformat(str(profile.constants["partition_date"]))
    if "partition_date" not in profile.from_filename:
        return None
    name = os.path.basename(path)
    match = profile.partition_date_pattern().search(name)
    if not match:
        return None
    days = {_day_in_name(text, profile.partition_date_format) for text in _NUMBERS.findall(name)} - {None}
    return _day_in_name(match.group(1), profile.partition_date_format) if len(days) <= 1 else None


@lru_cache(maxsize=1 << 14)
def _day_in_name(text: str, day_format: str) -> date | None:
    # Cached: a landing zone names the same few hundred days in thousands of files (strptime is the scan's cost).
    try:
        return datetime.strptime(text, day_format).date()
    except ValueError:
        return None  # '2026-02-30' is no day: the records say which days the file holds


@dataclass(frozen=True)
class DaysMemo:
    """The days of files dated by their records, kept across processes in the planners' hash cache
    (`landing_hashes.json`, the sensor's cursor): reading a month of complaints again on every run only to learn
    its days is most of a nightly plan. An entry holds while the file's size and modification time, and the
    staging inputs it was read with (`inputs`: the build id, over code, contracts and profiles), are unchanged."""

    cache: dict[str, str]
    inputs: str

    def days(self, relative: str, stamp: str) -> tuple[date, ...] | None:
        held = self.cache.get(f"days:{relative}", "")
        prefix = f"{stamp}:{self.inputs}:"
        if not held.startswith(prefix):
            return None
        return tuple(date.fromisoformat(day) for day in held[len(prefix) :].split(","))

    def keep(self, relative: str, stamp: str, days: tuple[date, ...]) -> None:
        self.cache[f"days:{relative}"] = f"{stamp}:{self.inputs}:" + ",".join(day.isoformat() for day in days)


def file_days(
    path: str | Path, relative: str, profile: Profile, memo: DaysMemo | None = None, by_records: bool = False
) -> tuple[tuple[date, ...], bool]:
    """(the file's days, whether they come from its records); LandingError/ProfileError when it has none.
    `by_records`: a file named by a day whose records staging found on other days is dated by its records."""
    day = None if by_records and reads_day_from_name(profile) else name_day(path, profile)
    if day is not None:
        return (day,), False
    if profile.time_only and not profile.date_column:
        pattern = profile.from_filename.get("partition_date")
        raise ProfileError(
            f"{relative}: its records carry only times of day and the file name carries no date"
            + (f" (profile {profile.source}/{profile.name} reads it with {pattern!r})" if pattern else "")
            + "; name the file with its day, or give the profile a `timestamps.date_column`"
        )
    stamp = file_stamp(path)
    days = memo.days(relative, stamp) if memo else None
    if days is None:
        days = _record_days(Path(path), stamp, relative, profile.source, profile.name)
        if memo:
            memo.keep(relative, stamp, days)
    return days, True


@lru_cache(maxsize=4096)
def _record_days(path: Path, stamp: str, relative: str, source: str, name: str) -> tuple[date, ...]:
    # Keyed by the file's stamp (size and modification time): a sensor tick does not re-read an unchanged export.
    from pipelines.parsing import record_days
    from pipelines.profiles import profile as profile_named
    from pipelines.reading import read_file
    from pipelines.validation import placeable_days

    profile = profile_named(source, name)
    raw = read_file(path, profile)
    days = placeable_days(contract(profile.dataset), record_days(raw, profile))
    if not days:
        column = profile.date_column or contract(profile.dataset).partition_column
        if raw.frame.height == 0:
            raise LandingError(
                f"{relative}: no readable records (a header only, or no line the profile can read), so nothing to "
                "place on a day"
            )
        sources = [column] if profile.date_column else profile.columns.get(column, [column])
        if not set(sources) & set(raw.header):
            raise LandingError(
                f"{relative}: its header has no {column} column ({' or '.join(sources)}), so its records cannot be "
                f"placed on a day; the header read is {', '.join(raw.header)[:300]} (a title row above the header?)"
            )
        raise LandingError(
            f"{relative}: no record carries a readable {column} (formats {', '.join(profile.timestamp_formats)}), "
            "so the file cannot be placed on any day; check the export's dates or the profile's formats"
        )
    return days
