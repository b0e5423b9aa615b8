"""Great Expectations, the validator of record of the contracts' dataset-level rules, on one figures row per
partition (validation.dataset_rules, judged by the warehouse build: dataset_checks.py) — in a side process when
the run started one.

Importing Great Expectations costs about 3 s of CPU, most of the import floor of a run. `mutu run` starts one
side process first thing (`start`, before its own imports of Dagster and the definitions): it imports Great
Expectations and builds the contracts' suites on the second core while the run imports, stages and builds the SQL
models, and then judges the staged partitions in the build's audit step. When the build is done (`side_process`,
`release`) the side process exits without an interpreter's teardown and is waited for; one still importing (the
run stopped early) is stopped. A process that did not start one (a run launched by the Dagster daemon, a test)
evaluates in-process, with the same code and results.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from pipelines import pools

if TYPE_CHECKING:  # imported by `mutu run` before anything else: the side process starts without waiting for Polars
    import polars as pl

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # offline: no usage statistics (DESIGN property 6)

_side: ProcessPoolExecutor | None = None
_warming: Future | None = None  # the side process's import of Great Expectations


@cache
def gx_context():
    """An ephemeral Great Expectations context with one pandas batch definition: the frame passed at validation."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("mutu")
        .add_dataframe_asset("partitions")
        .add_batch_definition_whole_dataframe("all")
    )
    return context, batch_definition


@cache
def _dataset_suite(name: str):
    import great_expectations as gx

    from pipelines.contracts import contract
    from pipelines.validation import dataset_rules

    context, _ = gx_context()
    suite = gx.ExpectationSuite(name=f"{name}_partitions")
    for rule in dataset_rules(contract(name)):
        suite.add_expectation(getattr(gx.expectations, rule.expectation)(**rule.kwargs, meta={"rule": rule.name}))
    return context.suites.add(suite)


def _evaluate(dataset: str, summary: pl.DataFrame) -> dict[str, set[str]]:
    _, batch_definition = gx_context()
    result = batch_definition.get_batch(batch_parameters={"dataframe": summary.to_pandas()}).validate(
        _dataset_suite(dataset),
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": ["partition_key"],
            "return_unexpected_index_query": False,
        },
    )
    failing: dict[str, set[str]] = {}
    for outcome in result.results:
        rule = outcome.expectation_config.meta["rule"]
        if outcome.exception_info and outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"Great Expectations could not evaluate rule {rule} of contract {dataset}: "
                f"{outcome.exception_info.get('exception_message')}"
            )
        failing[rule] = {str(i["partition_key"]) for i in outcome.result.get("unexpected_index_list") or []}
    return failing


def failing_partitions(dataset: str, summary: pl.DataFrame) -> dict[str, set[str]]:
    """Rule name -> the partition keys of `summary` (one row per partition) that fail it."""
    if _side is not None:
        try:
            return _side.submit(_evaluate, dataset, summary).result()
        except BrokenProcessPool:  # the side process died (killed, out of memory): this process takes over
            release()
    return _evaluate(dataset, summary)


def _warm() -> None:
    from pipelines.validation import judged_datasets

    # Its import runs beside the warehouse build's DuckDB threads, which want both cores; the build goes first, and
    # the import takes the time the build leaves (its Python steps use one core). The judging, at the build's audit
    # step, is what the build then waits for.
    os.nice(10)
    gx_context()
    for dataset in judged_datasets():  # the suites too (Polars, the contracts): a first evaluation waits less
        _dataset_suite(dataset)


def start() -> None:
    """Start the side process, unless it runs already: it imports Great Expectations on the other core while this
    one goes on (`mutu run` calls this before its own imports, once it knows the run will reach staging)."""
    global _side, _warming
    if _side is None:
        _side = pools.spawn(1)
        _warming = _side.submit(_warm)


@contextmanager
def side_process() -> Iterator[None]:
    """Evaluate in a side process (started now, unless `start` did) for the duration of the block, or until
    `release`."""
    start()
    try:
        yield
    finally:
        release()


def release() -> None:
    """No more checks in this run: the side process exits without its interpreter's teardown (its CPU would go from
    the core the review pack goes on to use) and is waited for (`pools.close`). One still importing (a run that
    stopped early) is stopped."""
    global _side, _warming
    if _side is not None:
        if _warming is not None and _warming.done() and _warming.exception() is None:
            pools.close(_side)
        else:
            pools.stop(_side)
        _side = _warming = None
