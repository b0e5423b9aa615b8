"""Run the pipeline through Dagster on a persistent instance in HOME/dagster.

Cost follows new data (DESIGN property 4): like the landing sensor, `mutu run` asks `changes.find_changes`
which daily partitions have new, changed or removed files (by content hash) and stages only those, then
rebuilds the warehouse layers and publishes. A first run, a changed reference file, contract, profile,
staging code or PII key stages everything; a run with nothing new publishes nothing.

A Dagster run targets one partition range of one partitions definition, so: reference data when it
changed, one staging run per range of stale partitions, then one run of the warehouse layers and publish.
"""

from __future__ import annotations

import hashlib
import hmac
import json
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
# Stale partitions of one source closer than this (in partition order) share a run: re-staging a few
# unchanged days costs less than another Dagster run, and re-staging is idempotent.
MAX_GAP = 3
PACKAGE = Path(__file__).resolve().parent
# What staging rows depend on besides the landed files: change any of these and every partition is re-staged.
STAGING_CODE = ("contracts.py", "profiles.py", "landing.py", "reading.py", "parsing.py", "pii.py", "validation.py", "ingest.py", "lake.py")


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


def run_everything(landing: Path, home: Path, weight_mode: str = "exact", full: bool = False) -> Path:
    """Stage what changed in the landing zone (everything when `full`), rebuild the warehouse, publish."""
    from pipelines.run_lock import exclusive_run

    if not landing.is_dir():
        raise LandingError(f"landing zone {landing} does not exist; run `mutu generate --out {landing}` or point --landing at the exports")
    pii_key()
    with exclusive_run(home):
        stage_timer.reset()
        started = time.perf_counter()
        published, plan = _run_everything(landing, home, weight_mode, full)
        stage_timer.write(home / "run_stats.json", {"landing": str(landing), "wall_s": round(time.perf_counter() - started, 3), "plan": plan})
        return published


# --- what to run --------------------------------------------------------------------------------------

def _digest(parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def staging_fingerprint() -> str:
    """Contracts, profiles, staging code and the PII key (as an HMAC of a constant: the key is never stored)."""
    from pipelines.contracts import CONTRACTS_DIR

    files = sorted(CONTRACTS_DIR.rglob("*.yaml")) + [PACKAGE / name for name in STAGING_CODE]
    key_tag = hmac.new(pii_key(), b"mutu staging fingerprint", hashlib.sha256).hexdigest()[:16]
    return _digest([key_tag, *(f"{p.name}:{p.read_bytes().hex() if p.exists() else ''}" for p in files)])


def warehouse_fingerprint(lake: Path, weight_mode: str) -> str:
    """What the published warehouse was built from: every ingested file's hash, the SQL and pipeline code."""
    from pipelines.changes import accounting_rows
    from pipelines.settings import complaint_auto_close_workdays

    code = sorted((PACKAGE.parent / "sql").rglob("*.sql")) + sorted(PACKAGE.rglob("*.py")) + [PACKAGE / "indicators.yaml"]
    # Every file of every partition, and those rejected for want of one (partition key empty).
    files = accounting_rows(lake).select("dataset", "partition_key", "source_file", "sha256").fill_null("")
    state = sorted(files.iter_rows())
    # Run parameters the SQL reads (staging.run_parameters): a changed setting rebuilds the warehouse.
    settings = [weight_mode, str(complaint_auto_close_workdays())]
    return _digest([*settings, *state, *(p.read_bytes() for p in code)])


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_state(path: Path, state: dict) -> None:
    aside = path.with_name(f".{path.name}.tmp")
    aside.write_text(json.dumps(state, indent=1, sort_keys=True))
    os.replace(aside, path)


def partition_ranges(keys: list[str], order: list[str], max_gap: int = MAX_GAP) -> list[tuple[str, str]]:
    """Cover `keys` with (first, last) ranges of the dynamic partition order, joining ranges at most `max_gap` apart."""
    positions = sorted({order.index(k) for k in keys})
    ranges: list[list[int]] = []
    for position in positions:
        if ranges and position - ranges[-1][1] <= max_gap + 1:
            ranges[-1][1] = position
        else:
            ranges.append([position, position])
    return [(order[a], order[b]) for a, b in ranges]


def staging_plan(stale: dict[str, list[str]], order: list[str], max_gap: int = MAX_GAP) -> list[tuple[tuple[str, str], list[str]]]:
    """(partition range, sources) per staging run; sources with the same range share a run."""
    runs: dict[tuple[str, str], list[str]] = {}
    for source, keys in stale.items():
        for span in partition_ranges(keys, order, max_gap) if keys else []:
            runs.setdefault(span, []).append(source)
    return sorted(runs.items(), key=lambda item: order.index(item[0][0]))


# --- the runs -----------------------------------------------------------------------------------------

def _run_everything(landing: Path, home: Path, weight_mode: str, full: bool) -> tuple[Path, dict]:
    from dagster import AssetKey, materialize

    from pipelines.assets.staging import daily_partitions, staging_reference
    from pipelines.assets.report import report_assets
    from pipelines.assets.warehouse import warehouse_assets
    from pipelines.changes import find_changes
    from pipelines.contracts import contracts
    from pipelines.definitions import all_assets
    from pipelines.profiles import profiles
    from pipelines.resources import MutuResource
    from pipelines.sensors import STAGING_BY_SOURCE

    contracts(), profiles()  # a broken contract or profile stops the run here, with its file and field named
    paths = Paths(home)
    instance = instance_for(paths)
    _release_dead_runs(instance)
    resources = {"mutu": MutuResource(home=str(home), landing=str(landing), ikm_weight_mode=weight_mode)}

    # The same mechanism as the landing sensor; file hashes are cached by (size, mtime) across runs.
    hash_cache_file, state_file = home / "landing_hashes.json", home / "run_state.json"
    cache = _read_state(hash_cache_file)
    changes = find_changes(landing, paths.lake, cache)
    _write_state(hash_cache_file, cache)
    landed = sorted(set().union(*changes.landed.values()))
    if not landed:
        raise LandingError(f"no landed files with a date under {landing}/queue, /survey or /complaints")

    state = _read_state(state_file)
    code = staging_fingerprint()
    reference_missing = not all((paths.lake / "row_accounting" / name).is_dir() for name in ("units", "services", "targets"))
    # Reference data feeds validation (unit known, service standard valid on the date): its change re-stages everything.
    restage_all = full or changes.reference or reference_missing or state.get("staging_code") != code
    stale = {source: sorted(changes.landed[source] | set(keys)) if restage_all else keys for source, keys in changes.partitions.items()}

    wanted = sorted(set(landed).union(*stale.values()))
    known = set(instance.get_dynamic_partitions(daily_partitions.name))
    instance.add_dynamic_partitions(daily_partitions.name, [k for k in wanted if k not in known])
    order = instance.get_dynamic_partitions(daily_partitions.name)
    plan = staging_plan(stale, order)
    summary = {"restage_all": restage_all, "stale_partitions": {s: len(k) for s, k in stale.items()},
               "staging_runs": [{"range": list(span), "sources": sources} for span, sources in plan]}

    if restage_all or changes.reference:
        reference_keys = list(staging_reference.keys)
        _check(materialize(all_assets, selection=reference_keys, instance=instance, resources=resources, run_config=QUIET, raise_on_error=False), "reference data run")
    for (first, last), sources in plan:
        tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last, "mutu/trigger": "mutu_run"}
        selection = [STAGING_BY_SOURCE[s] for s in sources]
        _check(materialize(all_assets, selection=selection, instance=instance, resources=resources, tags=tags, run_config=QUIET, raise_on_error=False), "staging run")
    state["staging_code"] = code
    _write_state(state_file, state)

    built = warehouse_fingerprint(paths.lake, weight_mode)
    summary["warehouse"] = "up to date" if state.get("published") == built and paths.warehouse.exists() else "rebuilt"
    if summary["warehouse"] == "rebuilt":
        warehouse_keys: list[AssetKey] = [k for a in (*warehouse_assets, *report_assets) for k in a.keys]
        _check(materialize(all_assets, selection=warehouse_keys, instance=instance, resources=resources, run_config=QUIET, raise_on_error=False), "warehouse run")
        state["published"] = built
        _write_state(state_file, state)
    if not paths.warehouse.exists():
        raise SettingsError(f"the run finished but {paths.warehouse} is missing")
    return paths.warehouse, summary
