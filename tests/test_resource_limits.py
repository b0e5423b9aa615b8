"""A run over a landing zone larger than the memory it is allowed completes (issue 9, resource limits).

`mutu run` runs in a subprocess with MUTU_MEMORY_LIMIT below the landing zone's size, once on a small
landing zone and once on a large one generated the same way. The peak resident memory of each run is
read from the kernel (os.wait4's rusage of that one child). The Python process needs the same memory
for its code in both runs (about 0.6 GB), so the difference between the two peaks is what the data
costs: it must follow the limit, not the landing zone, as it did before (DuckDB's percentiles over the
period x scope fan-out needed 256-512 MB for 42 MB of exports).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.generate import generate_landing

MEMORY_LIMIT = "80MB"
LIMIT_BYTES = 80 * 10**6
OUTSIDE_DUCKDB = 128 * 2**20
# About 98 MB of exports (756 000 queue tickets, 31 000 survey respondents): larger than the limit.
LARGE = {"units": 36, "days": 180, "start": date(2025, 1, 1), "seed": 7, "defects": 0.01}
SMALL = {"units": 3, "days": 10, "start": date(2025, 1, 1), "seed": 7, "defects": 0.01}


def landing_bytes(landing: Path) -> int:
    return sum(p.stat().st_size for p in landing.rglob("*") if p.is_file())


def measured_run(landing: Path, home: Path) -> dict:
    """Run `mutu run` in a fresh process; its exit code, wall time and peak RSS (bytes)."""
    env = {**os.environ, "MUTU_MEMORY_LIMIT": MEMORY_LIMIT}
    env.pop("MUTU_FAILPOINT", None)
    err = home.parent / f"{home.name}.err"
    started = time.monotonic()
    with err.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "run", "--landing", str(landing), "--home", str(home)],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
    return {
        "code": process.returncode,
        "wall_s": round(time.monotonic() - started, 1),
        "peak_rss": usage.ru_maxrss * 1024,
        "stderr": err.read_text()[-2000:],
    }


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("limits")
    out = {}
    for name, spec in (("small", SMALL), ("large", LARGE)):
        landing = root / f"{name}_landing"
        generate_landing(landing, **spec)
        out[name] = {
            **measured_run(landing, root / f"{name}_home"),
            "landing_bytes": landing_bytes(landing),
            "home": root / f"{name}_home",
        }
    figures = {n: {k: v for k, v in r.items() if k not in ("stderr", "home")} for n, r in out.items()}
    print("resource limits:", json.dumps({"memory_limit": MEMORY_LIMIT, **figures}))
    return out


@pytest.mark.slow
def test_a_landing_zone_larger_than_the_memory_limit_is_processed(runs):
    large, small = runs["large"], runs["small"]
    assert small["code"] == 0, small["stderr"]
    assert large["code"] == 0, large["stderr"]
    assert large["landing_bytes"] > LIMIT_BYTES, "the test needs a landing zone larger than the memory limit"
    con = duckdb.connect(str(large["home"] / "warehouse" / "mutu.duckdb"), read_only=True)
    try:
        loaded = con.execute(
            "select sum(rows_loaded) from audit.row_accounting where dataset = 'queue_tickets'"
        ).fetchall()[0][0]
        tickets = con.execute("select count(*) from core.fct_queue_ticket").fetchall()[0][0]
        periods = con.execute(
            "select count(*) from indicators.ind_queue_period where wait_median_minutes is not null"
        ).fetchall()[0][0]
    finally:
        con.close()
    assert tickets == loaded > 700_000
    assert periods > 0


@pytest.mark.slow
def test_memory_for_data_follows_the_limit_not_the_landing_zone(runs):
    large, small = runs["large"], runs["small"]
    growth = large["peak_rss"] - small["peak_rss"]
    # DuckDB's buffer pool up to the limit, plus what lives outside it (one partition's Arrow/Polars frames,
    # a validation batch sized to the limit, query results, allocator caches). Measured: 152 MB for 98 MB of
    # exports at 80MB; without the limit and before the histogram percentiles, 620 MB for 42 MB.
    assert growth < LIMIT_BYTES + OUTSIDE_DUCKDB, (growth, large["landing_bytes"])


@pytest.mark.slow
def test_duckdb_spills_under_the_home(runs):
    assert (runs["large"]["home"] / "build" / "duckdb_tmp").is_dir()
