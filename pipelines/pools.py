"""Process pools of `mutu run`: Great Expectations' side process and the review pack's processes.

Both are spawned, not forked: the caller (a Dagster step) may hold threads and locks a forked child would inherit.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context


def cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def spawn(processes: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(processes, mp_context=get_context("spawn"))


def _exit_at_once() -> None:
    """In a pool's process: multiprocessing's exit steps (its finalizers give back what the process registered with
    the run's resource tracker), then exit without the interpreter's teardown."""
    import multiprocessing.util

    multiprocessing.util._exit_function()  # noqa: SLF001 - what a process of the pool runs on its way out
    os._exit(0)


def close(pool: ProcessPoolExecutor, wait_s: float = 5.0) -> None:
    """Let an idle pool's processes go without the teardown of their interpreters (0.9 s of CPU for one that loaded
    Great Expectations), and wait for them to be gone (milliseconds): a process left to exit after `mutu` had
    (cli.entry skips the teardown too) could wait for ever on a message the pool's thread never sent."""
    processes = list(pool._processes.values())  # noqa: SLF001 - the pool gives no other handle on them
    try:
        for _ in processes:
            pool.submit(_exit_at_once)
    except BrokenProcessPool:  # one died already
        processes = []
    for process in processes:
        process.join(timeout=wait_s)
    stop(pool)  # whatever is still running


def stop(pool: ProcessPoolExecutor) -> None:
    """Stop the pool's processes now. A pool let go while its process still imports keeps this process from exiting
    until the import ends (a minute, measured, for Great Expectations' side process)."""
    for process in list(pool._processes.values()):  # noqa: SLF001 - the pool gives no other handle on them
        process.terminate()
    pool.shutdown(wait=False, cancel_futures=True)
