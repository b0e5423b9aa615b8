"""Run the whole pipeline through Dagster on a persistent instance in HOME/dagster.

Three runs, because a Dagster run targets one partitions definition at a time: reference data,
then every landed daily partition as one batch run, then the warehouse layers and publish.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipelines import stage_timer
from pipelines.errors import LandingError, MutuError, SettingsError
from pipelines.settings import Paths, pii_key

INSTANCE_YAML = """\
# Written by `mutu run`. Offline by design: no usage telemetry (DESIGN property 6).
telemetry:
  enabled: false
concurrency:
  pools:
    # Every writer of the build database is in the `warehouse` pool: one at a time.
    default_limit: 1
"""
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def instance_for(paths: Paths):
    from dagster import DagsterInstance

    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    config = paths.dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text() != INSTANCE_YAML:
        config.write_text(INSTANCE_YAML)
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return DagsterInstance.from_config(str(paths.dagster_home))


def _release_dead_runs(instance) -> None:
    """Runs left "started" by a killed `mutu run` still hold warehouse pool slots; we hold the home lock, so they are dead."""
    from dagster import DagsterRunStatus, RunsFilter

    for run in instance.get_runs(filters=RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING])):
        instance.report_run_failed(run)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def _check(result, what: str) -> None:
    if result.success:
        return
    failures = [e for e in result.all_events if e.is_step_failure]
    reason = "see the Dagster event log"
    if failures:
        # Retries wrap the real error; report the innermost Mutu error, or the innermost cause.
        chain, error = [], failures[0].event_specific_data.error
        while error is not None:
            chain.append(error)
            error = error.cause
        ours = [e for e in chain if e.cls_name in {"PublishError", "LandingError", "ProfileError", "ContractError", "SettingsError", "MutuError"}]
        reason = (ours[0] if ours else chain[-1]).message.strip().splitlines()[-1]
    raise MutuError(f"{what} failed: {reason}")


def run_everything(landing: Path, home: Path, weight_mode: str = "exact") -> Path:
    from pipelines.run_lock import exclusive_run

    if not landing.is_dir():
        raise LandingError(f"landing zone {landing} does not exist; run `mutu generate --out {landing}` or point --landing at the exports")
    pii_key()
    with exclusive_run(home):
        stage_timer.reset()
        started = time.perf_counter()
        published = _run_everything(landing, home, weight_mode)
        stage_timer.write(home / "run_stats.json", {"landing": str(landing), "wall_s": round(time.perf_counter() - started, 3)})
        return published


def _run_everything(landing: Path, home: Path, weight_mode: str) -> Path:
    from dagster import AssetKey, materialize

    from pipelines.assets.staging import daily_partitions, staging_assets, staging_reference
    from pipelines.assets.warehouse import warehouse_assets
    from pipelines.contracts import contracts
    from pipelines.definitions import all_assets
    from pipelines.landing import partitions
    from pipelines.profiles import profiles
    from pipelines.resources import MutuResource

    contracts(), profiles()  # a broken contract or profile stops the run here, with its file and field named
    paths = Paths(home)
    instance = instance_for(paths)
    _release_dead_runs(instance)
    resources = {"mutu": MutuResource(home=str(home), landing=str(landing), ikm_weight_mode=weight_mode)}

    keys = partitions(landing)
    if not keys:
        raise LandingError(f"no landed files with a date under {landing}/queue, /survey or /complaints")
    known = set(instance.get_dynamic_partitions(daily_partitions.name))
    instance.add_dynamic_partitions(daily_partitions.name, [k for k in keys if k not in known])
    order = instance.get_dynamic_partitions(daily_partitions.name)
    wanted = sorted(order.index(k) for k in keys)
    batch = {"dagster/asset_partition_range_start": order[wanted[0]], "dagster/asset_partition_range_end": order[wanted[-1]]}

    reference_keys = list(staging_reference.keys)
    _check(materialize(all_assets, selection=reference_keys, instance=instance, resources=resources, run_config=QUIET, raise_on_error=False), "reference data run")
    staging_keys = [k for a in staging_assets for k in a.keys]
    _check(materialize(all_assets, selection=staging_keys, instance=instance, resources=resources, tags=batch, run_config=QUIET, raise_on_error=False), "staging run")
    warehouse_keys: list[AssetKey] = [k for a in warehouse_assets for k in a.keys]
    _check(materialize(all_assets, selection=warehouse_keys, instance=instance, resources=resources, run_config=QUIET, raise_on_error=False), "warehouse run")
    if not paths.warehouse.exists():
        raise SettingsError(f"the run finished but {paths.warehouse} is missing")
    return paths.warehouse
