"""One settings object read from the environment, validated once."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.errors import SettingsError


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
    def dagster_home(self) -> Path:
        return self.home / "dagster"


def pii_key() -> bytes:
    """The pseudonymisation key: MUTU_PII_KEY, or the file named by MUTU_PII_KEY_FILE. Never stored."""
    value = os.environ.get("MUTU_PII_KEY")
    if not value and os.environ.get("MUTU_PII_KEY_FILE"):
        path = Path(os.environ["MUTU_PII_KEY_FILE"])
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"MUTU_PII_KEY_FILE={path} cannot be read ({exc.strerror}); create it or set MUTU_PII_KEY") from exc
    if not value or len(value) < 16:
        raise SettingsError(
            "no personal-data key: set MUTU_PII_KEY (at least 16 characters) or MUTU_PII_KEY_FILE; "
            "`make demo` creates a local key file in data/pii.key"
        )
    return value.encode("utf-8")


def home_from_env() -> Path:
    return Path(os.environ.get("MUTU_HOME", "data")).resolve()


def landing_from_env() -> Path:
    return Path(os.environ.get("MUTU_LANDING", str(home_from_env() / "landing"))).resolve()
