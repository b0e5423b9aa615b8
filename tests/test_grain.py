"""Every SQL model declares its grain, and Dagster checks it after each build (blocking downstream of a mart)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from dagster import AssetCheckKey, AssetCheckSeverity, AssetKey, DagsterInstance, asset, materialize

from pipelines.assets.warehouse import GRAIN_CHECK, grain_check, sql_models_asset
from pipelines.resources import MutuResource
from pipelines.sql_models import GrainColumn, _load, grain_violations_sql, models


def _model_file(root: Path, layer: str, name: str, body: str) -> Path:
    path = root / layer / f"{name}.sql"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    return path


def test_every_model_declares_a_grain_of_its_own_columns(published):
    con = duckdb.connect(str(published), read_only=True)
    try:
        for model in models():
            assert model.grain, model.qualified
            columns = {
                r[0]
                for r in con.execute(
                    "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
                    [model.layer, model.name],
                ).fetchall()
            }
            assert {c.name for c in model.grain} <= columns, model.qualified
    finally:
        con.close()


def test_the_grain_line_is_parsed_with_nullable_columns():
    scope_member = next(m for m in models() if m.qualified == "core.dim_scope_member")
    assert scope_member.grain == (
        GrainColumn("scope_type", False),
        GrainColumn("scope_id", False),
        GrainColumn("unit_id", False),
        GrainColumn("service_code", True),
    )
    # ind_kpi_series documents a column named `grain`: a `-- column grain:` line is not a grain declaration.
    kpi_series = next(m for m in models() if m.qualified == "indicators.ind_kpi_series")
    assert [c.name for c in kpi_series.grain] == ["grain", "period_start", "scope_type", "scope_id", "kpi"]


def test_a_model_without_a_grain_line_fails_loading_naming_its_file(tmp_path):
    path = _model_file(tmp_path, "marts", "mart_no_grain", "-- mart_no_grain: A table.\nselect 1 as k\n")
    with pytest.raises(ValueError, match=r"mart_no_grain\.sql: has no '-- grain:' line"):
        _load(path)
    body = "-- mart_twice: A table.\n-- grain: k\n-- grain: k\nselect 1 as k\n"
    twice = _model_file(tmp_path, "marts", "mart_twice", body)
    with pytest.raises(ValueError, match=r"mart_twice\.sql: has 2 '-- grain:' lines"):
        _load(twice)
    bad = _model_file(tmp_path, "marts", "mart_bad", "-- mart_bad: A table.\n-- grain: k, k j\nselect 1 as k\n")
    with pytest.raises(ValueError, match=r"mart_bad\.sql: grain column 'k j'"):
        _load(bad)


def test_a_models_dependencies_are_the_tables_its_sql_names(tmp_path):
    """Read by DuckDB's parser: tables named with their schema anywhere in the query (joins, subqueries, an
    UNPIVOT's source), never a CTE; SQL DuckDB cannot parse fails loading, naming the file."""
    body = (
        "-- ind_x: A table.\n-- grain: k\n"
        "with core_like as (select * from core.fct_a)\n"
        "select k from core_like join indicators.ind_b using (k)\n"
        "where k in (select k from staging.units)\n"
        "union all select k from (unpivot marts.mart_c on v1, v2 into name n value k)\n"
    )
    model = _load(_model_file(tmp_path, "indicators", "ind_x", body))
    assert model.depends_on == (
        ("core", "fct_a"),
        ("indicators", "ind_b"),
        ("marts", "mart_c"),
        ("staging", "units"),
    )
    broken = _model_file(tmp_path, "marts", "mart_broken", "-- mart_broken: A table.\n-- grain: k\nselec 1 as k\n")
    with pytest.raises(ValueError, match=r"mart_broken\.sql: DuckDB cannot parse the model: syntax error"):
        _load(broken)


def test_the_models_dependencies_kept_between_processes_are_the_parsed_ones(tmp_path, monkeypatch):
    """The dependencies are kept by the digest of each model's text: read back, they equal DuckDB's parse; an edited
    model is parsed again, never answered from its old text's entry."""
    from pipelines import sql_models

    monkeypatch.setattr(sql_models, "_cache_dir", tmp_path / "cache")
    models.cache_clear()
    parsed = models()
    kept = json.loads(sql_models.dependency_cache().read_text())
    assert len(kept) == len(parsed)
    models.cache_clear()
    assert [(m.qualified, m.depends_on) for m in models()] == [(m.qualified, m.depends_on) for m in parsed]

    body = "-- ind_x: A table.\n-- grain: k\nselect k from core.fct_a\n"
    path = _model_file(tmp_path, "indicators", "ind_x", body)
    known: dict[str, list] = {}
    assert _load(path, known).depends_on == (("core", "fct_a"),)
    path.write_text(body.replace("core.fct_a", "marts.mart_b"))
    assert _load(path, known).depends_on == (("marts", "mart_b"),)
    assert len(known) == 2
    models.cache_clear()


def test_every_grain_check_passed_on_the_small_warehouse(published):
    instance = DagsterInstance.from_config(str(published.parent.parent / "dagster"))
    storage = instance.event_log_storage
    failed = []
    for model in models():
        key = AssetCheckKey(AssetKey([model.layer, model.name]), GRAIN_CHECK)
        records = storage.get_asset_check_execution_history(key, limit=1)
        assert records, f"no {GRAIN_CHECK} evaluation for {model.qualified}"
        if records[0].event.dagster_event.event_specific_data.passed is not True:
            failed.append(model.qualified)
    assert failed == []
    # The published tables themselves, with the SQL the check runs.
    con = duckdb.connect(str(published), read_only=True)
    try:
        for model in models():
            assert con.execute(grain_violations_sql(model)).fetchone() == (0, 0), model.qualified
    finally:
        con.close()


def test_duplicates_and_nulls_in_the_grain_fail_the_check(tmp_path):
    body = "-- t_dup: A table.\n-- grain: unit_id, day, service_code?\nselect 1 as k\n"
    indicator = _load(_model_file(tmp_path, "indicators", "t_dup", body))
    con = duckdb.connect()
    con.execute("create schema indicators")
    con.execute(
        "create table indicators.t_dup as select * from (values ('U1', 1, 'KTP'), ('U1', 2, null), ('U1', 2, null), "
        "(null, 3, 'KTP')) as v(unit_id, day, service_code)"
    )
    assert con.execute(grain_violations_sql(indicator)).fetchone() == (1, 1)  # (U1, 2, NULL) twice; a NULL unit_id
    result = grain_check(con, indicator)
    assert result.passed is False and result.severity == AssetCheckSeverity.WARN
    con.execute("delete from indicators.t_dup where unit_id is null or day = 2")
    assert grain_check(con, indicator).passed is True
    missing = _load(_model_file(tmp_path, "indicators", "t_dup", body.replace("service_code?", "nope")))
    result = grain_check(con, missing)
    assert result.passed is False and "nope" in result.metadata["error"].value


def test_a_mart_whose_grain_is_violated_blocks_what_reads_it(tmp_path):
    body = "-- mart_dup: Two rows with one key.\n-- grain: k\n-- column k: The key.\nselect 1 as k union all select 1\n"
    model = _load(_model_file(tmp_path / "sql", "marts", "mart_dup", body))
    mart = sql_models_asset((model,))

    @asset(key=["reports", "reads_mart_dup"], deps=[AssetKey(["marts", "mart_dup"])])
    def reader() -> None:
        return None

    mutu = MutuResource(home=str(tmp_path / "home"), landing=str(tmp_path / "landing"))
    result = materialize([mart, reader], resources={"mutu": mutu}, raise_on_error=False)
    evaluations = result.get_asset_check_evaluations()
    assert [(e.check_name, e.passed, e.severity) for e in evaluations] == [
        (GRAIN_CHECK, False, AssetCheckSeverity.ERROR)
    ]
    assert evaluations[0].metadata["duplicate_keys"].value == 1
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert AssetKey(["reports", "reads_mart_dup"]) not in materialized


def test_computed_staging_inputs_are_assets_materialised_by_the_run(published):
    """Calendar, run parameters and the indicator catalogue are lineage parents, built with what they held."""
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    assert AssetKey(["reference", "calendar"]) in graph.get(AssetKey(["core", "dim_calendar"])).parent_keys
    assert AssetKey(["parameters", "run"]) in graph.get(AssetKey(["indicators", "ind_ikm_period"])).parent_keys
    assert AssetKey(["reference", "indicator_catalogue"]) in graph.get(AssetKey(["core", "dim_indicator"])).parent_keys
    instance = DagsterInstance.from_config(str(published.parent.parent / "dagster"))

    def metadata(*key):
        return {
            k: v.value
            for k, v in instance.get_latest_materialization_event(
                AssetKey(list(key))
            ).asset_materialization.metadata.items()
        }

    con = duckdb.connect(str(published), read_only=True)
    try:
        days, first, last = con.execute("select count(*), min(day), max(day) from core.dim_calendar").fetchone()
        indicators = con.execute("select count(*) from core.dim_indicator").fetchone()[0]
    finally:
        con.close()
    calendar = metadata("reference", "calendar")
    assert (calendar["dagster/row_count"], calendar["first_day"], calendar["last_day"]) == (days, str(first), str(last))
    assert metadata("parameters", "run")["ikm_weight_mode"] == "exact"
    assert metadata("reference", "indicator_catalogue")["dagster/row_count"] == indicators


def test_a_rebuilt_table_is_checked_again_only_where_it_changed(tmp_path):
    """The grain is counted in the recomputed periods when the version before passed and the grain holds the
    period; over the whole table when the last check failed or the grain does not hold the period."""
    from datetime import date

    from pipelines.incremental import EVERY_DAY, Decision, ensure_state_tables, grain_violations, record

    body = "-- t_day: A daily table.\n-- grain: unit_id, local_date, k\n-- incremental: local_date\nselect 1 as k\n"
    model = _load(_model_file(tmp_path, "core", "t_day", body))
    con = duckdb.connect()
    con.execute("create schema staging")
    con.execute("create schema core")
    ensure_state_tables(con)
    con.execute(
        "create table core.t_day as select 'U1' as unit_id, cast(date '2026-01-01' + cast(d as integer) as date) "
        "as local_date, 1 as k from range(3) as r(d)"
    )
    days = [date(2026, 1, n) for n in (1, 2, 3)]
    full, third = Decision("full", "first build"), Decision("incremental", "one day", (days[2],))

    def rebuilt(decision, changed):
        record(con, model, {}, {}, changed)
        return grain_violations(con, model, decision)

    assert rebuilt(full, EVERY_DAY) == (0, 0)
    # A duplicate on a kept day, not logged as a change: the table is the version checked, so it is not read.
    con.execute("insert into core.t_day values ('U1', date '2026-01-01', 1)")
    assert rebuilt(Decision("unchanged", "nothing"), []) == (0, 0)
    con.execute("delete from core.t_day where local_date = date '2026-01-01'")
    con.execute("insert into core.t_day values ('U1', date '2026-01-01', 1)")
    # The third day recomputed with a duplicate and a NULL key: found, counting that day alone.
    con.execute("insert into core.t_day values ('U1', date '2026-01-03', 1), (null, date '2026-01-03', 2)")
    assert rebuilt(third, [days[2]]) == (1, 1)
    # The version before failed: the next recompute of another day counts the whole table.
    second = Decision("incremental", "one day", (days[1],))
    assert rebuilt(second, [days[1]]) == (1, 1)
    con.execute("delete from core.t_day where local_date = date '2026-01-03' and (k = 2 or unit_id is null)")
    con.execute("delete from core.t_day where local_date = date '2026-01-03'")
    con.execute("insert into core.t_day values ('U1', date '2026-01-03', 1)")
    assert rebuilt(third, [days[2]]) == (0, 0)
    # A grain without the period's column: a key may span periods, so the whole table is counted.
    loose = _load(
        _model_file(tmp_path, "core", "t_loose", body.replace("t_day", "t_loose").replace("local_date, k", "k"))
    )
    con.execute("create table core.t_loose as select unit_id, local_date, day(local_date) as k from core.t_day")
    record(con, loose, {}, {}, EVERY_DAY)
    assert grain_violations(con, loose, full) == (0, 0)
    con.execute("update core.t_loose set k = 1 where local_date = date '2026-01-03'")
    record(con, loose, {}, {}, [days[2]])
    assert grain_violations(con, loose, third) == (1, 0)
