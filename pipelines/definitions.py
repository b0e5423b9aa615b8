"""The Dagster code location: assets by layer, the declared jobs, sensors and schedule, resources from the
environment."""

import os

from dagster import Definitions, ExecutorDefinition

from pipelines import event_log_speed
from pipelines.assets.landing import landing_specs
from pipelines.assets.report import report_assets
from pipelines.assets.staging import staging_assets, staging_reference
from pipelines.assets.warehouse import warehouse_assets
from pipelines.jobs import declared_jobs, executor_for
from pipelines.resources import MutuResource
from pipelines.schedules import nightly
from pipelines.sensors import sensors

event_log_speed.install()  # this process executes runs (mutu run, a daemon's run worker)

all_assets = [*landing_specs, staging_reference, *staging_assets, *warehouse_assets, *report_assets]


def build_definitions(mutu: MutuResource, executor: ExecutorDefinition | None = None) -> Definitions:
    """The one set of definitions: the code location below, `mutu run` (its home and landing) and worker processes."""
    return Definitions(
        assets=all_assets,
        jobs=declared_jobs,
        schedules=[nightly],
        sensors=sensors,
        resources={"mutu": mutu},
        executor=executor,
    )


# The code location's runs (the daemon's, the UI's) use MUTU_EXECUTOR when it is set, else Dagster's default
# (multiprocess); `mutu run` executes the same jobs in process.
defs = build_definitions(
    MutuResource.from_env(), executor_for(os.environ["MUTU_EXECUTOR"]) if "MUTU_EXECUTOR" in os.environ else None
)
