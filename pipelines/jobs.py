"""The same assets on another executor: where steps run is configuration, not code.

`mutu run` executes in-process. For parallel or distributed runs the staging backfill and the
warehouse build are asset jobs whose executor is chosen by name (`MUTU_EXECUTOR`): `in_process`,
`multiprocess` (one process per step on this machine) or `celery` (steps are tasks on a Celery broker,
run by `celery -A dagster_celery.app worker` processes on any machine that sees the home and the
instance). `dagster-k8s`'s `k8s_job_executor` is the next name on this list (README, scale-out).

Staging steps never share a file (one Parquet per source and partition), so they run side by side;
every warehouse step is in the `warehouse` pool (limit 1), so DuckDB's single writer is never contended.
"""

from __future__ import annotations

import os

from dagster import AssetSelection, Definitions, ExecutorDefinition, build_reconstructable_job, define_asset_job, in_process_executor, multiprocess_executor

from pipelines.errors import SettingsError

STAGING_JOB = "staging_backfill"
WAREHOUSE_JOB = "warehouse_build"
EXECUTORS = ("in_process", "multiprocess", "celery")


def executor_for(name: str) -> ExecutorDefinition:
    if name == "in_process":
        return in_process_executor
    if name == "multiprocess":
        return multiprocess_executor
    if name == "celery":
        from dagster_celery import celery_executor

        return celery_executor
    raise SettingsError(f"MUTU_EXECUTOR={name!r} is not an executor; choose one of {', '.join(EXECUTORS)}")


def executor_from_env() -> str:
    return os.environ.get("MUTU_EXECUTOR", "in_process")


def job(name: str, executor: str, home: str, landing: str):
    """The job `name` on `executor` for one home and landing zone; also what a worker process rebuilds."""
    from pipelines.assets.staging import staging_assets
    from pipelines.definitions import all_assets
    from pipelines.resources import MutuResource
    from pipelines.settings import ikm_weight_mode

    jobs = [
        define_asset_job(STAGING_JOB, selection=AssetSelection.assets(*staging_assets), description="Staging partitions of every source, one step per source."),
        define_asset_job(WAREHOUSE_JOB, selection=AssetSelection.groups("core", "indicators", "marts", "audit", "publish"), description="Core, indicators, marts, audit tables and publish."),
    ]
    defs = Definitions(assets=all_assets, jobs=jobs, executor=executor_for(executor), resources={"mutu": MutuResource(home=home, landing=landing, ikm_weight_mode=ikm_weight_mode())})
    return defs.resolve_job_def(name)


def reconstructable_job(name: str, home: str, landing: str, executor: str | None = None):
    """A job other processes can rebuild from its module and arguments (multiprocess and Celery need that)."""
    return build_reconstructable_job("pipelines.jobs", "job", reconstructable_args=(name, executor or executor_from_env(), home, landing))
