"""What a long `mutu run` is doing: the stage, the partitions staged and the models built of the total.

A live line on a terminal (rewritten in place), plain lines when the output is a file or a pipe. Only `mutu run`
turns it on; the same assets under the Dagster daemon report to the event log instead.
"""

from __future__ import annotations

import sys
from typing import TextIO

_out: TextIO | None = None
_models = {"built": 0, "total": 0}


def start(stream: TextIO | None = None) -> None:
    global _out
    _out = stream or sys.stderr  # the one in place now, not the one at import


def stop() -> None:
    global _out
    if _out is not None and _out.isatty():
        _out.write("\n")
        _out.flush()
    _out = None


def say(text: str) -> None:
    if _out is None:
        return
    if _out.isatty():
        _out.write("\r\033[K" + text[:160])
    else:
        _out.write(text + "\n")
    _out.flush()


def note(text: str) -> None:
    """A line that stays on a terminal too (the live line moves on under it): what a reader must not miss."""
    if _out is None:
        return
    _out.write(("\r\033[K" if _out.isatty() else "") + text + "\n")
    _out.flush()


def expect_models(total: int) -> None:
    _models.update(built=0, total=total)


def model_built(name: str) -> None:
    _models["built"] += 1
    built, total = _models["built"], _models["total"]
    # A log file gets a line per quarter of the models; a terminal sees every one.
    if _out is not None and (_out.isatty() or built == total or built % max(1, total // 4) == 0):
        say(f"warehouse: {built}/{total} models built ({name})")
