"""Great Expectations judges the staged partitions' figures in the warehouse build, not in staging.

Staging measures, per partition, what the contract's dataset-level rules judge (validation.partition_figures:
duplicate keys, the latest time, values outside each enum among the loaded rows) and keeps it in the lake. The
build's audit step (`judge_pending`) hands every partition with figures and no judgement to Great Expectations,
one call per dataset, and keeps the results beside the figures; audit.validation_results reads them with the row
rules' results, and its asset checks `<dataset>_dataset_rules` report them (`failing`).

Why here: Great Expectations' import is most of a run's fixed cost (about 3 s of CPU). `mutu run` imports it in a
side process from its first instant (gx_checks.py), but a nightly run reaches staging before the import ends; the
build's SQL models run first, so by its audit step the import is long done. A run killed between staging and
the audit step leaves partitions with figures and no results: the next build judges them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines import lake
from pipelines.contracts import contract
from pipelines.ingest import LAKE_WRITERS, RESULTS_SCHEMA, result_rows
from pipelines.stage_timer import stage
from pipelines.validation import DATASET, dataset_results

CHECK = "dataset_rules"  # audit/validation_results' asset check <dataset>_dataset_rules reports these results


def pending(lake_dir: Path) -> dict[str, list[str]]:
    """Dataset -> the partition keys with figures and no judgement of them (in the lake's order)."""
    judged = {Path(relative).parts[1:] for relative in lake.stamps(lake_dir, lake.DATASET_RESULTS)}
    out: dict[str, list[str]] = {}
    for relative in lake.stamps(lake_dir, lake.PARTITION_FIGURES):
        _, dataset, name = Path(relative).parts
        if (dataset, name) not in judged:
            out.setdefault(dataset, []).append(name.removesuffix(".parquet"))
    return out


def judge_pending(lake_dir: Path) -> int:
    """Judge every partition staged since its last judgement and keep the results; returns how many partitions."""
    todo = pending(lake_dir)
    for dataset, keys in todo.items():
        files = [lake.partition_path(lake_dir, lake.PARTITION_FIGURES, dataset, pk) for pk in keys]
        # By name: partitions staged by different code (a contract that gained an enum) are judged together.
        figures = pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
        with stage("validate"):
            results = dataset_results(contract(dataset), figures)
        with stage("write"):
            _keep(lake_dir, dataset, keys, results)
    return sum(len(keys) for keys in todo.values())


def _keep(lake_dir: Path, dataset: str, keys: list[str], results: list[dict]) -> None:
    """One results file per partition judged (none failing is a file too: the partition was judged)."""
    stamp = datetime.now(UTC)
    by_partition: dict[str, list[dict]] = {pk: [] for pk in keys}
    for result in results:
        by_partition[result["partition_key"]].append(result)

    def write(pk: str) -> None:
        rows = pl.DataFrame(result_rows(by_partition[pk], dataset, pk, stamp), schema=RESULTS_SCHEMA)
        lake.write_partition(rows, lake_dir, lake.DATASET_RESULTS, dataset, pk)

    with ThreadPoolExecutor(LAKE_WRITERS, thread_name_prefix="mutu-lake-write") as pool:
        list(pool.map(write, keys))  # Parquet writes release the GIL


def failing(con: duckdb.DuckDBPyConnection, dataset: str) -> tuple[int, dict[str, int], list[str]]:
    """(partitions judged, rule -> partitions failing it, examples) of `dataset`, from audit.validation_results."""
    judged = con.execute(
        "select count(distinct partition_key) from audit.validation_results where dataset = ? and starts_with(rule, ?)",
        [dataset, DATASET],
    ).fetchone()[0]
    rows = con.execute(
        "select partition_key, rule, examples from audit.validation_results "
        "where dataset = ? and starts_with(rule, ?) and not success order by partition_key, rule",
        [dataset, DATASET],
    ).fetchall()
    rules: dict[str, int] = {}
    for _, rule, _ in rows:
        rules[rule] = rules.get(rule, 0) + 1
    return judged, rules, [f"{pk} {rule}: {', '.join(examples)}" for pk, rule, examples in rows[:10]]
