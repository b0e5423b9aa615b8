"""Trend and control-chart marts: limits and flags on constructed series computed by hand, and the
generator's known shift (one unit's waits double from the second month) flagged on the real pipeline."""

from __future__ import annotations

import json
import math
import os
import statistics
import time
from datetime import date, timedelta

import duckdb
import pytest

from pipelines.sql_models import models

MODELS = {m.name: m for m in models()}


def _con_with_series(rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for schema in ("core", "indicators", "marts"):
        con.execute(f"create schema {schema}")
    con.execute(
        "create table core.dim_scope as select 'unit' scope_type, 'U1' scope_id, 'Unit one' scope_name, 'U1' unit_id,"
        " null::varchar service_code, 'A' agency, 'P' province"
    )
    con.execute(
        "create table core.dim_indicator as select 'k' indicator, true higher_is_better, 'constructed' description"
    )
    con.execute(
        "create table indicators.ind_kpi_series (grain varchar, period_start date, scope_type varchar, scope_id "
        "varchar, kpi varchar, kpi_label varchar, "
        "value double, successes bigint, sample_size bigint, chart varchar, higher_is_better boolean)"
    )
    con.executemany(
        "insert into indicators.ind_kpi_series values (?, ?, 'unit', 'U1', 'k', null, ?, ?, ?, ?, true)", rows
    )
    con.execute(f"create table marts.mart_kpi_control as {MODELS['mart_kpi_control'].sql}")
    return con


def _weeks(n: int) -> list[date]:
    return [date(2026, 1, 5) + timedelta(weeks=i) for i in range(n)]


def test_individuals_chart_limits_and_beyond_limit_flag():
    values = [10, 12, 11, 13, 12, 11, 10, 12, 11, 30]
    con = _con_with_series([("week", d, v, None, 100, "i_mr") for d, v in zip(_weeks(10), values, strict=False)])
    # I-MR (Montgomery): centre = mean; limits = mean +- 2.66 x mean |x_i - x_(i-1)|
    mean = sum(values) / 10  # 13.2
    mr_bar = sum(abs(a - b) for a, b in zip(values[1:], values, strict=False)) / 9  # (2+1+2+1+1+1+2+1+19)/9 = 30/9
    rows = con.execute(
        "select value, centre_line, ucl, lcl, beyond_limits, signal from marts.mart_kpi_control order by period_start"
    ).fetchall()
    assert rows[0][1] == pytest.approx(mean)
    assert rows[0][2] == pytest.approx(mean + 2.66 * mr_bar)  # 22.067
    assert rows[0][3] == pytest.approx(mean - 2.66 * mr_bar)  # 4.333
    assert [r[4] for r in rows] == [False] * 9 + [True]
    assert rows[-1][5] == "beyond UCL"


def test_run_of_eight_on_one_side_is_flagged_from_the_eighth_point():
    # 4 points well below, then 9 just above the centre: no point beyond the limits, a run of 9 above.
    values = [9.0, 9.8, 9.1, 9.7] + [
        10.6,
        10.3,
        10.8,
        10.3,
        10.7,
        10.3,
        10.6,
        10.3,
        10.7,
    ]  # mean 10.17, limits 8.82..11.52
    con = _con_with_series(
        [("week", d, v, None, 100, "i_mr") for d, v in zip(_weeks(len(values)), values, strict=False)]
    )
    rows = con.execute(
        "select value > centre_line, run_length, beyond_limits, flagged, signal from marts.mart_kpi_control order by "
        "period_start"
    ).fetchall()
    assert not any(r[2] for r in rows)
    assert [r[1] for r in rows[4:]] == [1, 2, 3, 4, 5, 6, 7, 8, 9]
    assert [r[3] for r in rows] == [False] * 11 + [True, True]
    assert rows[11][4] == "run of 8 above the centre line"


def test_p_chart_limits_use_each_periods_sample_size():
    # (successes, sample) per week; pooled p = 1 090 / 1 230.
    # Eight weeks: the fewest mart_kpi_control publishes limits from.
    counts = [(90, 100), (170, 200), (135, 150), (88, 100), (260, 300), (91, 100), (170, 180), (86, 100)]
    con = _con_with_series([("week", d, s / n, s, n, "p") for d, (s, n) in zip(_weeks(8), counts, strict=False)])
    p_bar = sum(s for s, _ in counts) / sum(n for _, n in counts)
    sigma = [math.sqrt(p_bar * (1 - p_bar) / n) for _, n in counts]
    z = [(s / n - p_bar) / sg for (s, n), sg in zip(counts, sigma, strict=False)]
    # Laney p': sigma_z = mean moving range of z / 1.128; below 1 the plain p chart holds.
    sigma_z = statistics.mean(abs(a - b) for a, b in zip(z[1:], z, strict=False)) / 1.128
    rows = con.execute(
        "select centre_line, ucl, lcl, sigma_z, beyond_limits from marts.mart_kpi_control order by period_start"
    ).fetchall()
    assert rows[0][0] == pytest.approx(p_bar)
    assert rows[0][3] == pytest.approx(sigma_z)
    for (_centre, ucl, lcl, _, _), sg in zip(rows, sigma, strict=False):
        assert ucl == pytest.approx(min(1.0, p_bar + 3 * sg * max(sigma_z, 1)))
        assert lcl == pytest.approx(max(0.0, p_bar - 3 * sg * max(sigma_z, 1)))
    # A different sample size gives a different width.
    assert rows[0][1] != pytest.approx(rows[4][1])


@pytest.fixture(scope="module")
def shifted_home(tmp_path_factory):
    from pipelines.cli import main
    from pipelines.generate import generate_landing

    root = tmp_path_factory.mktemp("shift")
    summary = generate_landing(root / "landing", units=6, days=150, start=date(2026, 4, 1), seed=7)
    os.environ.setdefault("MUTU_PII_KEY", "test-key-0123456789abcdef")
    assert main(["run", "--landing", str(root / "landing"), "--home", str(root / "home")]) == 0
    return root / "home" / "warehouse" / "mutu.duckdb", summary


def test_known_shift_is_flagged_and_stable_units_stay_quiet(shifted_home):
    warehouse, summary = shifted_home
    ((shifted, since),) = summary["waits_double_from"].items()
    con = duckdb.connect(str(warehouse), read_only=True)
    after = con.execute(
        "select count(*), count(*) filter (where flagged) from marts.mart_kpi_control "
        "where grain = 'week' and scope_type = 'unit' and kpi = 'queue_wait_mean_minutes' and scope_id = ? and "
        "period_start >= ?",
        [shifted, date.fromisoformat(since) + timedelta(days=7)],
    ).fetchone()
    # Each week after the shift is flagged beyond the UCL or, from the 8th week on, as part of a run above the centre.
    assert after[0] >= 8 and after[1] >= after[0] - 7, after
    stable = con.execute(
        "select count(*), count(*) filter (where flagged) from marts.mart_kpi_control "
        "where grain = 'week' and scope_type = 'unit' and scope_id <> ?",
        [shifted],
    ).fetchone()
    # False alarms per point: rule 1 ~0.27 %, a run of 8 ~0.8 % (2 x 0.5^8); allow 3 %.
    assert stable[1] / stable[0] <= 0.03, stable
    trend = con.execute(
        "select change_mom from marts.mart_kpi_trend_month where scope_id = ? and kpi = 'queue_wait_mean_minutes' "
        "and month_start = ?",
        [shifted, date.fromisoformat(since)],
    ).fetchone()
    assert trend[0] > 0


def test_ikm_interval_contains_the_estimate_and_judges_the_change(shifted_home):
    warehouse, _ = shifted_home
    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute(
        "select ikm_converted, ci_low, ci_high, standard_error, change, change_is_significant, "
        "lag(standard_error) over (partition by scope_id order by period_start) from marts.mart_ikm_confidence_period "
        "where scope_type = 'unit' and period_type = 'month'"
    ).fetchall()
    assert rows
    for ikm, low, high, se, change, significant, previous_se in rows:
        assert low < ikm < high and high - low == pytest.approx(2 * 1.96 * se)
        if change is not None:
            # beyond noise when |change| > 1.96 x sqrt(se^2 + se_previous^2)
            assert significant == (abs(change) > 1.96 * math.sqrt(se**2 + previous_se**2))


def test_bi_surface_is_documented_and_exported(shifted_home):
    warehouse, _ = shifted_home
    con = duckdb.connect(str(warehouse), read_only=True)
    marts = {r[0] for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()}
    listed = {r[0] for r in con.execute("select distinct table_name from marts.data_dictionary").fetchall()}
    assert listed == marts
    assert (
        con.execute(
            "select count(*) from marts.data_dictionary where column_description is null or table_description is null"
        ).fetchone()[0]
        == 0
    )
    exports = warehouse.parent / "marts"
    assert exports.is_symlink()
    assert {p.stem for p in exports.glob("*.parquet")} == marts
    for mart in ("mart_kpi_control", "mart_ikm_period"):
        in_parquet = duckdb.execute(
            "select count(*) from read_parquet(?)", [str(exports / f"{mart}.parquet")]
        ).fetchone()[0]
        assert in_parquet == con.execute(f"select count(*) from marts.{mart}").fetchone()[0]


READER = """
import json, sys, time, duckdb
path, stop = sys.argv[1], sys.argv[2]
import os
seen = {"queries": 0, "errors": [], "incomplete": []}
while not os.path.exists(stop):
    try:
        con = duckdb.connect(path, read_only=True)
        try:
            marts = [
                r[0]
                for r in con.execute("select table_name from duckdb_tables() where schema_name = 'marts'").fetchall()
            ]
            listed = {r[0] for r in con.execute("select distinct table_name from marts.data_dictionary").fetchall()}
            empty = [m for m in marts if con.execute(f'select count(*) from marts."{m}"').fetchone()[0] == 0]
            if set(marts) != listed or empty:
                seen["incomplete"].append({"marts": len(marts), "listed": len(listed), "empty": empty})
            seen["queries"] += 1
        finally:
            con.close()
    except Exception as exc:
        seen["errors"].append(repr(exc))
    time.sleep(0.05)
print(json.dumps(seen))
"""


def test_a_reader_querying_in_a_loop_during_a_run_sees_only_complete_snapshots(shifted_home, tmp_path):
    """BI opens the published file read-only over and over while `mutu run` restates a day and republishes."""
    import subprocess
    import sys

    from pipelines.orchestration import run_everything

    warehouse, summary = shifted_home
    home = warehouse.parent.parent
    landing = home.parent / "landing"
    # A corrected export for a past day: the run restages it and publishes a new snapshot.
    day_file = sorted((landing / "queue").rglob("*.csv"))[0]
    day_file.write_bytes(day_file.read_bytes().rstrip(b"\r\n").rsplit(b"\n", 1)[0] + b"\n")
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(1.0)
        published_before = warehouse.stat().st_ino
        run_everything(landing, home)
        assert warehouse.stat().st_ino != published_before, "the run published a new snapshot"
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    seen = json.loads(out)
    assert seen["errors"] == [] and seen["incomplete"] == []
    assert seen["queries"] >= 10


def test_trend_series_cover_every_headline_kpi(shifted_home):
    warehouse, _ = shifted_home
    con = duckdb.connect(str(warehouse), read_only=True)
    kpis = {
        r[0]
        for r in con.execute("select distinct kpi from marts.mart_kpi_trend_month where scope_type = 'unit'").fetchall()
    }
    assert {f"nrr_u{i}" for i in range(1, 10)} | {
        "ikm_converted",
        "queue_sla_share",
        "queue_wait_mean_minutes",
        "queue_no_show_rate",
        "queue_abandonment_rate",
        "queue_fee_compliance_share",
        "complaint_handled_share",
        "complaint_closed_within_limit_share",
        "complaint_verified_within_limit_share",
        "complaint_workdays_to_close_median",
    } <= kpis
    assert con.execute("select count(*) from marts.mart_kpi_trend_month where kpi_label is null").fetchone()[0] == 0


def test_complaint_funnel_counts_each_stage_of_the_received_cohort(shifted_home):
    warehouse, _ = shifted_home
    con = duckdb.connect(str(warehouse), read_only=True)
    # Stage counts of the unit x month cohort equal a direct count over the core facts.
    by_mart = con.execute(
        "select scope_id, period_start, complaints_received, complaints_verified, complaints_responded, "
        "complaints_closed "
        "from marts.mart_complaint_period where scope_type = 'unit' and period_type = 'month' and "
        "complaints_received > 0 order by all"
    ).fetchall()
    direct = con.execute(
        "select c.unit_id, cast(date_trunc('month', c.received_date) as date), count(*), count(c.workdays_to_verify), "
        "count(d.workdays_to_first_response), count(c.closed_at) "
        "from core.fct_complaint c join core.fct_complaint_deadline d using (complaint_id) group by all order by all"
    ).fetchall()
    assert by_mart == direct
