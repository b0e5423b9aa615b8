"""The landing zone: which files are there, under which profile, for which daily partition.

Convention: LANDING/<source>/<profile>/<files> and LANDING/reference/<dataset>.csv (docs/landing-zone.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.errors import MutuError
from pipelines.parsing import partition_date_of
from pipelines.profiles import SOURCE_DATASETS, profile

REFERENCE_DATASETS = ("units", "services", "targets")


@dataclass(frozen=True)
class LandedFile:
    source: str
    profile: str
    path: Path
    relative: str
    partition: date | None  # None when the file could not be assigned (see `problem`)
    problem: str | None = None

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()


def scan(landing: Path, source: str) -> list[LandedFile]:
    """Every file of one source, with its partition; files that cannot be placed carry the reason."""
    found = []
    root = landing / source
    if not root.is_dir():
        return found
    inside = landing.resolve()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
            relative = str(path.relative_to(landing))
            # A symlink (of the file or its folder) leading out of the landing zone is never read: the
            # landing zone is the trust boundary, and a link could pull any file the run can read into the lake.
            if not path.resolve().is_relative_to(inside):
                found.append(LandedFile(source, folder.name, path, relative, None, f"{relative}: symbolic link to a file outside the landing zone; not read"))
                continue
            try:
                prof = profile(source, folder.name)
                if not path.match(prof.glob):
                    raise MutuError(
                        f"{relative}: does not match the file pattern {prof.glob!r} of profile {source}/{folder.name}; "
                        "rename it, or land it in the folder of the profile that reads its format"
                    )
                found.append(LandedFile(source, folder.name, path, relative, partition_date_of(path, prof)))
            except MutuError as exc:
                found.append(LandedFile(source, folder.name, path, relative, None, str(exc)))
    return found


def partitions(landing: Path) -> list[str]:
    """Sorted ISO dates of every partition any source has files for."""
    days = {f.partition for source in SOURCE_DATASETS for f in scan(landing, source) if f.partition}
    return sorted(d.isoformat() for d in days)


def by_partition(files: list[LandedFile]) -> dict[date, list[LandedFile]]:
    grouped: dict[date, list[LandedFile]] = {}
    for landed in files:
        if landed.partition is not None:
            grouped.setdefault(landed.partition, []).append(landed)
    return grouped


def files_for(landing: Path, source: str, partition: date) -> list[LandedFile]:
    return by_partition(scan(landing, source)).get(partition, [])


def unassigned(landing: Path) -> list[LandedFile]:
    return [f for source in SOURCE_DATASETS for f in scan(landing, source) if f.partition is None]
