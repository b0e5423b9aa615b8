"""The spellings survey exports use (S1, SMA/SMK, D3, Laki-laki, ASN, Wiraswasta ...) load as the contract's values.

Files of the three survey profiles are landed in a temporary landing zone and staged through the Dagster
staging assets, as `mutu run` does; the test reads what staging wrote to the lake. A profile value no
spelling matches loads as NULL with a recorded finding (contract onInvalid: set_null); any other broken
rule still quarantines the respondent, with the rule's name.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from pipelines.errors import ContractError, ProfileError
from tests.conftest import ESKM_HEADER, SERVICES, SURVEY_HEADER_2017, TARGETS, UNITS

DAY = "2026-07-15"
ANSWERS = ",".join(["3"] * 9)
CANONICAL_ROWS = [
    # respondent, gender, age, education, occupation, answers
    ("SP-1", "Laki-laki", "34", "S1", "PNS/ASN", ANSWERS),
    ("SP-2", "Perempuan", "29", "SMA/SMK", "Wiraswasta", ANSWERS),
    ("SP-3", " laki - LAKI ", "41", "d3", "Pegawai  Swasta", ANSWERS),
    ("SP-4", "Wanita", "63", "Tidak tamat SD", "Ibu Rumah Tangga", ANSWERS),
    ("SP-5", "Pria", "22", "SMP/MTs", "Mahasiswa", ANSWERS),
    ("SP-6", "L", "38", "Magister", "TNI", ANSWERS),
    # Not a spelling of any value: loaded, the value NULL, the finding recorded.
    ("SP-7", "P", "30", "S4", "Astronaut", ANSWERS),
    ("SP-8", "L", "tiga puluh", "SMA", "Swasta", ANSWERS),
    # An answer out of the 1-4 scale still quarantines the respondent, whatever the profile says.
    ("SP-9", "X", "30", "SMA", "Swasta", "5," + ",".join(["3"] * 8)),
]
EXPECTED_PROFILES = {
    "SP-1": ("L", 34, "D4-S1", "PNS"),
    "SP-2": ("P", 29, "SMA", "Wirausaha"),
    "SP-3": ("L", 41, "D1-D3", "Swasta"),
    "SP-4": ("P", 63, "SD", "Lainnya"),
    "SP-5": ("L", 22, "SMP", "Pelajar/Mahasiswa"),
    "SP-6": ("L", 38, "S2", "TNI/POLRI"),
    "SP-7": ("P", 30, None, None),
    "SP-8": ("L", None, "SMA", "Swasta"),
    # e-SKM XLSX
    "1": ("L", 45, "SMA", "Swasta"),
    "2": ("P", 27, "D1-D3", "PNS"),
    # long-format CSV
    "LG-1": ("P", 24, "D4-S1", "Pelajar/Mahasiswa"),
}
ESKM_ROWS = [
    [1, "15/07/2026 09:00", "KTP", "Laki-laki", 45, "SMA/SMK", "Karyawan Swasta", None, None, *"cccccccdc", None],
    [2, "15/07/2026 09:20", "KTP", "Perempuan", 27, "D3", "ASN", None, None, *"dddcccccc", None],
]


def _eskm_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Responden"
    for row in [ESKM_HEADER, *ESKM_ROWS]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _land(root: Path) -> Path:
    (root / "reference").mkdir(parents=True)
    for name, text in (("units", UNITS), ("services", SERVICES), ("targets", TARGETS)):
        (root / "reference" / f"{name}.csv").write_text(text)
    canonical = root / "survey" / "canonical"
    canonical.mkdir(parents=True)
    lines = [
        f"{rid},{DAY}T10:00:00,U1,KTP,{g},{age},{edu},{occ},{answers},"
        for rid, g, age, edu, occ, answers in CANONICAL_ROWS
    ]
    (canonical / f"survey_U1_{DAY}.csv").write_text("\n".join([SURVEY_HEADER_2017, *lines]) + "\n")
    eskm = root / "survey" / "eskm_xlsx"
    eskm.mkdir(parents=True)
    (eskm / f"eskm_U1_{DAY}.xlsx").write_bytes(_eskm_bytes())
    long = root / "survey" / "skm_long"
    long.mkdir(parents=True)
    head = "id_responden,waktu_isi,kode_unit,layanan,jenis_kelamin,usia,pendidikan,pekerjaan,saran,unsur,jawaban"
    answers = [f"LG-1,15/07/2026 11:00,U1,KTP,PEREMPUAN,24,Sarjana,Mahasiswa,,U{i},c" for i in range(1, 10)]
    (long / f"skm_long_{DAY}.csv").write_text("\n".join([head, *answers]) + "\n")
    return root


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Path:
    from dagster import AssetKey, materialize

    from pipelines.assets.staging import daily_partitions, staging_reference
    from pipelines.definitions import all_assets
    from pipelines.orchestration import QUIET, instance_for
    from pipelines.resources import MutuResource
    from pipelines.settings import Paths

    landing = _land(tmp_path_factory.mktemp("landing"))
    home = tmp_path_factory.mktemp("home")
    instance = instance_for(Paths(home))
    instance.add_dynamic_partitions(daily_partitions.name, [DAY])
    resources = {"mutu": MutuResource(home=str(home), landing=str(landing))}
    run = {"instance": instance, "resources": resources, "run_config": QUIET}
    assert materialize(all_assets, selection=list(staging_reference.keys), **run).success
    survey = AssetKey(["staging", "survey_responses"])
    assert materialize(all_assets, selection=[survey], partition_key=DAY, **run).success
    return Paths(home).lake


def _table(lake: Path, table: str) -> pl.DataFrame:
    from pipelines import lake as lake_files

    return pl.read_parquet(lake_files.partition_path(lake, table, "survey_responses", DAY))


def test_real_spellings_load_as_the_contract_values(lake):
    staged = _table(lake, "staging")
    got = {
        r["respondent_id"]: (r["gender"], r["age"], r["education"], r["occupation"])
        for r in staged.iter_rows(named=True)
    }
    assert got == EXPECTED_PROFILES


def test_every_file_is_accounted_for(lake):
    accounting = {
        r["source_file"]: (r["rows_in"], r["rows_loaded"], r["rows_quarantined"])
        for r in _table(lake, "row_accounting").iter_rows(named=True)
    }
    assert accounting == {
        f"survey/canonical/survey_U1_{DAY}.csv": (9, 8, 1),
        f"survey/eskm_xlsx/eskm_U1_{DAY}.xlsx": (2, 2, 0),
        f"survey/skm_long/skm_long_{DAY}.csv": (1, 1, 0),
    }


def test_a_broken_answer_still_quarantines_the_respondent_with_its_rule(lake):
    quarantine = _table(lake, "quarantine")
    assert [(r["source_row"], r["rules"]) for r in quarantine.iter_rows(named=True)] == [(9, ["between:u1"])]


def test_an_unknown_profile_value_is_recorded_with_the_rule_that_failed(lake):
    results = {r["rule"]: r for r in _table(lake, "validation_results").iter_rows(named=True)}
    # SP-7 (education S4, occupation Astronaut), SP-8 (age 'tiga puluh'), SP-9 (gender X, quarantined for u1 anyway).
    assert (results["in_set:education"]["rows_failed"], results["in_set:education"]["examples"]) == (1, ["S4"])
    assert (results["in_set:occupation"]["rows_failed"], results["in_set:occupation"]["examples"]) == (1, ["Astronaut"])
    assert (results["type:age"]["rows_failed"], results["type:age"]["examples"]) == (1, ["tiga puluh"])
    assert (results["in_set:gender"]["rows_failed"], results["in_set:gender"]["examples"]) == (1, ["X"])
    assert not results["in_set:education"]["success"]
    assert "set to NULL" in results["in_set:education"]["description"]
    assert results["between:u1"]["rows_failed"] == 1 and "set to NULL" not in results["between:u1"]["description"]


# ---- the vocabulary and the contract rule, without a run ---------------------------------------------------


@given(st.lists(st.text(alphabet=st.sampled_from(list("aAbSsDd1-/., \t\u00a0")), max_size=12), max_size=6))
def test_a_column_is_respelled_value_by_value_as_normalise_says(texts):
    from pipelines.vocabularies import normalise, respelled

    spellings = {normalise("S1"): "s1", normalise("d1 - d3"): "d1-d3", normalise("a/b"): "AB"}
    column = pl.Series("v", texts, dtype=pl.String)
    got = pl.DataFrame({"v": column}).select(respelled(pl.col("v"), spellings)).to_series().to_list()
    assert got == [spellings.get(normalise(text), text) for text in texts]


def test_every_enum_value_of_the_profile_columns_is_its_own_spelling():
    from pipelines.contracts import contract
    from pipelines.vocabularies import vocabulary

    spellings = vocabulary("survey_respondent").spellings
    allowed = {c.name: c.allowed for c in contract("survey_responses").columns}
    for column in ("gender", "education", "occupation"):
        assert allowed[column]
        for value in allowed[column]:
            assert spellings[column][value.lower()] == value


def _vocabulary(tmp_path: Path, columns: dict) -> Path:
    path = tmp_path / "v.yaml"
    path.write_text(yaml.safe_dump({"dataset": "survey_responses", "columns": columns}))
    return path


def test_a_spelling_of_two_values_fails_naming_file_and_field(tmp_path):
    from pipelines.vocabularies import load_vocabulary

    path = _vocabulary(tmp_path, {"education": {"SD": ["Dasar"], "SMP": ["dasar "]}})
    with pytest.raises(ProfileError, match=r"v\.yaml: field columns\.education\.SMP: 'dasar ' also spells 'SD'"):
        load_vocabulary(path)


def test_a_value_outside_the_enum_fails(tmp_path):
    from pipelines.vocabularies import load_vocabulary

    with pytest.raises(ProfileError, match=r"field columns\.education\.SLTA: not an allowed value"):
        load_vocabulary(_vocabulary(tmp_path, {"education": {"SLTA": ["SMA"]}}))


def test_a_profile_naming_an_unknown_vocabulary_fails(tmp_path):
    from pipelines.profiles import PROFILES_DIR, load_profile

    text = (PROFILES_DIR / "survey" / "canonical.yaml").read_text().replace("survey_respondent", "no_such_list")
    path = tmp_path / "survey" / "odd.yaml"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(ProfileError, match=r"odd\.yaml: field vocabulary: .*no such vocabulary"):
        load_profile(path)


def test_set_null_on_a_required_column_is_a_contract_error(tmp_path):
    from pipelines.contracts import CONTRACTS_DIR, load_contract

    raw = yaml.safe_load((CONTRACTS_DIR / "survey_responses.odcs.yaml").read_text())
    unit = next(p for p in raw["schema"][0]["properties"] if p["name"] == "unit_id")
    unit["customProperties"] = [{"property": "onInvalid", "value": "set_null"}]
    path = tmp_path / "survey_responses.odcs.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(ContractError, match=r"properties/unit_id/customProperties/onInvalid: a required column"):
        load_contract(path)


def test_the_documented_table_is_the_vocabulary():
    from pipelines.contracts import CONTRACTS_DIR

    listed = yaml.safe_load((CONTRACTS_DIR / "vocabularies" / "survey_respondent.yaml").read_text())["columns"]
    doc = (CONTRACTS_DIR.parent / "docs" / "landing-zone.md").read_text()
    table = doc[doc.index("| column | loads as | from these spellings |") :].split("\n\n")[0].splitlines()[2:]
    documented, column = {}, None
    for line in table:
        cells = [c.strip().strip("`") for c in line.strip("|").split("|")]
        column = cells[0] or column
        documented.setdefault(column, {})[cells[1]] = [w.strip().strip("`") for w in cells[2].split(",")]
    assert documented == listed


def test_the_dagster_check_says_where_a_nulled_value_went():
    from pipelines.assets.staging import _action

    assert _action("survey_responses", {"in_set:education": 1, "type:age": 1}).startswith("age, education: values")
    assert "audit.quarantine" in _action("survey_responses", {"in_set:education": 1, "between:u1": 1})
    assert _action("survey_responses", {}) == "none"
