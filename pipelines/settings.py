"""One settings object read from the environment, validated once."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import LandingError, SettingsError


@dataclass(frozen=True)
class Paths:
    """Where Mutu keeps its state under MUTU_HOME."""

    home: Path

    @property
    def lake(self) -> Path:
        return self.home / "lake"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def warehouse(self) -> Path:
        return self.warehouse_dir / "mutu.duckdb"

    @property
    def build_dir(self) -> Path:
        # Private to the pipeline: BI never opens anything here, so building never meets a reader.
        return self.home / "build"

    @property
    def cache(self) -> Path:
        # What a run can derive again (charts, lineage, the SQL models' dependencies): never needed, only faster.
        return self.home / "cache"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    @property
    def spill_dir(self) -> Path:
        # DuckDB's spill files; its default for an in-memory database is ./.tmp, outside the home.
        return self.build_dir / "duckdb_tmp"


def require_runnable(landing: Path) -> None:
    """What a run needs before it starts: the landing zone and the personal-data key (`mutu run` checks them before
    its imports, to know the run will stage; `run_everything` before it locks the home)."""
    if not landing.is_dir():
        raise LandingError(
            f"landing zone {landing} does not exist; run `mutu generate --out {landing}` "
            "or point --landing at the exports"
        )
    pii_key()


def pii_key() -> bytes:
    """The pseudonymisation key: MUTU_PII_KEY, or the file named by MUTU_PII_KEY_FILE. Never stored."""
    value = os.environ.get("MUTU_PII_KEY")
    if not value and os.environ.get("MUTU_PII_KEY_FILE"):
        path = Path(os.environ["MUTU_PII_KEY_FILE"])
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(
                f"MUTU_PII_KEY_FILE={path} cannot be read ({exc.strerror}); create it or set MUTU_PII_KEY"
            ) from exc
    if not value or len(value) < 16:
        raise SettingsError(
            "no personal-data key: set MUTU_PII_KEY (at least 16 characters) or MUTU_PII_KEY_FILE; "
            "`make demo` creates a local key file in data/pii.key"
        )
    return value.encode("utf-8")


IKM_WEIGHT_MODES = ("exact", "three_decimals", "two_decimals")


def weight_mode_problem(value: str) -> str | None:
    """Why `value` is not an IKM weight mode, or None when it is one."""
    if value in IKM_WEIGHT_MODES:
        return None
    return f"{value!r} is not an IKM weight mode; use one of {', '.join(IKM_WEIGHT_MODES)}"


def ikm_weight_mode(value: str | None = None) -> str:
    """The IKM weight mode: `value` (the --ikm-weight-mode flag) or MUTU_IKM_WEIGHT_MODE, default exact.

    A typo must stop the run: any other word once fell through to the SQL's last branch and weighted 1/14.
    """
    source = "--ikm-weight-mode" if value is not None else "MUTU_IKM_WEIGHT_MODE"
    mode = value if value is not None else os.environ.get("MUTU_IKM_WEIGHT_MODE", "exact")
    problem = weight_mode_problem(mode)
    if problem:
        raise SettingsError(f"{source}: {problem}")
    return mode


DEFAULT_AUTO_CLOSE_WORKDAYS = 10


def complaint_auto_close_workdays() -> int | None:
    """MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS: working days after the unit's response without the reporter's reply before a
    complaint left at `responded` counts as closed (default 10; 0 = never, such complaints stay open).

    Mutu's own rule, not a regulation's: SP4N-LAPOR! closes a report on the reporter's confirmation, and exports show
    many stopping at `responded`; without a rule they stay open forever.
    """
    text = os.environ.get("MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS", "").strip()
    if not text:
        return DEFAULT_AUTO_CLOSE_WORKDAYS
    if not text.isdigit():
        raise SettingsError(
            f"MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS={text!r} is not a whole number of working days; "
            "write e.g. 10, or 0 to never close automatically"
        )
    return int(text) or None


def home_from_env() -> Path:
    return Path(os.environ.get("MUTU_HOME", "data")).resolve()


def landing_from_env() -> Path:
    return Path(os.environ.get("MUTU_LANDING", str(home_from_env() / "landing"))).resolve()


_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}
MIN_MEMORY_LIMIT = 32 * 2**20  # below this DuckDB cannot hold the blocks of one operator
# DuckDB's own default is 80 % of RAM, so a warehouse build used memory in proportion to history (M3 2.0x M).
# A fixed limit makes it spill instead: memory stays flat as years accumulate. 768 MiB, not 2 GiB: only
# ind_queue_period's histogram reaches it at M (a year of 50 units), which then spills (13.2 s -> 16.4 s for that
# model); DuckDB holds about 0.3 GB beyond its limit and the process about 0.55 GB of code and state, so the
# run's peak stays under 1.5 GB (2.28 GB with 2 GiB, 1.66 GB with 1 GiB).
DEFAULT_DUCKDB_MEMORY = 768 * 2**20


def memory_limit() -> int | None:
    """MUTU_MEMORY_LIMIT in bytes ("512MB", "2GiB", "1.5GB", "800000000"): the memory a run may use for data.

    DuckDB gets it as its memory_limit (spilling to HOME/build/duckdb_tmp beyond it) and staging sizes its
    validation batches to it. The Python process needs about 0.6 GB for its code on top. Unset: DuckDB gets
    DEFAULT_DUCKDB_MEMORY and batches are of the default size.
    """
    text = os.environ.get("MUTU_MEMORY_LIMIT", "").strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]*)", text)
    if not match or match.group(2).lower() not in _UNITS:
        raise SettingsError(f"MUTU_MEMORY_LIMIT={text!r} is not a size; write it as 512MB, 2GB or 1GiB")
    limit = int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    if limit < MIN_MEMORY_LIMIT:
        raise SettingsError(f"MUTU_MEMORY_LIMIT={text!r} is below the minimum of 32MiB")
    return limit


def default_duckdb_memory() -> int:
    """DEFAULT_DUCKDB_MEMORY, or DuckDB's own 80 % of RAM on a machine smaller than that."""
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return DEFAULT_DUCKDB_MEMORY
    return min(DEFAULT_DUCKDB_MEMORY, int(ram * 0.8))


def duckdb_config(paths: Paths) -> dict[str, str]:
    """Configuration for every DuckDB connection Mutu opens: spill under the home, within the memory limit."""
    paths.spill_dir.mkdir(parents=True, exist_ok=True)
    config = {"temp_directory": str(paths.spill_dir)}
    limit = memory_limit()
    config["memory_limit"] = f"{limit if limit is not None else default_duckdb_memory()}B"
    return config
