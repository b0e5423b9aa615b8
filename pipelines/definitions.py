"""The Dagster code location: assets by layer, resources from the environment."""

from dagster import Definitions

from pipelines.assets.landing import landing_specs
from pipelines.assets.report import report_assets
from pipelines.assets.staging import staging_assets, staging_reference
from pipelines.assets.warehouse import warehouse_assets
from pipelines.resources import MutuResource
from pipelines.schedules import nightly
from pipelines.sensors import sensors

all_assets = [*landing_specs, staging_reference, *staging_assets, *warehouse_assets, *report_assets]

defs = Definitions(
    assets=all_assets,
    schedules=[nightly],
    sensors=sensors,
    resources={"mutu": MutuResource.from_env()},
)
