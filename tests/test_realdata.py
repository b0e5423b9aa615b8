"""The real call-centre log (shared/realdata) loads through its profile with no code change, and its
queue KPIs equal a direct computation from the raw file."""

from __future__ import annotations

import csv
import shutil
import statistics
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import write_bank_reference

# A copy of ../shared/realdata (a public data set, see tests/realdata/README.md), so the test runs in any clone.
REAL = Path(__file__).resolve().parent / "realdata" / "calls_one_day.csv"
STANDARD_MINUTES = 1.0  # answer within one minute, as the test's published standard for every call type


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory):
    from pipelines.orchestration import run_everything

    landing = tmp_path_factory.mktemp("real_landing")
    write_bank_reference(landing, max_wait_minutes=STANDARD_MINUTES)
    target = landing / "queue" / "anonymous_bank_calls"
    target.mkdir(parents=True)
    shutil.copy(REAL, target / REAL.name)
    home = tmp_path_factory.mktemp("real_home")
    run_everything(landing, home)
    con = duckdb.connect(str(home / "warehouse" / "mutu.duckdb"), read_only=True)
    yield con
    con.close()


def _direct():
    """Straight from the raw CSV, with the standard library: no Mutu code."""

    def at(text):
        return None if text == "0:00:00" else datetime.strptime(f"2010-08-01 {text}", "%Y-%m-%d %H:%M:%S")

    rows = [r for r in csv.DictReader(REAL.open()) if r["outcome"] != "PHANTOM"]
    # One AGENT call has no service times at all (0:00:00), and five HANG calls (abandoned) carry
    # service times: the contract quarantines both kinds of contradiction.
    rows = [r for r in rows if not (r["outcome"] == "AGENT" and at(r["ser_start"]) is None)]
    rows = [r for r in rows if not (r["outcome"] == "HANG" and at(r["ser_start"]) is not None)]
    served = [r for r in rows if r["outcome"] == "AGENT"]
    waits = [(at(r["ser_start"]) - at(r["vru_entry"])).total_seconds() / 60 for r in served]
    service = [(at(r["ser_exit"]) - at(r["ser_start"])).total_seconds() / 60 for r in served]
    return {
        "issued": len(rows),
        "served": len(served),
        "abandoned": sum(r["outcome"] == "HANG" for r in rows),
        "wait_mean": statistics.fmean(waits),
        "wait_median": statistics.median(waits),
        "wait_p90": statistics.quantiles(waits, n=10, method="inclusive")[8],
        "service_mean": statistics.fmean(service),
        "sla": sum(w <= STANDARD_MINUTES for w in waits) / len(waits),
    }


def test_real_log_kpis_match_direct_computation(real_warehouse):
    expected = _direct()
    row = real_warehouse.execute(
        "select tickets_issued, tickets_served, tickets_abandoned, wait_mean_minutes, wait_median_minutes, "
        "wait_p90_minutes, service_mean_minutes, sla_share from marts.mart_queue_unit_day"
    ).fetchall()
    assert len(row) == 1
    issued, served, abandoned, mean, median, p90, service, sla = row[0]
    assert (issued, served, abandoned) == (expected["issued"], expected["served"], expected["abandoned"])
    assert mean == pytest.approx(expected["wait_mean"])
    assert median == pytest.approx(expected["wait_median"])
    assert p90 == pytest.approx(expected["wait_p90"])
    assert service == pytest.approx(expected["service_mean"])
    assert sla == pytest.approx(expected["sla"])


def test_real_log_accounting_balances_with_phantoms_excluded(real_warehouse):
    rows_in, loaded, quarantined = real_warehouse.execute(
        "select rows_in, rows_loaded, rows_quarantined from audit.row_accounting where dataset = 'queue_tickets'"
    ).fetchall()[0]
    assert rows_in == 2375 and rows_in == loaded + quarantined
    rules = dict(
        real_warehouse.execute(
            "select r, count(*) from (select unnest(rules) r from audit.quarantine) group by r"
        ).fetchall()
    )
    assert rules == {"profile_excluded": 18, "served_has_service_times": 1, "abandoned_never_called": 5}
    services = {
        r[0] for r in real_warehouse.execute("select distinct service_code from core.fct_queue_ticket").fetchall()
    }
    assert services == {"PS", "PE", "IN", "NE", "NW", "TT"}
