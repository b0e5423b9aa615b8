"""Landing-zone file handling for the nightly workload: which day a file is for, and moving one day out."""

from __future__ import annotations

import csv
import re
import shutil
from datetime import date, datetime
from pathlib import Path

SOURCES = ("queue", "survey", "complaints")
# The generator names every daily file with its date, ISO or (the Indonesian vendor) dd-mm-yyyy.
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})\.[A-Za-z]+$")
DMY_DATE = re.compile(r"(\d{2}-\d{2}-\d{4})\.[A-Za-z]+$")


def day_of(path: Path) -> date | None:
    if match := ISO_DATE.search(path.name):
        return date.fromisoformat(match.group(1))
    if match := DMY_DATE.search(path.name):
        return datetime.strptime(match.group(1), "%d-%m-%Y").date()
    return None


def daily_files(landing: Path) -> list[Path]:
    return sorted(
        p for source in SOURCES if (landing / source).is_dir() for p in (landing / source).rglob("*") if p.is_file()
    )


def last_day(landing: Path) -> date:
    return max(d for d in map(day_of, daily_files(landing)) if d is not None)


def move_day_out(landing: Path, day: date, destination: Path) -> list[Path]:
    """Move that day's files from `landing` to the same relative paths under `destination`."""
    moved = []
    for path in daily_files(landing):
        if day_of(path) == day:
            target = destination / path.relative_to(landing)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
            moved.append(target.relative_to(destination))
    return moved


def restate_day(landing: Path, on_or_after: date) -> Path:
    """Append one ticket to a canonical queue file of the first day from `on_or_after` that has one (a copy of its
    last ticket under a new number), as a unit re-sending a corrected export; returns the file."""
    files = sorted((landing / "queue" / "canonical").glob("*.csv"), key=lambda p: (day_of(p) or date.max, p.name))
    path = next(p for p in files if (day_of(p) or date.min) >= on_or_after)
    with path.open(newline="", encoding="utf-8") as handle:
        header, *records = list(csv.reader(handle))
    ticket = dict(zip(header, records[-1], strict=True))
    ticket["ticket_id"] += "-R"
    with path.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerow([ticket[column] for column in header])
    return path


def copy_tree_into(source: Path, destination: Path) -> int:
    """Copy every file of `source` to the same relative path under `destination`; return how many."""
    copied = 0
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        target = destination / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        copied += 1
    return copied


def folder_counts(landing: Path) -> dict[str, dict[str, int]]:
    """Files and bytes per <source>/<profile> folder, reference included."""
    counts: dict[str, dict[str, int]] = {}
    for path in sorted(p for p in landing.rglob("*") if p.is_file()):
        folder = str(path.parent.relative_to(landing))
        entry = counts.setdefault(folder, {"files": 0, "bytes": 0})
        entry["files"] += 1
        entry["bytes"] += path.stat().st_size
    return counts
