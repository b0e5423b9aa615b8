"""The one Dagster resource: where Mutu's home and landing zone are. The PII key stays in the environment."""


from pathlib import Path

from dagster import ConfigurableResource

from pipelines.settings import Paths, pii_key


class MutuResource(ConfigurableResource):
    """Paths and parameters for a run; never holds the PII key (run config is stored in the event log)."""

    home: str
    landing: str
    ikm_weight_mode: str = "exact"

    @property
    def paths(self) -> Paths:
        return Paths(Path(self.home))

    @property
    def landing_dir(self) -> Path:
        return Path(self.landing)

    def pii_key(self) -> bytes:
        return pii_key()
