"""One `mutu run` per home at a time: a second one fails at once with a clear message."""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

from pipelines.errors import MutuError

LOCK_FILE = ".mutu-run.lock"


def _lock(handle) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def exclusive_run(home: Path):
    home.mkdir(parents=True, exist_ok=True)
    handle = (home / LOCK_FILE).open("a+")
    try:
        if not _lock(handle):
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise MutuError(
                f"another mutu run is using {home} (pid {holder}); wait for it to finish, then run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock, also when the process is killed


def held_by_another(home: Path) -> bool:
    """Whether another `mutu run` holds the home now (a probe: the lock is taken and given back at once), so that a
    run that will stop on the lock starts nothing first."""
    path = home / LOCK_FILE
    if not path.exists():
        return False
    with path.open("a+") as handle:
        if not _lock(handle):
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
