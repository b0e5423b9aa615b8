"""The one Dagster resource: where Mutu's home and landing zone are. The PII key stays in the environment."""

from pathlib import Path

from dagster import ConfigurableResource
from pydantic import field_validator

from pipelines.settings import Paths, home_from_env, ikm_weight_mode, landing_from_env, pii_key, weight_mode_problem


class MutuResource(ConfigurableResource):
    """Paths and parameters for a run; never holds the PII key (run config is stored in the event log)."""

    home: str
    landing: str
    ikm_weight_mode: str = "exact"

    @field_validator("ikm_weight_mode")
    @classmethod
    def _known_weight_mode(cls, value: str) -> str:
        # Run config and code alike: an unknown mode stops here, never reaches the SQL.
        problem = weight_mode_problem(value)
        if problem:
            raise ValueError(f"ikm_weight_mode: {problem}")
        return value

    @classmethod
    def from_env(cls) -> "MutuResource":
        """The resource `dagster dev` uses: MUTU_HOME, MUTU_LANDING and MUTU_IKM_WEIGHT_MODE, validated."""
        return cls(home=str(home_from_env()), landing=str(landing_from_env()), ikm_weight_mode=ikm_weight_mode())

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.home))

    @property
    def landing_dir(self) -> Path:
        return Path(self.landing)

    def pii_key(self) -> bytes:
        return pii_key()
