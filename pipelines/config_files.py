"""Mutu's YAML configuration (contracts, profiles, vocabularies): read as a mapping, every defect naming the file
and the field to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.errors import MutuError

# libyaml's parser where PyYAML was built with it (its wheels are): the same documents, ten times faster, and
# every process reads the contracts, profiles and vocabularies when it loads the definitions.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    return yaml.load(text, Loader=LOADER)


def read_yaml(path: Path, kind: str, error: type[MutuError]) -> dict[str, Any]:
    """The YAML mapping in `path` (empty for an empty file); `error` names the file when it cannot be read."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read {kind} YAML: {exc}") from exc


def field_error(error: type[MutuError], path: Path, where: str, what: str) -> MutuError:
    return error(f"{path}: field {where}: {what}")
