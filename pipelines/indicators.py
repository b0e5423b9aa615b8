"""The indicator catalogue (`indicators.yaml`): each KPI's code, direction, measure and labels in both languages.

Read by the warehouse (`staging.indicator_catalogue`, from which `core.dim_indicator` is built, so the marts'
descriptions and the data dictionary) and by the review pack (its labels), so the two never name a KPI apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl
import yaml

from pipelines.config_files import parse_yaml
from pipelines.errors import ContractError

CATALOGUE = Path(__file__).resolve().parent / "indicators.yaml"
MEASURES = ("share", "minutes", "workdays", "score", "ratio")
SOURCES = ("queue_tickets", "survey_responses", "complaints")
LANGS = ("id", "en")
FIELDS = ("source", "higher_is_better", "measure", "description", "label")


@dataclass(frozen=True)
class Indicator:
    code: str
    source: str
    higher_is_better: bool
    measure: str
    description: str
    label_id: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_id


def _indicator(code: str, entry, path: Path) -> Indicator:
    where = f"{path}: indicator {code!r}"
    if not isinstance(entry, dict):
        raise ContractError(f"{where}: expected a mapping with {', '.join(FIELDS)}")
    missing = [k for k in FIELDS if k not in entry]
    if missing:
        raise ContractError(f"{where}: add {', '.join(missing)}")
    if not isinstance(entry["higher_is_better"], bool):
        raise ContractError(f"{where}: higher_is_better must be true or false")
    if entry["source"] not in SOURCES:
        raise ContractError(f"{where}: source {entry['source']!r} is not one of {', '.join(SOURCES)}")
    if entry["measure"] not in MEASURES:
        raise ContractError(f"{where}: measure {entry['measure']!r} is not one of {', '.join(MEASURES)}")
    label = entry["label"]
    if not isinstance(label, dict) or any(not str(label.get(lang) or "").strip() for lang in LANGS):
        raise ContractError(f"{where}: label needs a text in Bahasa Indonesia (id) and in English (en)")
    return Indicator(
        code,
        entry["source"],
        entry["higher_is_better"],
        entry["measure"],
        str(entry["description"]).strip(),
        str(label["id"]).strip(),
        str(label["en"]).strip(),
    )


def load(path: Path = CATALOGUE) -> dict[str, Indicator]:
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContractError(f"{path}: the indicator catalogue cannot be read ({exc})") from exc
    if not isinstance(raw, dict) or not raw:
        raise ContractError(f"{path}: expected one entry per indicator code")
    return {str(code): _indicator(str(code), entry, path) for code, entry in raw.items()}


@cache
def indicators() -> dict[str, Indicator]:
    """The shipped catalogue, by code."""
    return load()


def frame() -> pl.DataFrame:
    """The catalogue as a table, for the warehouse build (staging.indicator_catalogue)."""
    rows = list(indicators().values())
    return pl.DataFrame(
        {
            "indicator": [i.code for i in rows],
            "source_dataset": [i.source for i in rows],
            "higher_is_better": [i.higher_is_better for i in rows],
            "measure": [i.measure for i in rows],
            "description": [i.description for i in rows],
            "label_id": [i.label_id for i in rows],
            "label_en": [i.label_en for i in rows],
        },
        schema={
            "indicator": pl.String,
            "source_dataset": pl.String,
            "higher_is_better": pl.Boolean,
            "measure": pl.String,
            "description": pl.String,
            "label_id": pl.String,
            "label_en": pl.String,
        },
    )
