"""Data contracts (ODCS v3 YAML in `data_contracts/`): the single source of truth for every dataset.

Parsers cast to `Contract.stored_schema`, validation builds its suite from `Contract.rules`,
Dagster reads `Contract.table_schema` and the warehouse its column comments from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import polars as pl
from open_data_contract_standard.model import OpenDataContractStandard
from pydantic import ValidationError

from pipelines.config_files import field_error, read_yaml
from pipelines.errors import ContractError

CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "data_contracts"

POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("us"),
}
STATUS_CHANGE = pl.Struct({"status": pl.String(), "at": pl.Datetime("us")})
# What a value that breaks its column's rules does to its row (customProperty onInvalid): the row is
# quarantined, or, for an optional column that does not decide what the row means, the value is set to NULL,
# the row is loaded and the rule records the finding.
ON_INVALID = ("quarantine", "set_null")


@dataclass(frozen=True)
class Column:
    name: str
    logical_type: str
    required: bool
    unique: bool
    description: str
    allowed: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None
    max_length: int | None = None
    pii: str | None = None  # "pseudonymise" | "scrub" | None
    stored_as: str | None = None
    derived: bool = False
    item_allowed: tuple[Any, ...] | None = None  # for arrays of status changes
    on_invalid: str = "quarantine"  # one of ON_INVALID

    @property
    def polars_type(self) -> pl.DataType:
        if self.logical_type == "array":
            return pl.List(STATUS_CHANGE)
        if self.logical_type == "object":
            return pl.String()  # personal-data objects are replaced before storage
        return POLARS_TYPES[self.logical_type]


@dataclass(frozen=True)
class Rule:
    """A dataset-level quality rule; `engine` is great_expectations or mutu (checks needing joins)."""

    name: str
    description: str
    engine: str
    implementation: dict[str, Any]


@dataclass(frozen=True)
class Contract:
    name: str
    path: Path
    table: str
    description: str
    owners: tuple[str, ...]
    columns: tuple[Column, ...]
    rules: tuple[Rule, ...]
    unique_key: tuple[str, ...]
    partition_column: str | None
    version: str
    # The column that orders versions of one record (a timestamp, or a list of changes with their `at`): of two
    # exports holding the same key, the later version is kept and the earlier quarantined as `superseded`.
    versioned_by: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def landed_columns(self) -> list[Column]:
        """Columns a source file is expected to deliver (not derived by Mutu)."""
        return [c for c in self.columns if not c.derived]

    @property
    def stored_columns(self) -> list[tuple[str, pl.DataType, str]]:
        """(name, type, description) of what staging stores: personal objects become pseudonyms."""
        out = []
        for c in self.columns:
            if c.pii == "pseudonymise":
                out.append(
                    (c.stored_as or f"{c.name}_pseudonym", pl.String(), f"Keyed pseudonym (HMAC-SHA256) of {c.name}.")
                )
            else:
                out.append((c.name, c.polars_type, c.description))
        return out

    @property
    def stored_schema(self) -> pl.Schema:
        return pl.Schema({n: t for n, t, _ in self.stored_columns})

    def table_schema(self):
        """Dagster column schema of the stored dataset."""
        from dagster import TableColumn, TableColumnConstraints, TableSchema

        cols = []
        for name, dtype, desc in self.stored_columns:
            src = next((c for c in self.columns if c.name == name), None)
            constraints = None
            if src is not None:
                other = []
                if src.allowed:
                    other.append("one of " + ", ".join(map(str, src.allowed)))
                if src.minimum is not None or src.maximum is not None:
                    other.append(f"between {src.minimum} and {src.maximum}")
                constraints = TableColumnConstraints(nullable=not src.required, unique=src.unique, other=other)
            cols.append(TableColumn(name=name, type=str(dtype), description=desc, constraints=constraints))
        return TableSchema(columns=cols)


def _custom(props: list | None) -> dict[str, Any]:
    return {p.property: p.value for p in (props or [])}


def _column(prop) -> Column:
    opts = prop.logicalTypeOptions or {}
    custom = _custom(prop.customProperties)
    item_allowed = None
    if prop.logicalType == "array" and prop.items is not None:
        status = next((p for p in (prop.items.properties or []) if p.name == "status"), None)
        if status is not None and status.enum:
            item_allowed = tuple(e.value for e in status.enum)
    return Column(
        name=prop.name,
        logical_type=prop.logicalType,
        required=bool(prop.required),
        unique=bool(prop.unique),
        description=(prop.description or "").strip(),
        allowed=tuple(e.value for e in prop.enum) if prop.enum else None,
        minimum=opts.get("minimum"),
        maximum=opts.get("maximum"),
        pattern=opts.get("pattern"),
        max_length=opts.get("maxLength"),
        pii=custom.get("pii"),
        stored_as=custom.get("storedAs"),
        derived=bool(custom.get("derived", False)),
        item_allowed=item_allowed,
        on_invalid=str(custom.get("onInvalid", "quarantine")),
    )


@cache
def _odcs_schema() -> dict:
    return json.loads(resources.files("open_data_contract_standard").joinpath("schema.json").read_text())


@cache
def _odcs_check() -> jsonschema_rs.Validator:
    """Whether a contract is valid, by jsonschema-rs: 1 ms for the six contracts where the Python validator takes
    130 ms (its `unevaluatedProperties` walk), in every process that loads them."""
    return jsonschema_rs.validator_for(_odcs_schema())


@cache
def _odcs_validator() -> jsonschema.protocols.Validator:
    """The Python validator, for what is wrong with an invalid contract (`best_match`, the error jsonschema.validate
    raises). Built once: `jsonschema.validate` would first check the schema itself against its meta-schema on every
    call (0.37 s a contract)."""
    schema = _odcs_schema()
    return jsonschema.validators.validator_for(schema)(schema)


def load_contract(path: Path) -> Contract:
    """Parse and validate one contract; any defect names the file and the field."""
    raw = read_yaml(path, "contract", ContractError)
    error = (
        None if _odcs_check().is_valid(raw) else jsonschema.exceptions.best_match(_odcs_validator().iter_errors(raw))
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ContractError(f"{path}: field {where}: {error.message}")
    try:
        odcs = OpenDataContractStandard.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = "/".join(str(p) for p in first["loc"])
        raise ContractError(f"{path}: field {where}: {first['msg']}") from exc
    if not odcs.schema_ or len(odcs.schema_) != 1:
        raise ContractError(f"{path}: field schema: a Mutu contract describes exactly one dataset")
    obj = odcs.schema_[0]
    columns = tuple(_column(p) for p in obj.properties or [])
    for col in columns:
        if col.logical_type not in POLARS_TYPES and col.logical_type not in ("array", "object"):
            raise ContractError(
                f"{path}: field schema/0/properties/{col.name}/logicalType: unsupported {col.logical_type!r}"
            )
        where = f"schema/0/properties/{col.name}/customProperties/onInvalid"
        if col.on_invalid not in ON_INVALID:
            raise field_error(ContractError, path, where, f"{col.on_invalid!r} is not one of {', '.join(ON_INVALID)}")
        if col.on_invalid == "set_null" and col.required:
            raise field_error(ContractError, path, where, "a required column cannot be set to NULL; use quarantine")
    rules = []
    for q in obj.quality or []:
        if (
            q.type != "custom"
            or q.engine not in ("great_expectations", "mutu")
            or not isinstance(q.implementation, dict)
        ):
            raise field_error(
                ContractError,
                path,
                f"schema/0/quality/{q.name}",
                "expected type custom, engine great_expectations or mutu, and an implementation mapping",
            )
        rules.append(
            Rule(name=q.name, description=q.description or q.name, engine=q.engine, implementation=q.implementation)
        )
    custom = _custom(odcs.customProperties)
    owners = tuple(m.username for m in (odcs.team.members if odcs.team and odcs.team.members else []))
    unique_key = tuple(custom.get("uniqueKey") or ())
    for name in unique_key:
        if name not in {c.name for c in columns}:
            raise ContractError(f"{path}: field customProperties/uniqueKey: {name} is not a column")
    versioned_by = custom.get("versionedBy")
    if versioned_by is not None and versioned_by not in {c.name for c in columns}:
        raise ContractError(f"{path}: field customProperties/versionedBy: {versioned_by} is not a column")
    return Contract(
        name=odcs.name,
        path=path,
        table=obj.physicalName or obj.name,
        description=(obj.description or "").strip(),
        owners=owners,
        columns=columns,
        rules=tuple(rules),
        unique_key=unique_key,
        partition_column=custom.get("partitionColumn"),
        version=odcs.version,
        versioned_by=versioned_by,
    )


@cache
def contracts(directory: Path = CONTRACTS_DIR) -> dict[str, Contract]:
    """Every contract in the folder, by dataset name; loading fails loudly on the first bad one."""
    found = {}
    for path in sorted(directory.glob("*.odcs.yaml")):
        contract = load_contract(path)
        found[contract.name] = contract
    if not found:
        raise ContractError(f"{directory}: no *.odcs.yaml data contracts found")
    return found


def contract(name: str) -> Contract:
    return contracts()[name]
