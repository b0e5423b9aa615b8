"""Sensors: new or corrected landed files start runs for just the partitions they touch; failed runs alert."""

import json

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    run_failure_sensor,
    sensor,
)

from pipelines.alerts import send_alert
from pipelines.assets.staging import daily_partitions, staging_assets, staging_reference
from pipelines.changes import Changes, find_changes
from pipelines.profiles import SOURCE_DATASETS
from pipelines.resources import MutuResource

STAGING_BY_SOURCE = {source: asset.key for source, asset in zip(SOURCE_DATASETS, staging_assets)}


def run_requests(changes: Changes, existing: set[str]) -> tuple[list[RunRequest], list[str]]:
    """One run per stale partition and source (run keys dedupe repeats), plus the reference run."""
    requests, new_partitions = [], []
    if changes.reference:
        digest = changes.fingerprints[("reference", "reference")]
        requests.append(RunRequest(run_key=f"reference:{digest}", asset_selection=list(staging_reference.keys)))
    for source, keys in changes.partitions.items():
        for partition_key in keys:
            if partition_key not in existing and partition_key not in new_partitions:
                new_partitions.append(partition_key)
            digest = changes.fingerprints[(source, partition_key)]
            requests.append(RunRequest(
                run_key=f"{source}:{partition_key}:{digest}",
                asset_selection=[STAGING_BY_SOURCE[source]],
                partition_key=partition_key,
                tags={"mutu/trigger": "landing_sensor"},
            ))
    return requests, sorted(new_partitions)


@sensor(
    name="landing_sensor",
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Watches the landing zone by content hash and runs the partitions whose files are new or changed.",
    target=[*staging_assets, staging_reference],
)
def landing_sensor(context: SensorEvaluationContext, mutu: MutuResource):
    # The cursor is the hash cache: it survives restarts, so unchanged files are not re-read.
    cache = json.loads(context.cursor) if context.cursor else {}
    changes = find_changes(mutu.landing_dir, mutu.paths.lake, cache)
    existing = set(context.instance.get_dynamic_partitions(daily_partitions.name))
    requests, new_partitions = run_requests(changes, existing)
    return SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[daily_partitions.build_add_request(new_partitions)] if new_partitions else [],
        cursor=json.dumps(cache, sort_keys=True),
    )


def failure_message(run_id: str, job_name: str, error: str | None) -> str:
    reason = (error or "no error message").strip().splitlines()[-1][:500]
    return f"Mutu run {run_id} ({job_name}) failed: {reason}. Open the run in the Dagster UI; the last published warehouse is unchanged."


@run_failure_sensor(name="run_failure_alert", default_status=DefaultSensorStatus.RUNNING, description="Writes an alert line (and calls MUTU_ALERT_WEBHOOK) when a run fails.")
def run_failure_alert(context: RunFailureSensorContext, mutu: MutuResource):
    error = context.failure_event.message if context.failure_event else None
    send_alert(failure_message(context.dagster_run.run_id, context.dagster_run.job_name, error), mutu.paths.home)


# Warehouse layers rebuild (and publish) as soon as the staging partitions they read have changed.
warehouse_automation = AutomationConditionSensorDefinition(
    "warehouse_automation",
    target=AssetSelection.groups("core", "indicators", "marts", "audit", "publish"),
    default_status=DefaultSensorStatus.RUNNING,
)

sensors = [landing_sensor, run_failure_alert, warehouse_automation]
