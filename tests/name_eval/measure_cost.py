"""What scrubbing names costs in staging: survey and complaint files of a landing zone parsed day by day,
as staging batches them, timing the name scrubber inside and the whole parse with and without it.

    mutu generate --out /tmp/M --units 50 --days 365 --start 2025-01-01 --seed 7   # the bench's M workload
    python -m tests.name_eval.measure_cost /tmp/M
"""

from __future__ import annotations

import re
import sys
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import polars as pl

import pipelines.pii as pii
from pipelines.parsing import parse_files
from pipelines.profiles import profile
from pipelines.reading import read_file

KEY = b"measure-key-not-a-secret-0123456"
DAY = re.compile(r"(\d{4}-\d{2}-\d{2})")


def batches(landing: Path) -> list[tuple[str, str, date, list[Path]]]:
    found: dict[tuple[str, str, date], list[Path]] = defaultdict(list)
    for source in ("survey", "complaints"):
        for folder in sorted(p for p in (landing / source).iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir()):
                day = DAY.search(path.name)
                if day:
                    found[(source, folder.name, date.fromisoformat(day.group(1)))].append(path)
    return [(source, name, day, paths) for (source, name, day), paths in sorted(found.items())]


def parse_all(landing: Path) -> tuple[float, int]:
    """Seconds spent in parse_files over every batch, and the rows parsed (reading the files excluded)."""
    seconds, rows = 0.0, 0
    for source, name, day, paths in batches(landing):
        prof = profile(source, name)
        files = []
        for path in paths:
            try:
                files.append((read_file(path, prof), path, path.name))
            except Exception:
                continue  # the generator's deliberately broken files
        if not files:
            continue
        started = time.perf_counter()
        try:
            rows += parse_files(files, prof, KEY, day).rows.height
        except Exception:
            pass
        seconds += time.perf_counter() - started
    return seconds, rows


def main(landing: Path) -> None:
    real = pii.scrub_names_series
    spent = {"names": 0.0, "texts": 0}

    def timed(texts: pl.Series) -> pl.Series:
        started = time.perf_counter()
        result = real(texts)
        spent["names"] += time.perf_counter() - started
        spent["texts"] += texts.len()
        return result

    pii.scrub_names_series = lambda texts: texts
    without, rows = parse_all(landing)
    pii.scrub_names_series = timed
    with_names, _ = parse_all(landing)
    print(f"{rows} survey and complaint rows; free-text values through the name scrubber: {spent['texts']}")
    print(
        f"parse without names {without:.2f} s, with names {with_names:.2f} s; "
        f"inside the name scrubber {spent['names']:.2f} s"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
