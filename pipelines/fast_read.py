"""Set-based reading: the CSV exports of one profile, read into one frame per header instead of one per file.

A day lands one small file per unit, so a range of days is thousands of files; building and collecting a Polars
frame per file cost more than the rows themselves. Here each file is only decoded and cut into header and records
in Python (the careful reader's own code: reading.csv_pieces, so every rejection, encoding finding, quoting rule
and row number is the same), and the records of every file with the same header become one frame in one
collect. Which files go this way and which are read one by one is `takes` (docs/landing-zone.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import MutuError
from pipelines.parsing import FILE
from pipelines.profiles import Profile
from pipelines.reading import (
    MAX_FIELD_CHARS,
    RawFile,
    bounded,
    csv_pieces,
    csv_source,
    records_frame,
    refuse_empty,
)

ONE_BY_ONE = "MUTU_READ_ONE_BY_ONE"  # set to 1: every file read alone by the careful reader (to rule this path out)


def takes(profile: Profile) -> bool:
    """CSV exports in wide layout are read together; workbooks, JSON Lines and long layouts one file at a time."""
    if os.environ.get(ONE_BY_ONE) == "1":
        return False
    return profile.file_type == "csv" and profile.long is None


@dataclass
class ReadTogether:
    raw: RawFile  # one frame for every file in `files`: column FILE is the file's index there
    files: list[tuple[Path, str]]  # (path, relative path)
    notes: list[list[str]]  # per file: format findings for audit.schema_drift


def read_csv_files(files: list[tuple[Path, str]], profile: Profile) -> tuple[list[ReadTogether], dict[str, MutuError]]:
    """The files read in one frame per header, and the files rejected whole (relative path -> why)."""
    by_header: dict[tuple[str, ...], list[tuple[Path, str, object]]] = {}
    rejected: dict[str, MutuError] = {}
    for path, relative in files:
        try:
            data = path.read_bytes()
            refuse_empty(path, len(data))
            pieces = csv_pieces(data, path, profile)
        except MutuError as exc:
            rejected[relative] = exc
            continue
        by_header.setdefault(tuple(pieces.header), []).append((path, relative, pieces, len(data)))
    out = []
    for header, members in by_header.items():
        frame = records_frame(list(header), csv_source([m[2] for m in members], profile, FILE), profile, by_file=FILE)
        if any(size > MAX_FIELD_CHARS for *_, size in members):  # a smaller file cannot hold a field over the limit
            frame = bounded(frame, list(header))
        out.append(
            ReadTogether(
                raw=RawFile(frame=frame, header=list(header), unreadable_rows=[]),
                files=[(path, relative) for path, relative, _, _ in members],
                notes=[pieces.notes for _, _, pieces, _ in members],
            )
        )
    return out, rejected
