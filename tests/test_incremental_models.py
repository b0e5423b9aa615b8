"""Incremental warehouse models (pipelines/incremental.py): a nightly run recomputes only the periods its new or
restated days touch, and the warehouse it publishes equals a build from scratch of the same landing zone."""

from __future__ import annotations

import math
import shutil
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, RunsFilter

from pipelines import incremental, warehouse
from pipelines.generate import generate_landing
from pipelines.incremental import Period, declared_period
from pipelines.jobs import WAREHOUSE_JOB
from pipelines.orchestration import run_everything
from pipelines.settings import Paths
from pipelines.sql_models import models

NEW_DAY = date(2026, 9, 14)  # the last generated day: held back from the history, landed on the night
RESTATED_DAY = date(2026, 8, 4)


def _day_files(landing: Path, day: date) -> list[Path]:
    names = (day.isoformat(), day.strftime("%d-%m-%Y"))
    return [p for p in landing.rglob("*") if p.is_file() and any(n in p.name for n in names)]


def _key(row: tuple) -> str:
    """Sort key: exact values first, floats (whose last bits follow summation order) coarsely."""
    exact = [v for v in row if not isinstance(v, float)]
    coarse = [f"{v:.4g}" for v in row if isinstance(v, float)]
    return repr((exact, coarse))


def _tables(warehouse: Path) -> dict[str, list[tuple]]:
    """Every core, indicator and mart table of the published warehouse, rows sorted."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in ('core', 'indicators', 'marts')"
        ).fetchall()
        return {
            f"{schema}.{table}": sorted(con.execute(f'select * from "{schema}"."{table}"').fetchall(), key=_key)
            for schema, table in names
        }
    finally:
        con.close()


def _same(a, b) -> bool:
    """Equal, floats to 7 significant digits (a period recomputed sums its rows in another order than a full build)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


LEFT_OUT = "left out"


def _builds(home: Path) -> dict[str, str]:
    """Model -> how the last warehouse build brought it up to date ('full', 'incremental' or 'unchanged'), or
    LEFT_OUT when that build did not run it (nothing it reads changed: its last materialization still holds)."""
    instance = DagsterInstance.from_config(str(home / "dagster"))
    build = instance.get_runs(filters=RunsFilter(job_name=WAREHOUSE_JOB), limit=1)[0]
    found = {}
    for record in instance.all_logs(build.run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION):
        materialization = record.asset_materialization
        if "build" in materialization.metadata:
            found[materialization.asset_key] = materialization.metadata["build"].value.split(":")[0]
    return {m.qualified: found.get(AssetKey([m.layer, m.name]), LEFT_OUT) for m in models()}


@pytest.fixture(scope="module")
def nightly(tmp_path_factory):
    """A history of 75 days (4 units) published, then a night that lands a new day and restates an old one."""
    root = tmp_path_factory.mktemp("incremental")
    landing, held = root / "landing", root / "held"
    generate_landing(landing, units=4, days=76, start=date(2026, 7, 1), seed=11)
    for path in _day_files(landing, NEW_DAY):
        target = held / path.relative_to(landing)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
    home = root / "home"
    run_everything(landing, home)
    history = _builds(home)

    # The night: the new day lands, and a corrected queue export restates an old day (its last ticket withdrawn).
    for path in held.rglob("*"):
        if path.is_file():
            target = landing / path.relative_to(held)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, target)
    restated = next(p for p in _day_files(landing, RESTATED_DAY) if p.parts[-3:-1] == ("queue", "canonical"))
    lines = restated.read_text().splitlines(keepends=True)
    restated.write_text("".join(lines[:-1]))
    run_everything(landing, home)

    clean = root / "clean"
    run_everything(landing, clean)
    return {"home": home, "clean": clean, "history": history, "night": _builds(home)}


def test_the_first_build_is_full(nightly):
    assert set(nightly["history"].values()) == {"full"}


def test_a_nightly_run_recomputes_only_the_touched_periods_of_declared_models(nightly):
    builds = nightly["night"]
    declared = {m.qualified for m in models() if declared_period(m) is not None}
    assert "core.fct_queue_ticket" in declared
    assert builds["core.fct_queue_ticket"] == "incremental"
    # Every declared model whose inputs other than the daily data are unchanged follows the changed days only.
    assert {name for name in declared if builds[name] == "incremental"}, builds
    # Models reading nothing that changed are kept as they are: the build leaves them out (a survey day landed,
    # so the survey models are in it; the units are not).
    assert builds["core.dim_unit"] == LEFT_OUT
    assert builds["core.fct_survey_response"] != LEFT_OUT


def test_an_incremental_night_equals_a_build_from_scratch(nightly):
    incremental = _tables(nightly["home"] / "warehouse" / "mutu.duckdb")
    scratch = _tables(nightly["clean"] / "warehouse" / "mutu.duckdb")
    assert incremental.keys() == scratch.keys()
    differing = [name for name in scratch if not _same(incremental[name], scratch[name])]
    assert differing == []
    # The night really changed what the warehouse holds: the new day is in the daily facts.
    con = duckdb.connect(str(nightly["home"] / "warehouse" / "mutu.duckdb"), read_only=True)
    try:
        days = con.execute("select count(*) from core.fct_queue_ticket where local_date = ?", [NEW_DAY])
        assert days.fetchone()[0] > 0
    finally:
        con.close()


def test_a_period_is_declared_by_one_header_line():
    model = replace(next(iter(models())), sql="-- t: x\n-- incremental: period_start..period_end\nselect 1")
    assert declared_period(model) == Period("period_start", "period_end")
    assert declared_period(replace(model, sql="-- incremental: local_date\nselect 1")) == Period("local_date")
    typed = declared_period(replace(model, sql="-- incremental: period_start by period_type\nselect 1"))
    assert typed == Period("period_start", kind="period_type")
    assert declared_period(replace(model, sql="select 1")) is None
    with pytest.raises(ValueError, match="incremental"):
        declared_period(replace(model, sql="-- incremental: a, b\nselect 1"))


def test_a_model_follows_only_the_sources_it_reads(nightly, tmp_path):
    """A restated queue day (the as-of date unchanged) leaves the complaint and survey facts as they are."""
    home, landing = tmp_path / "home", tmp_path / "landing"
    shutil.copytree(nightly["home"], home)
    shutil.copytree(nightly["home"].parent / "landing", landing)
    restated = next(p for p in _day_files(landing, RESTATED_DAY) if p.parts[-3:-1] == ("queue", "canonical"))
    lines = restated.read_text().splitlines(keepends=True)
    restated.write_text("".join(lines[:-1]))
    run_everything(landing, home)
    builds = _builds(home)
    assert builds["core.fct_queue_ticket"] == "incremental"
    # Left out of the build: it ran the queue's models and what reads them only.
    assert builds["core.fct_complaint"] == LEFT_OUT and builds["core.fct_survey_response"] == LEFT_OUT, builds


def test_a_day_of_one_source_leaves_the_models_of_the_others_as_they_are(nightly, tmp_path):
    """A new queue day moves the queue's as-of date only: the complaint models that read no queue figure (deadlines
    are judged against the complaints' own as-of date) are kept; the queue marts, which carry the queue's, are not.
    Nor does the working-day calendar change with the day (it runs to the end of a month)."""
    home, landing = tmp_path / "home", tmp_path / "landing"
    shutil.copytree(nightly["home"], home)
    shutil.copytree(nightly["home"].parent / "landing", landing)
    last = next(p for p in _day_files(landing, NEW_DAY) if p.parts[-3:-1] == ("queue", "canonical"))
    day_after = (NEW_DAY + timedelta(days=1)).isoformat()
    (last.parent / last.name.replace(NEW_DAY.isoformat(), day_after)).write_text(
        last.read_text().replace(NEW_DAY.isoformat(), day_after)
    )
    run_everything(landing, home)
    builds = _builds(home)
    assert builds["core.dim_queue_as_of"] == "full", builds
    assert builds["marts.mart_queue_period"] == "full", builds
    assert builds["core.dim_calendar"] == LEFT_OUT, builds
    complaint_models = ("core.fct_complaint", "core.fct_complaint_deadline", "indicators.ind_complaint_backlog_period")
    assert {name: builds[name] for name in complaint_models} == dict.fromkeys(complaint_models, LEFT_OUT)


def test_a_build_runs_a_changed_model_and_what_reads_it_and_nothing_else(nightly, tmp_path):
    """What `mutu run` hands the build (warehouse.models_to_update): no model on a home already built from its lake;
    after one model's SQL changed (its recorded digest made stale), that model and every model that reads it,
    directly or through others, in dependency order."""
    home = tmp_path / "home"
    shutil.copytree(nightly["home"], home)
    paths = Paths(home)
    assert warehouse.models_to_update(paths, "exact") == []
    changed = "indicators.ind_queue_period"
    con = warehouse.connect_build(paths)
    try:
        con.execute(f"update {incremental.STATE} set sql_digest = 'stale' where model = ?", [changed])
    finally:
        con.close()
    chosen = [m.qualified for m in warehouse.models_to_update(paths, "exact")]
    assert chosen[0] == changed
    assert "marts.mart_queue_period" in chosen and "marts.mart_kpi_control" in chosen  # read it through others
    assert "core.fct_queue_ticket" not in chosen and "marts.mart_ikm_unit_quarter" not in chosen  # upstream, unrelated
    readers = {changed}
    for model in models():  # dependency order
        if any(f"{schema}.{table}" in readers for schema, table in model.depends_on):
            readers.add(model.qualified)
    assert chosen == [m.qualified for m in models() if m.qualified in readers]
