"""The jobs Dagster runs, declared once: `mutu run`, the landing sensor and the nightly schedule all launch these.

- `reference`: units, service standards and targets (unpartitioned);
- `staging`: daily partitions of the sources, a partition range per run (`planning.StagingRun`), then the staging
  tables computed from what the lake holds (the calendar, the run parameters, the KPI catalogue);
- `warehouse_build`: core, indicators, marts, audit tables and publish: BI reads the warehouse when it ends;
- `review_pack`: the management review pack, drawn from the published warehouse after it (off the critical path).

Where steps run is configuration, not code: the executor is chosen by name (`MUTU_EXECUTOR`): `in_process`,
`multiprocess` (one process per step on this machine) or `celery` (steps are tasks on a Celery broker, run by
`celery -A dagster_celery.app worker` processes on any machine that sees the home and the instance).
`dagster-k8s`'s `k8s_job_executor` is the next name on this list (README, scale-out). Staging steps never share
a file (one Parquet per source and partition), so they run side by side; every warehouse step is in the
`warehouse` pool (limit 1), so DuckDB's single writer is never contended.
"""

from __future__ import annotations

import os

from dagster import (
    AssetSelection,
    ExecutorDefinition,
    build_reconstructable_job,
    define_asset_job,
    in_process_executor,
    multiprocess_executor,
)

from pipelines.assets.staging import staging_assets, staging_reference
from pipelines.assets.warehouse import staging_inputs
from pipelines.errors import SettingsError

REFERENCE_JOB = "reference"
STAGING_JOB = "staging"
WAREHOUSE_JOB = "warehouse_build"
REVIEW_PACK_JOB = "review_pack"
EXECUTORS = ("in_process", "multiprocess", "celery")

reference_job = define_asset_job(
    REFERENCE_JOB,
    selection=AssetSelection.assets(staging_reference),
    description="Reference data: units, published service standards, KPI targets.",
)
# The sources' assets are partitioned by local_date; the computed staging tables are not, and a run materializes
# them whole after the range: the calendar's new content is then known before any build, and the daemon's first build
# requests every model reading it (assets.warehouse.MODEL_AUTOMATION), where it took three builds.
staging_job = define_asset_job(
    STAGING_JOB,
    selection=AssetSelection.assets(*staging_assets, staging_inputs),
    description="Staging partitions of the sources over a partition range, one step per source; then the calendar, "
    "run parameters and KPI catalogue they feed.",
)
warehouse_job = define_asset_job(
    WAREHOUSE_JOB,
    selection=AssetSelection.groups("core", "indicators", "marts", "audit", "publish"),
    description="Core, indicators, marts, audit tables, then publish.",
)
# Its own run: publishing never waits for the charts, and a failed pack leaves the new warehouse published.
review_pack_job = define_asset_job(
    REVIEW_PACK_JOB,
    selection=AssetSelection.groups("reports"),
    description="The management review pack, drawn from the published warehouse.",
)
declared_jobs = [reference_job, staging_job, warehouse_job, review_pack_job]


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
    """The declared job `name` on `executor` for one home and landing zone; also what a worker process rebuilds."""
    from pipelines.definitions import build_definitions
    from pipelines.resources import MutuResource
    from pipelines.settings import ikm_weight_mode

    mutu = MutuResource(home=home, landing=landing, ikm_weight_mode=ikm_weight_mode())
    return build_definitions(mutu, executor_for(executor)).resolve_job_def(name)


def reconstructable_job(name: str, home: str, landing: str, executor: str | None = None):
    """A job other processes can rebuild from its module and arguments (multiprocess and Celery need that)."""
    return build_reconstructable_job(
        "pipelines.jobs", "job", reconstructable_args=(name, executor or executor_from_env(), home, landing)
    )
