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


# multiprocessing's resource tracker (a process started with the first pool) names at exit the semaphores it was
# told of and not told were gone. A pool's process and this one both tell it (each process's exit steps give back
# what it registered), and their messages can cross: CI runs (and 1 in 16 runs of the exit test's script under load)
# printed "leaked semaphore" for a name already removed (the tracker's own unlink then failed: "No such file"). The
# tracker still removes whatever is left; only its warning is silenced, in its process, through the environment
# it starts with.
QUIET_TRACKER = "ignore:resource_tracker:UserWarning"


def _quiet_resource_tracker() -> None:
    filters = [f for f in os.environ.get("PYTHONWARNINGS", "").split(",") if f]
    if QUIET_TRACKER not in filters:
        os.environ["PYTHONWARNINGS"] = ",".join([*filters, QUIET_TRACKER])


def spawn(processes: int) -> ProcessPoolExecutor:
    _quiet_resource_tracker()
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
    until the import ends (a minute, measured, for Great Expectations' side process). Killed, not terminated: a
    process started where SIGTERM is ignored (a background job of some shells, some supervisors) inherits that, and
    `mutu` then waited at exit, for ever, on a side process that had ignored its SIGTERM (a fresh-clone CI run, whose
    healing run released Great Expectations' side process while it still imported). They hold nothing to clean up."""
    for process in list(pool._processes.values()):  # noqa: SLF001 - the pool gives no other handle on them
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)
