"""Run the pipeline through Dagster on a persistent instance in HOME/dagster.

Cost follows new data (DESIGN property 4): `mutu run` acts on the plan the landing sensor and the nightly
schedule make (`planning.make_plan`): partitions whose files are new, changed or removed, or that were staged
with other staging inputs (contracts, profiles, code, PII key, reference data). It executes the jobs declared in
`pipelines/jobs.py`: reference data when it changed, one staging run per partition range, then the warehouse
build and publish when what it is built from changed, and then, in a run of its own, the review pack of what was
published. A run with nothing new publishes nothing.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from pipelines import gx_checks, progress, stage_timer
from pipelines.atomic import write_text_atomically
from pipelines.errors import LandingError, MutuError, SettingsError, raise_for_failed_run
from pipelines.planning import digest
from pipelines.report import workers as report_workers
from pipelines.settings import Paths, pii_key, require_runnable

INSTANCE_YAML = """\
# Written by `mutu run`. Offline by design: no usage telemetry (DESIGN property 6).
telemetry:
  enabled: false
concurrency:
  pools:
    # Every writer of the build database is in the `warehouse` pool: one at a time.
    default_limit: 1
"""
# `mutu run` lets its steps print to its own output as they go and does not copy that into Dagster's compute-log
# files too: Dagster copies each stream of each step through a `tail` and a Python watcher process of its own (24
# processes for a restate, 0.15 s of its 5.7 s). The daemon and the UI read dagster.yaml: their runs are captured.
RUN_YAML = (
    INSTANCE_YAML
    + """compute_logs:
  module: dagster._core.storage.noop_compute_log_manager
  class: NoOpComputeLogManager
"""
)
RUN_CONFIG = "mutu-run.yaml"
MUTU_RUN = {"mutu/trigger": "mutu_run"}  # on every run `mutu run` launches: `mutu stages` shows the launcher
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
PACKAGE = Path(__file__).resolve().parent


def instance_for(paths: Paths):
    from dagster import DagsterInstance

    paths.dagster_home.mkdir(parents=True, exist_ok=True)
    for name, text in (("dagster.yaml", INSTANCE_YAML), (RUN_CONFIG, RUN_YAML)):
        config = paths.dagster_home / name
        if not config.exists() or config.read_text() != text:
            config.write_text(text)
    os.environ["DAGSTER_HOME"] = str(paths.dagster_home)
    return DagsterInstance.from_config(str(paths.dagster_home), RUN_CONFIG)


def _release_dead_runs(instance) -> None:
    """Runs left "started" by a killed `mutu run` still hold warehouse pool slots; we hold the home lock, so they
    are dead. Only `mutu run`'s own: a run the Dagster daemon launched on this home may be alive (failing it sent a
    false failure alert and freed the pool slot of a build still writing the warehouse); `mutu run` waits for its
    slot instead."""
    from dagster import DagsterRunStatus, RunsFilter

    started = RunsFilter(statuses=[DagsterRunStatus.STARTED, DagsterRunStatus.STARTING], tags=MUTU_RUN)
    for run in instance.get_runs(filters=started):
        instance.report_run_failed(run)
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)


def run_everything(landing: Path, home: Path, weight_mode: str = "exact", full: bool = False) -> Path:
    """Stage what changed in the landing zone (everything when `full`), rebuild the warehouse, publish."""
    from pipelines.run_lock import exclusive_run

    require_runnable(landing)
    with exclusive_run(home), gx_checks.side_process():
        stage_timer.reset()
        started = time.perf_counter()
        progress.start()
        try:
            published, plan = _run_everything(landing, home, weight_mode, full)
        finally:
            report_workers.release()  # the pack's processes, when the run stopped before the pack took them
            progress.stop()
        stage_timer.write(
            home / "run_stats.json",
            {"landing": str(landing), "wall_s": round(time.perf_counter() - started, 3), "plan": plan},
        )
        return published


# --- what to run --------------------------------------------------------------------------------------


def warehouse_fingerprint(lake: Path, weight_mode: str) -> str:
    """What the published warehouse was built from: the lake's partitions as staged, the SQL and pipeline code."""
    from pipelines.lake import stamps
    from pipelines.settings import complaint_auto_close_workdays

    code = (
        sorted((PACKAGE.parent / "sql").rglob("*.sql")) + sorted(PACKAGE.rglob("*.py")) + [PACKAGE / "indicators.yaml"]
    )
    # Staging rewrites a partition's accounting file (the files it was built from, with their hashes) whenever it
    # stages it, rejected files included: the accounting files' size and modification time say what the lake holds
    # as well as their contents, without reading a year's thousand files (0.14-0.25 s) after every staging run.
    state = [f"{name}:{stamp}" for name, stamp in stamps(lake, "row_accounting").items()]
    # Run parameters the SQL reads (staging.run_parameters): a changed setting rebuilds the warehouse.
    settings = [weight_mode, str(complaint_auto_close_workdays())]
    return digest([*settings, *state, *(p.read_bytes() for p in code)])


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_state(path: Path, state: dict) -> None:
    write_text_atomically(path, json.dumps(state, indent=1, sort_keys=True))


# --- the runs -----------------------------------------------------------------------------------------


def _run_everything(landing: Path, home: Path, weight_mode: str, full: bool) -> tuple[Path, dict]:
    from pipelines.sql_models import keep_dependencies_in

    paths = Paths(home)
    keep_dependencies_in(paths.cache)  # before the imports below parse the SQL models

    from pipelines.assets.staging import daily_partitions
    from pipelines.assets.warehouse import STAGING_INPUTS, build_selection
    from pipelines.changes import found_off_day
    from pipelines.contracts import contracts
    from pipelines.definitions import build_definitions
    from pipelines.jobs import REFERENCE_JOB, REVIEW_PACK_JOB, STAGING_JOB, WAREHOUSE_JOB
    from pipelines.planning import Plan, make_plan
    from pipelines.profiles import SOURCE_DATASETS, profiles
    from pipelines.resources import MutuResource
    from pipelines.sensors import staging_selection
    from pipelines.sql_models import models
    from pipelines.warehouse import models_to_update

    contracts(), profiles()  # a broken contract or profile stops the run here, with its file and field named
    instance = instance_for(paths)
    _release_dead_runs(instance)
    mutu = MutuResource(home=str(home), landing=str(landing), ikm_weight_mode=weight_mode)
    definitions = build_definitions(mutu)

    # The plan the landing sensor and the nightly schedule make; file hashes are cached by (size, mtime) across runs.
    hash_cache_file, state_file = home / "landing_hashes.json", home / "run_state.json"

    def plan_now(full: bool) -> Plan:
        cache = _read_state(hash_cache_file)
        known = list(instance.get_dynamic_partitions(daily_partitions.name))
        plan = make_plan(landing, paths.lake, pii_key(), cache, known, full=full)
        _write_state(hash_cache_file, cache)
        # Appended in the order the plan's ranges assumed (known partitions, then the new ones).
        instance.add_dynamic_partitions(daily_partitions.name, plan.new_partitions)
        return plan

    plan = plan_now(full)
    if not any(plan.changes.landed.values()):
        raise LandingError(
            f"no landed file under {landing}/queue, /survey or /complaints could be placed on a day; "
            "check that the folders hold the exports and that their dates are readable"
        )
    summary = plan.summary()

    def execute(job: str, what: str, tags: dict[str, str] | None = None, **options):
        result = definitions.resolve_job_def(job).execute_in_process(
            instance=instance, run_config=QUIET, raise_on_error=False, tags={**(tags or {}), **MUTU_RUN}, **options
        )
        raise_for_failed_run(result, what)
        return result

    if plan.reference:
        progress.say("reference data: staging units, services, targets")
        execute(REFERENCE_JOB, "reference data run")

    def stage(plan: Plan, what: str = "staging run") -> None:
        for number, run in enumerate(plan.runs, start=1):
            days = sum(run.first <= k <= run.last for k in set().union(*(plan.stale[s] for s in run.sources)))
            progress.say(
                f"{what} {number}/{len(plan.runs)}: {', '.join(run.sources)}, "
                f"{days} stale day(s) in {run.first}..{run.last}"
            )
            execute(STAGING_JOB, "staging run", tags=run.tags(), asset_selection=staging_selection(run.sources))

    stage(plan)
    staged = {SOURCE_DATASETS[source]: keys for source, keys in plan.stale.items()}
    redated = found_off_day(paths.lake, staged) if plan.runs else []
    if redated:
        # Named by a day, holding other days' records (an export named by the day it was exported): the plan now
        # dates them by their records, and their days are staged before anything is built. The sensor's next tick
        # does the same.
        summary["dated_by_records"] = redated
        progress.say(
            f"staging: {len(redated)} file(s) named by a day hold mostly records of other days "
            f"({', '.join(redated[:3])}{', ...' if len(redated) > 3 else ''}): placing their records on their own days"
        )
        stage(plan_now(False), "staging again, those files by their records: run")

    state = _read_state(state_file)
    built = warehouse_fingerprint(paths.lake, weight_mode)
    summary["warehouse"] = "up to date" if state.get("published") == built and paths.warehouse.exists() else "rebuilt"
    summary["review_pack"] = "up to date" if state.get("pack") == built else "drawn"
    if not (plan.reference or plan.runs) and summary["warehouse"] == summary["review_pack"] == "up to date":
        progress.say("nothing new since the last run: no landed file changed; the published warehouse is up to date")
    if summary["review_pack"] == "drawn":
        report_workers.start()  # the pack's other processes import while the warehouse builds (released by the caller)
    if summary["warehouse"] == "rebuilt":
        # Only the models whose inputs changed, and what reads them, are in the build: the others are kept and keep
        # their last materialization (the daemon's automation requests the same: assets.warehouse.MODEL_AUTOMATION).
        chosen = models_to_update(paths, weight_mode)
        summary["models_updated"] = len(chosen)
        progress.expect_models(len(chosen))
        progress.say(f"warehouse: bringing {len(chosen)} of {len(models())} core, indicator and mart models up to date")
        # Its audit step has Great Expectations judge the staged days.
        selection = build_selection(chosen)
        if plan.runs:  # the computed staging tables are as the staging run left them: nothing runs in between
            selection = [key for key in selection if key not in STAGING_INPUTS.values()]
        execute(WAREHOUSE_JOB, "warehouse run", asset_selection=selection)
        state["published"] = built
        _write_state(state_file, state)
    gx_checks.release()
    if not paths.warehouse.exists():
        raise SettingsError(f"the run finished but {paths.warehouse} is missing")
    if summary["warehouse"] == "rebuilt":
        progress.note(f"warehouse published: {paths.warehouse} (BI tools can read it now)")

    # The pack is drawn after publish, in its own run: a pack that fails (or a run killed while drawing it) leaves
    # the warehouse published, and the next `mutu run` draws the pack only.
    if summary["review_pack"] == "drawn":
        progress.say(f"review pack: drawing the reports of the latest periods into {home / 'reports'}")
        try:
            pack = execute(REVIEW_PACK_JOB, "review pack run")
        except MutuError as exc:
            raise MutuError(
                f"{exc}; the warehouse {paths.warehouse} is published, `mutu run` again draws the pack"
            ) from exc
        state["pack"] = built
        _write_state(state_file, state)
        (drawn,) = pack.asset_materializations_for_node("reports__review_pack")
        if drawn.metadata["reports"].value:
            progress.say("review pack: drawn")
        else:
            summary["review_pack"] = "nothing to draw"
            progress.say("review pack: nothing to draw: no period has data yet (the files below say why)")
    return paths.warehouse, summary
