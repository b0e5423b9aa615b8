"""Fault injection for the crash-safety tests: MUTU_FAILPOINT=<name>[:enospc] makes that point fail.

`name` alone kills the process outright (as SIGKILL or a power cut would); `name:enospc` raises the
error a full disk gives. Unset in production, where every call is a dictionary lookup and nothing else.
"""

from __future__ import annotations

import errno
import os
import signal


def failpoint(name: str) -> None:
    wanted = os.environ.get("MUTU_FAILPOINT")
    if not wanted or wanted.split(":", 1)[0] != name:
        return
    if wanted.endswith(":enospc"):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    os.kill(os.getpid(), signal.SIGKILL)
