"""Ingest one partition of one source: read, parse, validate, split into loaded rows and quarantine.

Writes, per partition, the staged rows and the audit evidence (row accounting, quarantine,
validation results, schema drift) to the lake; rows in = rows loaded + rows quarantined, per file.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from pipelines import lake
from pipelines.contracts import Contract, contract
from pipelines.dating import MARGIN_DAYS, reads_day_from_name
from pipelines.errors import MutuError
from pipelines.failpoints import failpoint
from pipelines.fast_read import read_csv_files, takes
from pipelines.landing import REFERENCE_DATASETS, LandedFile
from pipelines.parsing import FILE, ParsedFiles, parse_files, parse_together
from pipelines.pii import scrub_raw_line
from pipelines.profiles import Profile, profile
from pipelines.reading import RawFile, read_file
from pipelines.stage_timer import add_rows, stage
from pipelines.validation import file_span_days, record_day, run_day, validate

ACCOUNTING_SCHEMA = {
    "dataset": pl.String,
    "partition_key": pl.String,
    "source_file": pl.String,
    "sha256": pl.String,
    "profile": pl.String,
    "file_status": pl.String,
    "error": pl.String,
    "rows_in": pl.Int64,
    "rows_loaded": pl.Int64,
    "rows_quarantined": pl.Int64,
    "ingested_at": pl.Datetime("us", "UTC"),
    "built_with": pl.String,  # planning.build_id: the staging inputs the partition was staged with
    "dated_by": pl.String,  # name (its name's or the profile's day) or records (each record on its own day)
    "records_off_day": pl.Int64,  # of a file dated by its name: records more than dating.MARGIN_DAYS from that day
}
QUARANTINE_SCHEMA = {
    "dataset": pl.String,
    "partition_key": pl.String,
    "source_file": pl.String,
    "source_row": pl.Int64,
    "rules": pl.List(pl.String),
    "raw_json": pl.String,
}
RESULTS_SCHEMA = {
    "dataset": pl.String,
    "partition_key": pl.String,
    "rule": pl.String,
    "engine": pl.String,
    "description": pl.String,
    "rows_evaluated": pl.Int64,
    "rows_failed": pl.Int64,
    "success": pl.Boolean,
    "examples": pl.List(pl.String),
    "validated_at": pl.Datetime("us", "UTC"),
}
DRIFT_SCHEMA = {"dataset": pl.String, "partition_key": pl.String, "source_file": pl.String, "finding": pl.String}


@dataclass
class IngestReport:
    dataset: str
    partition_key: str
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    files: int = 0
    files_rejected: int = 0
    results: list[dict] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)  # "file: finding"


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=UTC)


def _reference(lake_dir: Path, name: str) -> pl.DataFrame:
    frame = lake.read_table(lake_dir, "staging", name)
    if frame is None:
        return pl.DataFrame(schema=contract(name).stored_schema)
    return frame


# Values (rows x contract columns) validated per batch: amortises Great Expectations' per-call cost and bounds
# memory. 3 M values are 250,000 queue tickets (12 columns) but 120,000 survey responses (25): batches of 250,000
# rows of any dataset took the M3 run's peak RSS to 2.2 GB in its survey step (about 6 KB a response).
BATCH_VALUES = 3_000_000
STAGING_BYTES_PER_VALUE = 350  # peak memory per value of a batch: about 4 KB per 12-column queue ticket


def batch_rows(columns: int) -> int:
    """Rows per validation batch of a contract with `columns` columns: BATCH_VALUES of them, or fewer so that a
    batch fits MUTU_MEMORY_LIMIT."""
    from pipelines.settings import memory_limit

    limit = memory_limit()
    values = BATCH_VALUES if limit is None else min(BATCH_VALUES, limit // STAGING_BYTES_PER_VALUE)
    return max(1_000, values // max(1, columns))


@dataclass
class _ReadPartition:
    partition_key: str
    accounting: list[dict]
    drift: list[dict]


def _empty_rows(spec: Contract) -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "partition_key": pl.String,
            "source_file": pl.String,
            "source_row": pl.Int64,
            "raw_json": pl.String,
            "violations": pl.List(pl.String),
            **spec.stored_schema,
        }
    )


DAY = "__day"  # a record's partition, in files dated by their records


@dataclass
class _SpanningFile:
    """A file dated by its records (a month, a quarter, `export.csv`): parsed once for all the days it holds."""

    rows: pl.DataFrame | None  # parsed rows with their day in DAY; None when the file could not be read
    drift: list[str]
    error: MutuError | None = None


def _parse_spanning(landed: LandedFile, prof: Profile, spec: Contract, key: bytes) -> _SpanningFile:
    try:
        with stage("parse"):
            raw = read_file(landed.path, prof)
            parsed = parse_files([(raw, landed.path, landed.relative)], prof, key, landed.days[0])
    except MutuError as exc:
        return _SpanningFile(None, [], exc)
    # A record whose date cannot be read (or that cannot be read at all) stays in the file's first day, and one
    # dated on no day of the file (after the run, a mistyped year: validation.placeable_days) goes to its latest,
    # where it is quarantined with the rule it broke: every record has exactly one partition.
    unreadable = pl.col("violations").list.eval(pl.element().str.starts_with("unreadable:")).list.any()
    day = pl.when(unreadable).then(None).otherwise(record_day(spec))
    day = (
        pl.when(day.is_null())
        .then(pl.lit(landed.days[0]))
        .when(day.is_in(list(landed.days)))
        .then(day)
        .otherwise(pl.lit(landed.days[-1]))
    )
    return _SpanningFile(parsed.rows.with_columns(day.alias(DAY)), parsed.drift[landed.relative])


@dataclass
class _ReadBatch:
    partitions: list[_ReadPartition]
    rows: pl.DataFrame  # every partition's parsed rows (partition_key), in landing order within a partition


def _read_batch(
    partitions: list[tuple[str, date, list[tuple[LandedFile, Profile]]]],
    spec: Contract,
    key: bytes,
    spanning: dict[str, _SpanningFile],
    uses: Counter,
) -> _ReadBatch:
    """Read and parse the files of several partitions: each profile's files together, whatever their day."""
    reads, parsed = [], []
    by_profile: dict[str, tuple[Profile, list[tuple[LandedFile, str, date]]]] = {}
    status: dict[str, dict] = {}  # relative path of a one-day file -> its accounting row
    for partition_key, partition, files in partitions:
        accounting, drift = [], []
        reads.append(_ReadPartition(partition_key, accounting, drift))
        for landed, prof in files:
            # The content hash tells the sensor and the nightly schedule which partitions a changed file restates.
            accounting.append(
                {
                    "source_file": landed.relative,
                    "sha256": landed.sha256,
                    "profile": prof.name,
                    "file_status": "read",
                    "error": None,
                    "dated_by": "records" if landed.dated_by_records else "name",
                }
            )
            if landed.dated_by_records:
                if landed.relative not in spanning:
                    spanning[landed.relative] = _parse_spanning(landed, prof, spec, key)
                whole = spanning[landed.relative]
                uses[landed.relative] -= 1
                if not uses[landed.relative]:  # its last partition in this run: no later batch reads it
                    del spanning[landed.relative]
                if whole.error is not None:
                    _reject(accounting[-1], whole.error)
                    continue
                rows = whole.rows.filter(pl.col(DAY) == partition).drop(DAY)
                parsed.append(rows.with_columns(pl.lit(partition_key).alias("partition_key")))
                add_rows("parse", rows.height)
                if partition == landed.days[0]:  # a file's findings are recorded once, on its first day
                    drift += [{"source_file": landed.relative, "finding": d} for d in whole.drift]
                continue
            status[landed.relative] = accounting[-1]
            by_profile.setdefault(prof.name, (prof, []))[1].append((landed, partition_key, partition))
    drift_of = {r.partition_key: r.drift for r in reads}
    for prof, members in by_profile.values():
        days = {landed.relative: day for landed, _, day in members}
        keys = {landed.relative: pk for landed, pk, _ in members}
        with stage("parse"):
            batches = _parse_profile(members, prof, key, days, status)
        for batch in batches:
            add_rows("parse", batch.rows.height)
            if reads_day_from_name(prof):
                for relative, off in _records_off_day(batch.rows, spec, days).items():
                    status[relative]["records_off_day"] = status[relative].get("records_off_day", 0) + off
            parsed.append(
                batch.rows.with_columns(
                    pl.col("source_file").replace_strict(keys, return_dtype=pl.String).alias("partition_key")
                )
            )
            for f, findings in batch.drift.items():
                drift_of[keys[f]] += [{"source_file": f, "finding": d} for d in findings]
    if parsed:
        # Back in landing order within each partition, whatever the batching: duplicates keep their first copy.
        order = pl.DataFrame(
            [
                {"partition_key": pk, "source_file": landed.relative, "__order": i}
                for pk, _, files in partitions
                for i, (landed, _) in enumerate(files)
            ],
            schema={"partition_key": pl.String, "source_file": pl.String, "__order": pl.Int64},
        )
        rows = (
            pl.concat(parsed, how="vertical_relaxed")
            .join(order, on=["partition_key", "source_file"], how="left")
            .sort("__order", "source_row")
            .drop("__order")
        )
    else:
        rows = _empty_rows(spec)
    columns = ["partition_key", *[c for c in rows.columns if c != "partition_key"]]
    return _ReadBatch(reads, rows.select(columns))


def _records_off_day(rows: pl.DataFrame, spec: Contract, days: dict[str, date]) -> dict[str, int]:
    """Per file named by a day: its records whose own date lies more than dating.MARGIN_DAYS from that day (a
    mistyped year either way, which validation quarantines, aside)."""
    own = record_day(spec)
    gap = (own - pl.col("source_file").replace_strict(days, return_dtype=pl.Date)).dt.total_days()
    off = gap.abs() > MARGIN_DAYS
    span, today = file_span_days(spec), run_day(spec)
    if span is not None:
        off = off & (gap >= -span)
    if today is not None:
        off = off & (own <= today)
    return dict(rows.group_by("source_file").agg(off.sum()).iter_rows())


def _parse_profile(
    members: list[tuple[LandedFile, str, date]],
    prof: Profile,
    key: bytes,
    days: dict[str, date],
    status: dict[str, dict],
) -> list[ParsedFiles]:
    """Parse one profile's one-day files of a batch; a file that cannot be read or parsed is rejected alone."""
    files = [(landed.path, landed.relative) for landed, _, _ in members]
    out = []
    if takes(prof):
        together, rejected = read_csv_files(files, prof)
        for relative, exc in rejected.items():
            _reject(status[relative], exc)
        for read in together:
            try:
                out.append(parse_together(read.raw, read.files, read.notes, prof, key, days))
            except MutuError:
                # One file in the group cannot be parsed: parse them one by one to reject only that one.
                for i, (path, relative) in enumerate(read.files):
                    frame = read.raw.frame.filter(pl.col(FILE) == i).drop(FILE)
                    raw = RawFile(frame=frame, header=read.raw.header, unreadable_rows=[], notes=read.notes[i])
                    out += _parse_alone([(raw, path, relative)], prof, key, days, status)
        return out
    raws = []
    for path, relative in files:
        try:
            raws.append((read_file(path, prof), path, relative))
        except MutuError as exc:
            _reject(status[relative], exc)
    return _parse_alone(raws, prof, key, days, status) if raws else []


def _parse_alone(
    raws: list[tuple[RawFile, Path, str]], prof: Profile, key: bytes, days: dict[str, date], status: dict[str, dict]
) -> list[ParsedFiles]:
    if len(raws) > 1:
        try:
            return [parse_files(raws, prof, key, days)]
        except MutuError:
            pass  # one file in the batch cannot be parsed: parse them one by one to reject only that one
    out = []
    for one in raws:
        try:
            out.append(parse_files([one], prof, key, days))
        except MutuError as exc:
            _reject(status[one[2]], exc)
    return out


def _reject(accounting: dict, exc: MutuError) -> None:
    # Messages name the file and the reason, not its content; scrubbed anyway, as they are stored.
    accounting.update(
        file_status="rejected", error=scrub_raw_line(str(exc))[:1000], rows_in=0, rows_loaded=0, rows_quarantined=0
    )


def result_rows(results: list[dict], dataset: str, partition_key: str, stamp: datetime) -> list[dict]:
    """Rules' results of one partition as rows of audit.validation_results (RESULTS_SCHEMA)."""
    return [
        {
            "dataset": dataset,
            "partition_key": partition_key,
            "rule": r["rule"],
            "engine": r["engine"],
            "description": r["description"],
            "rows_evaluated": r["evaluated"],
            "rows_failed": r["failed"],
            "success": r["failed"] == 0,
            "examples": r["examples"],
            "validated_at": stamp,
        }
        for r in results
    ]


def _write_partition(
    read: _ReadPartition,
    marked: pl.DataFrame,
    results: list[dict],
    figures: pl.DataFrame | None,
    spec: Contract,
    lake_dir: Path,
    stamp: datetime,
    build: str | None,
) -> IngestReport:
    pk = read.partition_key
    # Great Expectations' judgement of the partition as it was goes first; its new figures are written last: a
    # crash in between leaves figures without results, which the next build checks.
    lake.partition_path(lake_dir, lake.DATASET_RESULTS, spec.name, pk).unlink(missing_ok=True)
    good = marked.filter(pl.col("violations").list.len() == 0)
    bad = marked.filter(pl.col("violations").list.len() > 0)
    per_file = marked.group_by("source_file").agg(
        pl.len().alias("rows_in"),
        (pl.col("violations").list.len() == 0).sum().alias("rows_loaded"),
        (pl.col("violations").list.len() > 0).sum().alias("rows_quarantined"),
    )
    counts = {r["source_file"]: r for r in per_file.iter_rows(named=True)}
    for row in read.accounting:
        if row["file_status"] == "read":
            c = counts.get(row["source_file"], {"rows_in": 0, "rows_loaded": 0, "rows_quarantined": 0})
            row.update(rows_in=c["rows_in"], rows_loaded=c["rows_loaded"], rows_quarantined=c["rows_quarantined"])

    common = {"dataset": spec.name, "partition_key": pk}
    lake.write_partition(
        good.select("partition_key", "source_file", "source_row", *spec.stored_schema),
        lake_dir,
        "staging",
        spec.name,
        pk,
    )
    failpoint("staging_write")
    quarantine = bad.select(
        pl.lit(spec.name).alias("dataset"),
        "partition_key",
        "source_file",
        "source_row",
        pl.col("violations").alias("rules"),
        "raw_json",
    )
    lake.write_partition(quarantine.cast(QUARANTINE_SCHEMA), lake_dir, "quarantine", spec.name, pk)
    accounting = [{**common, **a, "ingested_at": stamp, "built_with": build} for a in read.accounting]
    lake.write_partition(pl.DataFrame(accounting, schema=ACCOUNTING_SCHEMA), lake_dir, "row_accounting", spec.name, pk)
    rows = result_rows(results, spec.name, pk, stamp)
    lake.write_partition(pl.DataFrame(rows, schema=RESULTS_SCHEMA), lake_dir, "validation_results", spec.name, pk)
    lake.write_partition(
        pl.DataFrame([{**common, **d} for d in read.drift], schema=DRIFT_SCHEMA),
        lake_dir,
        "schema_drift",
        spec.name,
        pk,
    )
    if figures is not None:
        lake.write_partition(figures, lake_dir, lake.PARTITION_FIGURES, spec.name, pk)
    else:  # no row left to judge (or no dataset rule): nothing for Great Expectations to check
        lake.partition_path(lake_dir, lake.PARTITION_FIGURES, spec.name, pk).unlink(missing_ok=True)
    return IngestReport(
        dataset=spec.name,
        partition_key=pk,
        rows_in=sum(a["rows_in"] for a in read.accounting),
        rows_loaded=good.height,
        rows_quarantined=bad.height,
        files=len(read.accounting),
        files_rejected=sum(a["file_status"] == "rejected" for a in read.accounting),
        results=rows,
        drift=[f"{d['source_file']}: {d['finding']}" for d in read.drift],
    )


LAKE_WRITERS = 2


def _flush(batch: _ReadBatch, spec: Contract, lake_dir: Path, build: str | None) -> list[IngestReport]:
    rows = batch.rows
    with stage("validate", rows.height):
        checked = validate(rows, spec, _reference(lake_dir, "units"), _reference(lake_dir, "services"))
        marked = checked.rows.with_columns(pl.col("violations").list.unique(maintain_order=True))
    stamp = _now()
    results: dict[str, list[dict]] = {}
    for r in checked.results:
        results.setdefault(r["partition_key"], []).append(r)
    with stage("write", rows.height):
        by_partition = marked.partition_by("partition_key", as_dict=True, maintain_order=True)
        empty = marked.clear()
        figures = checked.figures.partition_by("partition_key", as_dict=True) if checked.figures is not None else {}
        # Partitions are written side by side (Parquet writes release the GIL); each one's files in their order.
        with ThreadPoolExecutor(LAKE_WRITERS, thread_name_prefix="mutu-lake-write") as pool:
            writes = [
                pool.submit(
                    _write_partition,
                    read,
                    by_partition.get((read.partition_key,), empty),
                    results.get(read.partition_key, []),
                    figures.get((read.partition_key,)),
                    spec,
                    lake_dir,
                    stamp,
                    build,
                )
                for read in batch.partitions
            ]
            reports = [write.result() for write in writes]
    return reports


BYTES_PER_ROW = 128  # landed bytes per record of a daily queue export (about 120): sizes a batch before reading it


def _batches(partitions: list[tuple[str, date, list[tuple[LandedFile, Profile]]]], limit: int):
    """Partitions in landing order, cut into batches of about `limit` rows (judged by their files' sizes)."""
    batch, size = [], 0
    for partition_key, day, files in partitions:
        batch.append((partition_key, day, files))
        size += sum(_size(landed) // max(1, len(landed.days)) for landed, _ in files) // BYTES_PER_ROW
        if size >= limit:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _size(landed: LandedFile) -> int:
    try:
        return landed.path.stat().st_size
    except OSError:
        return 0  # read (and rejected) with the reason later


def ingest_partitions(
    partitions: list[tuple[str, list[tuple[LandedFile, Profile]]]],
    spec: Contract,
    lake_dir: Path,
    key: bytes,
    partition_dates: dict[str, date] | None = None,
) -> list[IngestReport]:
    """Ingest partitions in batches of about batch_rows() rows; each partition's outputs replace its old ones."""
    from pipelines.changes import accounting_rows, recorded_reference
    from pipelines.planning import build_id

    # Reference data is staged with no build id: the planners compare reference files by their hashes.
    build = None
    if spec.name not in REFERENCE_DATASETS:
        # From the reference data's own accounting: a year's lake holds a thousand accounting files, it three.
        build = build_id(key, recorded_reference(accounting_rows(lake_dir, REFERENCE_DATASETS)))
    dated = [(pk, (partition_dates or {}).get(pk) or date.fromisoformat(pk), files) for pk, files in partitions]
    reports: list[IngestReport] = []
    # A file dated by its records is parsed once and kept until the last partition of this run that holds it.
    spanning: dict[str, _SpanningFile] = {}
    uses = Counter(landed.relative for _, _, files in dated for landed, _ in files if landed.dated_by_records)
    for batch in _batches(dated, batch_rows(len(spec.columns))):
        reports += _flush(_read_batch(batch, spec, key, spanning, uses), spec, lake_dir, build)
    return reports


def ingest(
    files: list[tuple[LandedFile, Profile]],
    spec: Contract,
    partition_key: str,
    partition: date,
    lake_dir: Path,
    key: bytes,
) -> IngestReport:
    return ingest_partitions([(partition_key, files)], spec, lake_dir, key, {partition_key: partition})[0]


def ingest_source_partitions(
    landed: dict[str, list[LandedFile]], source_dataset: str, lake_dir: Path, key: bytes
) -> list[IngestReport]:
    """Ingest daily partitions (partition key -> landed files) of one source."""
    partitions = [(pk, [(f, profile(f.source, f.profile)) for f in files]) for pk, files in landed.items()]
    return ingest_partitions(partitions, contract(source_dataset), lake_dir, key)


UNASSIGNED = "unassigned"  # lake file of a source's files that no daily partition can hold


def record_unassigned(files: list[LandedFile], dataset: str, lake_dir: Path) -> IngestReport:
    """Files that could not be placed on any day (unreadable, no readable record date) are rejected whole.

    Their accounting rows have no partition key; every staging run of the source rewrites the list, so a
    file renamed or removed drops out of it.
    """
    rows = [
        {
            "dataset": dataset,
            "partition_key": None,
            "source_file": f.relative,
            "sha256": None,
            "profile": f.profile,
            "file_status": "rejected",
            "error": scrub_raw_line(f.problem or "no partition")[:1000],
            "rows_in": 0,
            "rows_loaded": 0,
            "rows_quarantined": 0,
            "ingested_at": _now(),
            "built_with": None,
        }
        for f in files
        if not f.days
    ]
    lake.write_partition(pl.DataFrame(rows, schema=ACCOUNTING_SCHEMA), lake_dir, "row_accounting", dataset, UNASSIGNED)
    return IngestReport(dataset=dataset, partition_key=UNASSIGNED, files=len(rows), files_rejected=len(rows))


def reference_profile(dataset: str) -> Profile:
    """Reference files are canonical CSV named after their dataset; no vendor mapping."""
    spec = contract(dataset)
    return Profile(
        source="reference",
        name=dataset,
        path=spec.path,
        dataset=dataset,
        description=f"canonical {dataset}.csv",
        file_type="csv",
        glob=f"{dataset}.csv",
        encoding="utf-8-sig",
        columns={c.name: [c.name] for c in spec.landed_columns},
        constants={},
        date_formats=("%Y-%m-%d",),
    )


def ingest_reference(landing: Path, lake_dir: Path, key: bytes) -> list[IngestReport]:
    reports = []
    for dataset in REFERENCE_DATASETS:
        path = landing / "reference" / f"{dataset}.csv"
        landed = LandedFile("reference", dataset, str(path), str(path.relative_to(landing)), ())
        files = [(landed, reference_profile(dataset))] if path.exists() else []
        reports.append(ingest(files, contract(dataset), lake.REFERENCE_PARTITION, date(1970, 1, 1), lake_dir, key))
    return reports
