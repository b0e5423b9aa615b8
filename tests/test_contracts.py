"""Contracts are the single source of truth: they load, fail loudly, and everything derives from them."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from pipelines.contracts import CONTRACTS_DIR, contract, contracts, load_contract
from pipelines.errors import ContractError, ProfileError
from pipelines.profiles import load_profile, profiles
from pipelines.validation import rules_for


def test_one_contract_per_dataset():
    assert set(contracts()) == {"queue_tickets", "survey_responses", "complaints", "units", "services", "targets"}


def test_stored_schema_comes_from_the_contract():
    schema = contract("queue_tickets").stored_schema
    assert schema["issued_at"] == pl.Datetime("us")
    assert schema["priority"] == pl.Boolean
    assert schema["fee_paid_idr"] == pl.Float64
    stored = contract("complaints").stored_schema
    assert "reporter" not in stored and stored["reporter_pseudonym"] == pl.String


def test_suite_rules_come_from_the_contract():
    names = {r.name for r in rules_for(contract("queue_tickets"))}
    assert {
        "not_null:issued_at",
        "in_set:outcome",
        "between:fee_paid_idr",
        "called_not_before_issued",
        "unit_known",
        "unique_key",
    } <= names
    survey = {r.name for r in rules_for(contract("survey_responses"))}
    assert {f"between:u{i}" for i in range(1, 15)} <= survey


def test_dagster_column_schema_matches_stored_columns():
    schema = contract("complaints").table_schema()
    assert [c.name for c in schema.columns] == list(contract("complaints").stored_schema)
    assert all(c.description for c in schema.columns)


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    target = tmp_path / "queue_tickets.odcs.yaml"
    shutil.copy(CONTRACTS_DIR / "queue_tickets.odcs.yaml", target)
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    return target


def test_invalid_logical_type_names_file_and_field(tmp_path):
    path = _broken_copy(tmp_path, "logicalType: timestamp", "logicalType: datetime")
    with pytest.raises(ContractError) as err:
        load_contract(path)
    assert str(path) in str(err.value) and "schema/0/properties" in str(err.value)


def test_both_schema_validators_judge_contracts_alike(tmp_path):
    """jsonschema-rs decides validity, Python's jsonschema says what is wrong: they agree on every shipped contract
    and on broken ones, and a broken one is refused with its field named."""
    from pipelines.config_files import read_yaml
    from pipelines.contracts import _odcs_check, _odcs_validator

    edits = [
        ("logicalType: timestamp", "logicalType: datetime"),
        ("apiVersion: v3.2.0", "apiVersion: 3"),
        ("kind: DataContract", "kind: DataContract\nnotAnOdcsField: 1"),
    ]
    broken = []
    for number, (old, new) in enumerate(edits):
        (tmp_path / str(number)).mkdir()
        broken.append(_broken_copy(tmp_path / str(number), old, new))
    for path in [*sorted(CONTRACTS_DIR.glob("*.odcs.yaml")), *broken]:
        raw = read_yaml(path, "contract", ContractError)
        assert _odcs_check().is_valid(raw) == (next(_odcs_validator().iter_errors(raw), None) is None), path
    for path in broken:
        with pytest.raises(ContractError, match=f"{path}: field "):
            load_contract(path)


def test_unknown_unique_key_column_is_refused(tmp_path):
    path = _broken_copy(tmp_path, "value: [unit_id, ticket_id]", "value: [unit_id, ticket_no]")
    with pytest.raises(ContractError, match="uniqueKey: ticket_no is not a column"):
        load_contract(path)


def test_profiles_load_and_map_onto_contract_columns():
    loaded = profiles()
    assert {
        ("queue", "canonical"),
        ("queue", "antrian_id"),
        ("survey", "canonical"),
        ("survey", "eskm_xlsx"),
        ("complaints", "canonical"),
    } <= set(loaded)
    assert loaded[("queue", "antrian_id")].values["outcome"]["menunggu"] == "abandoned"


def test_profile_mapping_an_unknown_column_names_file_and_field(tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    path = folder / "broken.yaml"
    path.write_text(
        "file: {type: csv}\nfrom_filename: {partition_date: '(\\d{4}-\\d{2}-\\d{2})'}\ncolumns: {ticket_number: No}\n"
    )
    with pytest.raises(ProfileError, match=r"broken.yaml: field columns.ticket_number: not a column"):
        load_profile(path)


def test_profile_timestamp_format_with_an_unknown_directive_names_file_and_field(tmp_path):
    folder = tmp_path / "queue"
    folder.mkdir()
    path = folder / "broken.yaml"
    path.write_text(
        "file: {type: csv}\nfrom_filename: {partition_date: '(\\d{4}-\\d{2}-\\d{2})'}\n"
        "timestamps: {formats: ['%d/%m/%Y %k:%M']}\n"
    )
    with pytest.raises(ProfileError, match=r"broken.yaml: field timestamps.formats: unsupported directive %k"):
        load_profile(path)


def test_status_history_items_are_checked_against_the_contract_enum():
    rule = next(r for r in rules_for(contract("complaints")) if r.name == "in_set:status_history")
    assert rule.check["values"] == [
        "received",
        "verified",
        "forwarded",
        "in_progress",
        "responded",
        "closed",
        "archived",
    ]


def test_not_in_future_rule_comes_from_the_contract_and_uses_the_wit_clock():
    from datetime import timedelta

    from pipelines.validation import _mutu_failure, local_now

    rule = next(r for r in rules_for(contract("queue_tickets")) if r.name == "not_in_future")
    assert rule.check["columns"] == ["issued_at", "called_at", "service_start_at", "service_end_at"]
    wit = local_now(9)
    # A WIB (UTC+7) ticket issued now is in the past on the WIT clock; one an hour after WIT's now is not.
    rows = pl.DataFrame(
        {
            "issued_at": [local_now(7), wit + timedelta(hours=1), None],
            "called_at": [None, None, wit + timedelta(days=400)],
            "service_start_at": [None] * 3,
            "service_end_at": [None] * 3,
        },
        schema={c: pl.Datetime("us") for c in rule.check["columns"]},
    )
    assert _mutu_failure(rule, rows, pl.DataFrame(), pl.DataFrame()).to_list() == [False, True, True]
    history = next(r for r in rules_for(contract("complaints")) if r.name == "not_in_future")
    assert "status_history" in history.check["columns"]
