"""The nightly schedule: yesterday's partitions for every source, plus any earlier ones restated since."""

from datetime import timedelta

from dagster import DefaultScheduleStatus, ScheduleEvaluationContext, SkipReason, schedule

from pipelines.assets.staging import daily_partitions, staging_assets, staging_reference
from pipelines.changes import find_changes
from pipelines.resources import MutuResource
from pipelines.sensors import run_requests


@schedule(
    name="nightly",
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Jakarta",
    default_status=DefaultScheduleStatus.RUNNING,
    description="02:00 WIB: ingest yesterday's exports and re-run earlier days whose files changed; marts follow.",
    target=[*staging_assets, staging_reference],
)
def nightly(context: ScheduleEvaluationContext, mutu: MutuResource):
    yesterday = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    changes = find_changes(mutu.landing_dir, mutu.paths.lake, {})
    for source, keys in changes.partitions.items():
        # Yesterday is re-run whenever it has files, even if the sensor already took it.
        if yesterday in changes.landed[source] and yesterday not in keys:
            changes.partitions[source] = sorted([*keys, yesterday])
            changes.fingerprints[(source, yesterday)] = f"nightly-{context.scheduled_execution_time:%Y%m%d}"
    existing = set(context.instance.get_dynamic_partitions(daily_partitions.name))
    requests, new_partitions = run_requests(changes, existing)
    if new_partitions:
        context.instance.add_dynamic_partitions(daily_partitions.name, new_partitions)
    return requests or SkipReason("no new or changed landed files")
