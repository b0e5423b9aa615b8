"""Write a file aside, then rename it into place: a reader sees the old file or the new one, never half of one.

The hidden file beside the target (`.<name>.<random>.tmp`) is on the same file system, so the rename is atomic;
a writer killed mid-write leaves only that hidden file, removed here on any error and ignored by every reader.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def file_stamp(path: str | Path) -> str:
    """A file's size and modification time, "size:mtime_ns": what every rewrite of it changes, and how the planners,
    the incremental models and the lake copies know a file is still the one they read."""
    status = os.stat(path)
    return f"{status.st_size}:{status.st_mtime_ns}"


def write_atomically(path: Path, write: Callable[[Path], object], mode: int | None = None) -> Path:
    """Call `write(aside)` to fill a hidden file beside `path`, set its `mode`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        write(aside)
        if mode is not None:
            os.chmod(aside, mode)
        os.replace(aside, path)
    finally:
        aside.unlink(missing_ok=True)
    return path


def write_text_atomically(path: Path, content: str | bytes, mode: int | None = None) -> Path:
    """`content` (text as UTF-8, or bytes) into `path`, written aside and renamed."""
    if isinstance(content, bytes):
        return write_atomically(path, lambda aside: aside.write_bytes(content), mode)
    return write_atomically(path, lambda aside: aside.write_text(content, encoding="utf-8"), mode)
