"""Vocabularies: the spellings exports use for a contract's allowed values, shared by the profiles of a source.

A vocabulary is YAML in `data_contracts/vocabularies/<name>.yaml`: `dataset`, and per column
`canonical value: [spellings]`. Spellings match ignoring case, runs of spaces and spaces around `-`, `/`,
`.` and `,`; the canonical value itself is always accepted. A value no spelling matches stays as landed,
so the contract's rule for the column judges it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.config_files import field_error, read_yaml
from pipelines.contracts import CONTRACTS_DIR, contracts
from pipelines.errors import ProfileError

VOCABULARIES_DIR = CONTRACTS_DIR / "vocabularies"
_AROUND_PUNCTUATION = r"\s*([-/.,])\s*"


def normalise(text: str) -> str:
    """The form spellings are compared in."""
    return re.sub(_AROUND_PUNCTUATION, r"\1", " ".join(text.split()).lower())


@dataclass(frozen=True)
class Vocabulary:
    name: str
    path: Path
    dataset: str
    spellings: dict[str, dict[str, str]]  # column -> {normalised spelling: canonical value}

    def canonical(self, column: str, expr: pl.Expr) -> pl.Expr:
        """The canonical value of each spelling in `expr`; any other value unchanged."""
        return respelled(expr, self.spellings[column])


def respelled(expr: pl.Expr, spellings: dict[str, str]) -> pl.Expr:
    """Each value of `expr` whose normalised form is a key of `spellings` as that key's value; others unchanged."""
    if not spellings:
        return expr

    def respell(values: pl.Series) -> pl.Series:
        # A column holds a few distinct spellings: each is normalised once (normalising every value of a million
        # cost 0.2 s a column).
        found = {}
        for value in values.drop_nulls().unique().to_list():
            canonical = spellings.get(normalise(value), value)
            if canonical != value:
                found[value] = canonical
        return values.replace(found) if found else values

    return expr.map_batches(respell, return_dtype=pl.String)


def spelled_any_case(values: dict[str, str]) -> dict[str, str]:
    """`values` (spelling -> value) keyed by normalised spelling, for `respelled`: a profile's value map and a
    contract's allowed values match in any case and spacing (`Selesai`, `Walk_In`), as vocabularies do."""
    return {normalise(str(spelling)): str(value) for spelling, value in values.items()}


def _fail(path: Path, where: str, what: str) -> ProfileError:
    return field_error(ProfileError, path, where, what)


def load_vocabulary(path: Path) -> Vocabulary:
    raw = read_yaml(path, "vocabulary", ProfileError)
    dataset = raw.get("dataset")
    if dataset not in contracts():
        raise _fail(path, "dataset", f"{dataset!r} is not a contract; expected one of {sorted(contracts())}")
    declared = {c.name: c for c in contracts()[dataset].columns}
    spellings: dict[str, dict[str, str]] = {}
    for column, classes in (raw.get("columns") or {}).items():
        if column not in declared:
            raise _fail(path, f"columns.{column}", f"not a column of contract {dataset}")
        allowed = declared[column].allowed
        if not allowed:
            raise _fail(path, f"columns.{column}", f"contract {dataset} lists no allowed values for it (enum)")
        mapping = {normalise(str(value)): str(value) for value in allowed}
        for canonical, words in (classes or {}).items():
            canonical = str(canonical)
            if canonical not in allowed:
                raise _fail(
                    path,
                    f"columns.{column}.{canonical}",
                    f"not an allowed value of {dataset}.{column}: {', '.join(allowed)}",
                )
            for word in [canonical, *(words or [])]:
                key = normalise(str(word))
                if mapping.get(key, canonical) != canonical:
                    raise _fail(
                        path,
                        f"columns.{column}.{canonical}",
                        f"{word!r} also spells {mapping[key]!r}: a spelling means one value",
                    )
                mapping[key] = canonical
        spellings[column] = mapping
    return Vocabulary(name=path.stem, path=path, dataset=dataset, spellings=spellings)


@cache
def vocabulary(name: str) -> Vocabulary:
    path = VOCABULARIES_DIR / f"{name}.yaml"
    if not path.exists():
        known = sorted(p.stem for p in VOCABULARIES_DIR.glob("*.yaml"))
        raise ProfileError(f"{path}: no such vocabulary; known: {', '.join(known) or 'none'}")
    return load_vocabulary(path)
