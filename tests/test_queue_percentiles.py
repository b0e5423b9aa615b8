"""ind_queue_period reads its exact percentiles from counts rolled up per minute and second (no pass holds every
value of the period x scope fan-out); they must equal DuckDB's quantile_cont over the tickets themselves."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.generate import generate_landing
from pipelines.orchestration import run_everything

# quantile_cont over each scope's tickets of each period, joined the plain way (the day bridge), per measure.
DIRECT = """
with values_in_scope as (
    select b.period_type, b.period_start, b.scope_type, b.scope_id, t.outcome, t.priority, t.wait_minutes,
           t.service_minutes
    from core.fct_queue_ticket as t
    join core.dim_scope_period_day as b on t.unit_id = b.unit_id and t.local_date = b.day
    where b.service_code is null or t.service_code = b.service_code
)
select period_type, period_start, scope_type, scope_id,
       quantile_cont(wait_minutes, 0.5) as wait_median,
       quantile_cont(wait_minutes, 0.9) as wait_p90,
       quantile_cont(service_minutes, 0.5) filter (where outcome = 'served') as service_median,
       quantile_cont(service_minutes, 0.9) filter (where outcome = 'served') as service_p90,
       quantile_cont(wait_minutes, 0.5) filter (where priority) as priority_wait_median,
       quantile_cont(wait_minutes, 0.5) filter (where not priority) as other_wait_median
from values_in_scope
group by all
"""

MODEL = """
select period_type, period_start, scope_type, scope_id, wait_median_minutes, wait_p90_minutes,
       service_median_minutes, service_p90_minutes, priority_wait_median_minutes, other_wait_median_minutes
from indicators.ind_queue_period
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("percentiles")
    generate_landing(root / "landing", units=3, days=45, start=date(2026, 5, 20), seed=5)
    run_everything(root / "landing", root / "home")
    con = duckdb.connect(str(root / "home" / "warehouse" / "mutu.duckdb"), read_only=True)
    yield con
    con.close()


def _by_key(con, sql):
    return {tuple(row[:4]): row[4:] for row in con.execute(sql).fetchall()}


def test_queue_period_percentiles_equal_quantile_cont(warehouse):
    model, direct = _by_key(warehouse, MODEL), _by_key(warehouse, DIRECT)
    assert {key[0] for key in model} >= {"month", "quarter", "year"}
    assert {key[2] for key in model} >= {"unit", "service", "agency", "province"}
    # Every period and scope with called tickets has its percentiles, and each is quantile_cont's to the bit
    # (both interpolate between the same two whole seconds / 60).
    assert model.keys() >= direct.keys()
    for key, expected in direct.items():
        assert model[key] == pytest.approx(expected, rel=1e-12, abs=1e-12), key
