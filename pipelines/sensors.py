"""Sensors: new or corrected landed files start runs for just the partitions they touch; failed runs alert."""

import json

from dagster import (
    AssetKey,
    AssetSelection,
    AutomationConditionSensorDefinition,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunsFilter,
    SensorEvaluationContext,
    SensorResult,
    run_failure_sensor,
    sensor,
)

from pipelines.alerts import send_alert
from pipelines.assets.staging import daily_partitions, staging_assets
from pipelines.assets.warehouse import STAGING_INPUTS
from pipelines.jobs import REFERENCE_JOB, STAGING_JOB, reference_job, staging_job
from pipelines.planning import Plan, make_plan
from pipelines.profiles import SOURCE_DATASETS
from pipelines.resources import MutuResource

STAGING_BY_SOURCE = {source: asset.key for source, asset in zip(SOURCE_DATASETS, staging_assets, strict=False)}


def staging_selection(sources: list[str]) -> list[AssetKey]:
    """What a staging run materializes: the sources' partitions of its range, and the staging tables computed from
    the lake (jobs.staging_job)."""
    return [*(STAGING_BY_SOURCE[s] for s in sources), *STAGING_INPUTS.values()]


def reference_run_key(plan: Plan) -> str:
    return f"reference:{plan.changes.fingerprints[('reference', 'reference')]}"


def run_requests(plan: Plan, trigger: str, reference_failed: bool = False) -> list[RunRequest]:
    """The plan's runs as requests of the declared jobs: the reference run alone when reference data changed (a
    staging run requested beside it ran at the same time and validated with whichever units and services the lake
    held when it got there; the tick after the reference run stages the partitions, which the new reference made
    stale), else the staging runs. When the reference run of these files failed (`reference_failed`: its key is
    spent, Dagster launches a key once), the partitions are staged with the reference the lake holds, rather than
    nothing staged until someone fixes the reference files; the failure has alerted."""
    if plan.reference and not reference_failed:
        return [RunRequest(run_key=reference_run_key(plan), job_name=REFERENCE_JOB, tags={"mutu/trigger": trigger})]
    requests = []
    for run in plan.runs:
        requests.append(
            RunRequest(
                run_key=plan.run_key(run),
                job_name=STAGING_JOB,
                asset_selection=staging_selection(run.sources),
                tags={**run.tags(), "mutu/trigger": trigger},
            )
        )
    return requests


def plan_for(context, mutu: MutuResource, cache: dict[str, str]) -> Plan:
    known = list(context.instance.get_dynamic_partitions(daily_partitions.name))
    return make_plan(mutu.landing_dir, mutu.paths.lake, mutu.pii_key(), cache, known)


@sensor(
    name="landing_sensor",
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.RUNNING,
    description="Watches the landing zone by content hash and the staging inputs (contracts, profiles, code, key, "
    "reference data); stages the stale partitions in one run.",
    jobs=[reference_job, staging_job],
)
def landing_sensor(context: SensorEvaluationContext, mutu: MutuResource):
    # The cursor is the hash cache: it survives restarts, so unchanged files are not re-read.
    cache = json.loads(context.cursor) if context.cursor else {}
    plan = plan_for(context, mutu, cache)
    return SensorResult(
        run_requests=run_requests(plan, "landing_sensor", plan.reference and _failed(context, reference_run_key(plan))),
        dynamic_partitions_requests=[daily_partitions.build_add_request(plan.new_partitions)]
        if plan.new_partitions
        else [],
        cursor=json.dumps(cache, sort_keys=True),
    )


def _failed(context: SensorEvaluationContext, run_key: str) -> bool:
    runs = context.instance.get_runs(filters=RunsFilter(tags={"dagster/run_key": run_key}), limit=1)
    return bool(runs) and runs[0].status == DagsterRunStatus.FAILURE


def failure_message(run_id: str, job_name: str, error: str | None) -> str:
    reason = (error or "no error message").strip().splitlines()[-1][:500]
    return (
        f"Mutu run {run_id} ({job_name}) failed: {reason}. Open the run in the Dagster UI; "
        "the last published warehouse is unchanged."
    )


@run_failure_sensor(
    name="run_failure_alert",
    default_status=DefaultSensorStatus.RUNNING,
    description="Writes an alert line (and calls MUTU_ALERT_WEBHOOK) when a run fails.",
)
def run_failure_alert(context: RunFailureSensorContext, mutu: MutuResource):
    error = context.failure_event.message if context.failure_event else None
    send_alert(failure_message(context.dagster_run.run_id, context.dagster_run.job_name, error), mutu.paths.home)


# Warehouse layers rebuild (and publish) as soon as the staging partitions they read have changed.
warehouse_automation = AutomationConditionSensorDefinition(
    "warehouse_automation",
    target=AssetSelection.groups("core", "indicators", "marts", "audit", "publish"),
    default_status=DefaultSensorStatus.RUNNING,
)

# The review pack follows each publish in runs of its own: publishing never waits for the charts.
review_pack_automation = AutomationConditionSensorDefinition(
    "review_pack_automation",
    target=AssetSelection.groups("reports"),
    default_status=DefaultSensorStatus.RUNNING,
)

sensors = [landing_sensor, run_failure_alert, warehouse_automation, review_pack_automation]
