"""The lake: Parquet files under HOME/lake, one per table, dataset and partition.

Writing a partition replaces its file atomically (write aside, then rename), so re-running a
partition never doubles rows and a crash never leaves half a file under the real name.
"""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from pipelines.atomic import file_stamp, write_atomically

REFERENCE_PARTITION = "reference"
# What the contract's dataset-level rules judge, per staged partition, and Great Expectations' judgement of it: a
# partition with figures and no results is one the next warehouse build checks (pipelines/dataset_checks.py).
PARTITION_FIGURES, DATASET_RESULTS = "partition_figures", "dataset_results"


def partition_path(lake: Path, table: str, dataset: str, partition: str) -> Path:
    return lake / table / dataset / f"{partition}.parquet"


def write_partition(frame: pl.DataFrame, lake: Path, table: str, dataset: str, partition: str) -> Path:
    target = partition_path(lake, table, dataset, partition)
    return write_atomically(target, lambda aside: frame.write_parquet(aside, compression="zstd", statistics=True))


def read_table(lake: Path, table: str, dataset: str) -> pl.DataFrame | None:
    files = sorted((lake / table / dataset).glob("*.parquet"))
    if not files:
        return None
    return pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")


def stamps(lake: Path, table: str) -> dict[str, str]:
    """Each file of lake/<table>/<dataset>/*.parquet, as a path relative to the lake (in path order) -> its
    `file_stamp`. Listed with os.scandir, not Path.glob: a build lists the lake's 3,000 files a dozen times, and a
    Path object per file was most of that."""
    found = []
    root = os.path.join(lake, table)
    for dataset in _entries(root):
        if dataset.is_dir():
            found += [
                (dataset.name, entry.name, file_stamp(entry.path))
                for entry in _entries(dataset.path)
                if entry.name.endswith(".parquet") and entry.is_file()
            ]
    return {f"{table}/{dataset}/{name}": stamp for dataset, name, stamp in sorted(found)}


def _entries(folder: str) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except (FileNotFoundError, NotADirectoryError):
        return []


def glob_for(lake: Path, table: str, dataset: str) -> str:
    return str(lake / table / dataset / "*.parquet")
