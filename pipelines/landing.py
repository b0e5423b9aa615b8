"""The landing zone: which files are there, under which profile, for which daily partitions.

Convention: LANDING/<source>/<profile>/<files> and LANDING/reference/<dataset>.csv (docs/landing-zone.md).
A file is dated by the day in its name when the profile finds one there, else by its own records (each
record's local date): a monthly export, a quarterly one or a file called `export.csv` covers every day its
records fall on (pipelines/dating.py).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from pipelines.dating import DaysMemo, file_days
from pipelines.errors import MutuError
from pipelines.profiles import profile

REFERENCE_DATASETS = ("units", "services", "targets")


@dataclass(frozen=True)
class LandedFile:
    source: str
    profile: str
    location: str  # the file's path; as text, since a scan of a year's landing zone builds 17,000 of them
    relative: str
    days: tuple[date, ...]  # the daily partitions its records belong to; empty when it could not be dated
    problem: str | None = None  # why it could not be dated (it is then rejected whole)
    dated_by_records: bool = False  # the name carries no day: each record goes to its own day

    @cached_property
    def path(self) -> Path:
        return Path(self.location)

    @cached_property
    def sha256(self) -> str:
        # Once per scan: a multi-day file is recorded in the accounting of every day it holds.
        return file_sha256(self.path)


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _visible(folder: str | Path, directories: bool) -> list[os.DirEntry]:
    with os.scandir(folder) as entries:
        found = [
            e
            for e in entries
            if not e.name.startswith(".") and (e.is_dir() if directories else e.is_file())  # both follow links
        ]
    return sorted(found, key=lambda e: e.name)


def scan(
    landing: Path, source: str, memo: DaysMemo | None = None, redate: frozenset[str] = frozenset()
) -> list[LandedFile]:
    """Every file of one source, with its partition; files that cannot be placed carry the reason. `memo` keeps
    the days of files dated by their records across processes (the planners'); `redate` names the files dated by
    their records whatever their names say (changes.dated_by_records)."""
    found = []
    root = landing / source
    if not root.is_dir():
        return found
    inside = landing.resolve()
    root_linked = root.is_symlink()
    for folder in _visible(root, directories=True):
        for entry in _visible(folder.path, directories=False):
            path = entry.path
            relative = f"{source}/{folder.name}/{entry.name}"  # path.relative_to(landing), without its cost
            # A symlink (of the file, its folder or the source folder) leading out of the landing zone is never
            # read: the landing zone is the trust boundary, and a link could pull any file the run can read into
            # the lake. Only a path with a link on the way is resolved (resolving every file costs a stat a part).
            linked = root_linked or folder.is_symlink() or entry.is_symlink()
            if linked and not Path(path).resolve().is_relative_to(inside):
                found.append(
                    LandedFile(
                        source,
                        folder.name,
                        path,
                        relative,
                        (),
                        f"{relative}: symbolic link to a file outside the landing zone; not read",
                    )
                )
                continue
            try:
                days, by_records = file_days(
                    path, relative, profile(source, folder.name), memo, by_records=relative in redate
                )
                found.append(LandedFile(source, folder.name, path, relative, days, dated_by_records=by_records))
            except MutuError as exc:
                found.append(LandedFile(source, folder.name, path, relative, (), str(exc)))
    return found


def by_partition(files: list[LandedFile]) -> dict[date, list[LandedFile]]:
    """Day -> the files holding records of that day (a multi-day file is under each of its days)."""
    grouped: dict[date, list[LandedFile]] = {}
    for landed in files:
        for day in landed.days:
            grouped.setdefault(day, []).append(landed)
    return grouped
