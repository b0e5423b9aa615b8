"""Wall and CPU time per pipeline stage within one process, for the benchmark (`make bench`).

`mutu run` executes its Dagster runs in-process, so one accumulator sees every stage; it is written
to HOME/run_stats.json at the end of the run.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

STAGES = ("parse", "validate", "write", "transform", "publish")
_wall: dict[str, float] = defaultdict(float)
_cpu: dict[str, float] = defaultdict(float)
_rows: dict[str, int] = defaultdict(int)


@contextmanager
def stage(name: str, rows: int = 0):
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        _wall[name] += time.perf_counter() - wall
        _cpu[name] += time.process_time() - cpu
        _rows[name] += rows


def add_rows(name: str, rows: int) -> None:
    _rows[name] += rows


def reset() -> None:
    _wall.clear(), _cpu.clear(), _rows.clear()


def snapshot() -> dict[str, dict[str, float]]:
    return {
        s: {"wall_s": round(_wall[s], 3), "cpu_s": round(_cpu[s], 3), "rows": _rows[s]} for s in STAGES if s in _wall
    }


def write(path: Path, extra: dict) -> None:
    path.write_text(json.dumps({**extra, "stages": snapshot()}, indent=2))
