"""Process pools of `mutu run`: Great Expectations' side process and the review pack's processes.

Both are spawned, not forked: the caller (a Dagster step) may hold threads and locks a forked child would inherit.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def spawn(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(processes, mp_context=get_context("spawn"))


def stop(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's processes now. A pool let go while its process still imports keeps this process from exiting
    until the import ends (a minute, measured, for Great Expectations' side process)."""
    for process in list(pool._processes.values()):  # noqa: SLF001 - the pool gives no other handle on them
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
