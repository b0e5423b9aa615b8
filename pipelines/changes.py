"""Which partitions the landing zone has changed since they were ingested, by content hash.

The lake's row accounting records the SHA-256 of every file each partition was built from. A partition
is stale when a file was added, removed or its content changed (a late or corrected export restates its
day). File hashes are cached by (size, modification time) so a sensor tick does not re-read every file;
a touched file with the same content changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.atomic import file_stamp
from pipelines.dating import OFF_DAY_SHARE, DaysMemo
from pipelines.landing import REFERENCE_DATASETS, file_sha256, scan
from pipelines.profiles import SOURCE_DATASETS


def hash_with_cache(path: str | Path, relative: str, cache: dict[str, str]) -> str:
    """SHA-256 of a file, reusing the cached one while size and modification time are unchanged."""
    stamp = file_stamp(path)
    cached = cache.get(relative, "")
    if cached.startswith(stamp + ":"):
        return cached.rsplit(":", 1)[1]
    sha = file_sha256(path)
    cache[relative] = f"{stamp}:{sha}"
    return sha


def accounting_rows(lake: Path, datasets: tuple[str, ...] | None = None) -> pl.DataFrame:
    """Which file each partition was built from, with its hash, build id and when (every row of the lake's
    accounting, or of `datasets` only)."""
    folders = [lake / "row_accounting" / d for d in datasets] if datasets is not None else [lake / "row_accounting"]
    return _read_accounting(
        [f for folder in folders for f in folder.glob("*.parquet" if datasets is not None else "*/*.parquet")]
    )


def _read_accounting(files: list[Path]) -> pl.DataFrame:
    schema = {
        "dataset": pl.String,
        "partition_key": pl.String,
        "source_file": pl.String,
        "sha256": pl.String,
        "built_with": pl.String,
        "ingested_at": pl.Datetime("us", "UTC"),
        "dated_by": pl.String,
        "rows_in": pl.Int64,
        "records_off_day": pl.Int64,
    }
    if not files:
        return pl.DataFrame(schema=schema)
    # One scan of the columns over every file (a year of three sources is a thousand small files). Lakes written
    # before hashes or build ids were recorded lack those columns: their partitions read as stale.
    return pl.scan_parquet(files, schema=schema, missing_columns="insert", extra_columns="ignore").collect()


def _as_placed(sha: str | None, by_records: bool) -> str | None:
    # A file moving from its name's day to its records' days restages the name's day too: the same content, placed
    # otherwise.
    return f"{sha} by records" if by_records and sha is not None else sha


def ingested(accounting: pl.DataFrame) -> dict[tuple[str, str], dict[str, str]]:
    """(dataset, partition key) -> {source file: sha256, and whether it was dated by its records} as last
    ingested."""
    out: dict[tuple[str, str], dict[str, str]] = {}
    for dataset, partition_key, source_file, sha, dated_by in accounting.select(
        "dataset", "partition_key", "source_file", "sha256", "dated_by"
    ).iter_rows():
        if partition_key is None:
            continue  # files no partition could hold: see recorded_unassigned
        out.setdefault((dataset, partition_key), {})[source_file] = _as_placed(sha, dated_by == "records")
    return out


def dated_by_records(accounting: pl.DataFrame) -> frozenset[str]:
    """Files the planners and staging date by their records whatever their names say: those named by a day most of
    whose records staging found on other days (dating.MARGIN_DAYS, OFF_DAY_SHARE), and those dated so since."""
    found = accounting.filter(_mostly_off_day() | (pl.col("dated_by") == "records"))
    return frozenset(found.get_column("source_file").to_list())


def _mostly_off_day() -> pl.Expr:
    return pl.col("records_off_day") > pl.col("rows_in") * OFF_DAY_SHARE


def found_off_day(lake: Path, staged: dict[str, list[str]]) -> list[str]:
    """Files named by a day that staging (`staged`: dataset -> partition keys) found holding other days' records:
    the next plan dates them by their records."""
    files = [lake / "row_accounting" / dataset / f"{pk}.parquet" for dataset, keys in staged.items() for pk in keys]
    rows = _read_accounting([f for f in files if f.exists()])
    found = rows.filter(_mostly_off_day() & (pl.col("dated_by") == "name"))
    return sorted(set(found.get_column("source_file").to_list()))


def built_with(accounting: pl.DataFrame) -> dict[tuple[str, str], str | None]:
    """(dataset, partition key) -> the build id (planning.build_id) it was staged with."""
    rows = (
        accounting.filter(pl.col("partition_key").is_not_null())
        .group_by("dataset", "partition_key")
        .agg(pl.col("built_with").first())
    )
    return {(d, pk): b for d, pk, b in rows.iter_rows()}


def recorded_unassigned(accounting: pl.DataFrame) -> dict[str, set[str]]:
    """dataset -> files rejected for want of a partition (ingest.record_unassigned), as last recorded."""
    out: dict[str, set[str]] = {}
    for dataset, source_file in (
        accounting.filter(pl.col("partition_key").is_null()).select("dataset", "source_file").iter_rows()
    ):
        out.setdefault(dataset, set()).add(source_file)
    return out


def recorded_reference(accounting: pl.DataFrame) -> dict[str, str]:
    """reference file -> sha256 as the lake's reference data was last staged (what validation reads)."""
    rows = accounting.filter(pl.col("dataset").is_in(REFERENCE_DATASETS) & pl.col("sha256").is_not_null())
    return dict(rows.select("source_file", "sha256").iter_rows())


@dataclass
class Changes:
    partitions: dict[str, list[str]] = field(default_factory=dict)  # source -> stale partition keys, sorted
    reference: bool = False  # a reference file changed
    fingerprints: dict[tuple[str, str], str] = field(default_factory=dict)  # (source, partition) -> digest of its files
    landed: dict[str, set[str]] = field(default_factory=dict)  # source -> partition keys with files
    build: str = ""  # the build id partitions must have been staged with
    stale_build: set[tuple[str, str]] = field(default_factory=set)  # (source, partition) staged with another build
    all_landed: set[tuple[str, str]] = field(default_factory=set)


def _fingerprint(files: dict[str, str]) -> str:
    return hashlib.sha256("\n".join(f"{k}={v}" for k, v in sorted(files.items())).encode()).hexdigest()[:16]


def landed_reference(landing: Path, cache: dict[str, str]) -> dict[str, str]:
    reference = {}
    for name in REFERENCE_DATASETS:
        path = landing / "reference" / f"{name}.csv"
        if path.exists():
            relative = f"reference/{name}.csv"
            reference[relative] = hash_with_cache(path, relative, cache)
    return reference


def find_changes(landing: Path, lake: Path, cache: dict[str, str], build: Callable[[dict[str, str]], str]) -> Changes:
    """Stale partitions per source, and reference changes.

    `build(reference hashes)` gives the build id every partition must carry (planning.build_id).
    """
    accounting = accounting_rows(lake)
    done, rejected, builds = ingested(accounting), recorded_unassigned(accounting), built_with(accounting)
    last_staged = {d: str(t) for d, t in accounting.group_by("dataset").agg(pl.col("ingested_at").max()).iter_rows()}
    reference = landed_reference(landing, cache)
    changes = Changes(reference=reference != recorded_reference(accounting), build=build(reference))
    changes.fingerprints[("reference", "reference")] = _fingerprint(reference)
    misplaced: dict[str, set[str]] = {}  # source -> its files that no day could hold
    redate = dated_by_records(accounting)
    for source, dataset in SOURCE_DATASETS.items():
        landed: dict[str, dict[str, str]] = {}
        without_partition = set()
        for item in scan(landing, source, DaysMemo(cache, changes.build), redate):
            if not item.days:
                without_partition.add(item.relative)
                continue
            sha = _as_placed(hash_with_cache(item.location, item.relative, cache), item.dated_by_records)
            for day in item.days:
                landed.setdefault(day.isoformat(), {})[item.relative] = sha
        seen = {pk for (d, pk) in done if d == dataset}
        moved = {pk for pk in set(landed) | seen if landed.get(pk, {}) != done.get((dataset, pk), {})}
        rebuilt = {pk for pk in landed if builds.get((dataset, pk)) != changes.build} - moved
        stale = sorted(moved | rebuilt)
        changes.landed[source] = set(landed)
        changes.all_landed |= {(source, pk) for pk in landed}
        changes.stale_build |= {(source, pk) for pk in rebuilt}
        changes.fingerprints.update({(source, pk): _fingerprint(landed.get(pk, {})) for pk in stale})
        changes.partitions[source] = stale
        if without_partition != rejected.get(dataset, set()) and not stale:
            misplaced[source] = without_partition
    any_day = sorted(set().union(*changes.landed.values()))
    for source, without_partition in misplaced.items():
        # Files no day can hold are rejected by the source's staging step, whichever days it stages: a source
        # stages its latest day for them (any source's latest, when none of its files could be placed), so a
        # file that could not be dated is recorded now, and a source none of whose files could be read shows.
        # The fingerprint names this change (the sensor's run key): the files now, and the source's last staging.
        days = sorted(changes.landed[source]) or any_day
        if not days:
            continue
        latest = days[-1]
        changes.partitions[source] = [latest]
        files_then = {
            f: sha
            for (d, pk), files in done.items()
            if d == SOURCE_DATASETS[source] and pk == latest
            for f, sha in files.items()
        }
        changes.fingerprints[(source, latest)] = _fingerprint(
            {
                **files_then,
                **{f: "no partition" for f in without_partition},
                "last staged": last_staged.get(SOURCE_DATASETS[source], ""),
            }
        )
    return changes
