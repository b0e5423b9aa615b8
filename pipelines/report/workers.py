"""The review pack's other processes, started ahead of the pack by `mutu run`.

A spawned process imports the report code for about half a second before it draws its first page. `mutu run` knows
before the warehouse build that it will draw a pack: it starts them then (`start`), they import on the other core
while the warehouse builds, and `render_pack` hands them their share at once (`take`). A run that stops before the
pack lets them go (`release`). A pack drawn without them (`mutu report`, a run of the Dagster daemon) starts its
own, as before.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from pipelines.pools import cpus, spawn, stop

_pool: ProcessPoolExecutor | None = None


def _warm() -> None:
    import pipelines.report.render  # noqa: F401
    import pipelines.report.workbook  # noqa: F401


def start() -> None:
    """Start one process per other CPU, each importing the report code, unless they run already."""
    global _pool
    if _pool is None and cpus() > 1:
        _pool = spawn(cpus() - 1)
        for _ in range(cpus() - 1):  # a task per process: the pool starts one for each
            _pool.submit(_warm)


def take(processes: int) -> ProcessPoolExecutor | None:
    """The started pool when it has `processes` processes (else it is let go, and None)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None and pool._max_workers != processes:  # noqa: SLF001 - the pool's own size
        stop(pool)
        return None
    return pool


def release() -> None:
    """No pack in this run after all: the started processes go."""
    global _pool
    if _pool is not None:
        stop(_pool)  # they hold nothing
        _pool = None
