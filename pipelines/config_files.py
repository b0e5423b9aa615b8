"""Mutu's YAML configuration (contracts, profiles, vocabularies): read as a mapping, every defect naming the file
and the field to fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.errors import MutuError


def read_yaml(path: Path, kind: str, error: type[MutuError]) -> dict[str, Any]:
    """The YAML mapping in `path` (empty for an empty file); `error` names the file when it cannot be read."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise error(f"{path}: cannot read {kind} YAML: {exc}") from exc


def field_error(error: type[MutuError], path: Path, where: str, what: str) -> MutuError:
    return error(f"{path}: field {where}: {what}")
