"""The nightly schedule: the same plan as the landing sensor and `mutu run`, with yesterday always re-staged."""

from datetime import timedelta

from dagster import DefaultScheduleStatus, ScheduleEvaluationContext, SkipReason, schedule

from pipelines.assets.staging import daily_partitions
from pipelines.jobs import staging_job
from pipelines.planning import staging_runs
from pipelines.resources import MutuResource
from pipelines.sensors import plan_for, run_requests


@schedule(
    name="nightly",
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Jakarta",
    default_status=DefaultScheduleStatus.RUNNING,
    description="02:00 WIB: stage yesterday's exports and every stale partition range (changed files or staging "
    "inputs); marts follow.",
    job=staging_job,
)
def nightly(context: ScheduleEvaluationContext, mutu: MutuResource):
    plan = plan_for(context, mutu, {})
    if plan.reference:
        # Partitions staged before the new reference data would be stale at once: the landing sensor stages it first.
        return SkipReason("reference data changed: the landing sensor stages it, the next tick stages the partitions")
    yesterday = (context.scheduled_execution_time - timedelta(days=1)).date().isoformat()
    for source, keys in plan.stale.items():
        # Yesterday is re-run whenever it has files, even if the sensor already took it.
        if yesterday in plan.changes.landed[source] and yesterday not in keys:
            plan.stale[source] = sorted([*keys, yesterday])
            plan.changes.fingerprints[(source, yesterday)] = f"nightly-{context.scheduled_execution_time:%Y%m%d}"
    if plan.new_partitions:
        context.instance.add_dynamic_partitions(daily_partitions.name, plan.new_partitions)
    order = list(context.instance.get_dynamic_partitions(daily_partitions.name))
    plan.runs = staging_runs(plan.stale, order)
    return run_requests(plan, "nightly") or SkipReason("no new or changed landed files, nothing staged with old inputs")
