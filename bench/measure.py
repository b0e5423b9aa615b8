"""Run one command as a fresh child process and measure it: wall, CPU and peak RSS of that child alone."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Measurement:
    command: list[str]
    exit_code: int
    wall_s: float
    cpu_user_s: float
    cpu_sys_s: float
    max_rss_mb: float
    others_cpu_s: float  # CPU time the rest of the host used meanwhile: other work skews wall times
    host_busy_share: float  # busy CPU time of the whole host / (CPUs x wall)
    log: str  # stdout and stderr of the child, for a failed run's reason

    @property
    def cpu_s(self) -> float:
        return self.cpu_user_s + self.cpu_sys_s

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def as_dict(self) -> dict:
        return {**asdict(self), "cpu_s": round(self.cpu_s, 3)}

    def last_lines(self, count: int = 5) -> str:
        return "\n".join(Path(self.log).read_text(errors="replace").splitlines()[-count:])


def host_busy_seconds() -> float:
    """Busy CPU seconds of the whole host since boot, from /proc/stat (0 where there is none)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # guest time is already inside user


def measure(command: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> Measurement:
    """wait4 on the child gives its own rusage; RUSAGE_CHILDREN would mix in every earlier child."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as sink:
        busy_before, started = host_busy_seconds(), time.perf_counter()
        child = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        busy = host_busy_seconds() - busy_before
    child.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait for a reaped child again
    return Measurement(
        command=[str(part) for part in command],
        exit_code=child.returncode,
        wall_s=round(wall, 3),
        cpu_user_s=round(usage.ru_utime, 3),
        cpu_sys_s=round(usage.ru_stime, 3),
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        others_cpu_s=round(max(busy - usage.ru_utime - usage.ru_stime, 0.0), 1),
        host_busy_share=round(busy / ((os.cpu_count() or 1) * wall), 3) if wall > 0 else 0.0,
        log=str(log),
    )
