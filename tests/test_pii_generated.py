"""Personal data in a generated landing zone, in every place the generator puts it, never leaves ingestion."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines.generate import generate_landing
from pipelines.generate.complaints import PERSONAL_TAILS, STAFF_SENTENCES
from pipelines.generate.survey import OTHER_PERSON_SENTENCES, PERSONAL_SUGGESTIONS
from tests.pii_search import find_personal_values


def _template_regex(template: str, anchored: bool = True) -> re.Pattern:
    pattern = re.escape(template)
    # Generated names are capitalised words ("Ni Luh Ariani", "Andi Daeng Ngalle"): take them all, greedily.
    person = r"[A-Z][\w']*(?: [A-Z][\w']*)*"
    for field, value in (
        ("name", f"(?P<name>{person})"),
        ("other", f"(?P<other>{person})"),
        ("phone", r"(?P<phone>[+\d][\d \-]+\d)"),
        ("email", r"(?P<email>\S+@\S+?)"),
        ("nik", r"(?P<nik>\d{16})"),
    ):
        pattern = pattern.replace(re.escape("{" + field + "}"), value, 1)
    return re.compile("^" + pattern + "$" if anchored else pattern)


def _free_text_values(text: str, whole: list[re.Pattern], parts: list[re.Pattern]) -> set[str]:
    """The personal values the generator's phrases wrote into a suggestion or description."""
    values = set()
    for pattern in whole:
        match = pattern.match(text)
        if match:
            values |= {v.strip() for v in match.groupdict().values() if v}
    for pattern in parts:
        for match in pattern.finditer(text):
            values |= {v.strip() for v in match.groupdict().values() if v}
    return values


def harvest(landing: Path) -> set[str]:
    """Every personal value the landing zone holds, read the way an auditor would."""
    values: set[str] = set()
    for path in (landing / "complaints").rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                reporter = json.loads(line).get("reporter") or {}
            except json.JSONDecodeError:
                continue
            values |= {str(v) for v in reporter.values() if v}
    for path in (landing / "survey").rglob("*.xlsx"):
        try:
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Responden").to_python()
        except Exception:
            continue  # the generator's deliberately broken workbook
        header = rows[0]
        for row in rows[1:]:
            record = dict(zip(header, row, strict=False))
            values |= {str(record[c]) for c in ("Nama", "No WhatsApp") if record.get(c)}
    # Names written only in free text (staff, relatives, neighbours) are in no identity field: read the phrases.
    suggestions = [_template_regex(t.strip(), anchored=False) for t in PERSONAL_SUGGESTIONS + OTHER_PERSON_SENTENCES]
    for path in (landing / "survey").rglob("*.csv"):
        try:
            rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
        except (UnicodeDecodeError, csv.Error):
            continue  # the generator's deliberately broken files
        for row in rows:
            values |= _free_text_values(row.get("suggestion") or "", [], suggestions)
    tails = [_template_regex(t.strip(), anchored=False) for t in PERSONAL_TAILS + STAFF_SENTENCES]
    for path in (landing / "complaints").rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                description = json.loads(line).get("description") or ""
            except (json.JSONDecodeError, AttributeError):
                continue
            values |= _free_text_values(str(description), [], tails)
    # Phone numbers also in their national form (0812...) whatever way they were written.
    values |= {"0" + re.sub(r"\D", "", v)[2:] for v in values if re.sub(r"\D", "", v).startswith("628")}
    return {v for v in values if len(v) >= 6}


# Issue 14's example: a suggestion naming its writer only in the text, once loaded and once quarantined.
EXAMPLE_NAME, EXAMPLE_PHONE, EXAMPLE_NIK = "Budi Santoso Wiryawan", "081387654321", "3273014509870001"
EXAMPLE = f"Petugas ramah. WA saya {EXAMPLE_PHONE}, {EXAMPLE_NAME}, NIK {EXAMPLE_NIK}"


def _add_the_issue_example(landing: Path) -> None:
    for path in sorted((landing / "survey" / "canonical").glob("survey_*.csv")):
        if not re.fullmatch(r"survey_[A-Z0-9\-]+_\d{4}-\d{2}-\d{2}\.csv", path.name):
            continue  # the generator's misnamed files
        try:
            rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
        except (UnicodeDecodeError, csv.Error):
            continue
        valid = [r for r in rows if r.get("respondent_id") and r.get("u1") in {"1", "2", "3", "4"}]
        if valid and "suggestion" in rows[0]:
            break
    valid = valid[0]
    loaded = {**valid, "respondent_id": "PII-EXAMPLE-1", "suggestion": EXAMPLE}
    quarantined = {**valid, "respondent_id": "PII-EXAMPLE-2", "suggestion": EXAMPLE, "u1": "7"}  # answers are 1-4
    text = path.read_text(encoding="utf-8")
    with path.open("a", encoding="utf-8", newline="") as out:
        out.write("" if text.endswith("\n") else "\n")
        csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n").writerows([loaded, quarantined])


@pytest.fixture(scope="module")
def generated_run(tmp_path_factory):
    from pipelines.orchestration import run_everything

    landing = tmp_path_factory.mktemp("gen_landing")
    generate_landing(landing, units=3, days=12, start=date(2026, 8, 3), seed=11, defects=0.02)
    _add_the_issue_example(landing)
    home = tmp_path_factory.mktemp("gen_home")
    run_everything(landing, home)
    return landing, home


def test_harvest_finds_personal_data_in_every_kind_of_place(generated_run):
    landing, _ = generated_run
    values = harvest(landing)
    assert any("@" in v for v in values)
    assert any(re.fullmatch(r"\d{16}", v) for v in values)
    assert any(v.startswith("08") for v in values)
    assert sum(" " in v and not any(ch.isdigit() for ch in v) for v in values) > 10  # full names


def test_harvest_finds_names_written_only_in_free_text(generated_run):
    """Staff, relatives and neighbours named in suggestions and descriptions: no identity field holds them."""
    landing, _ = generated_run
    identities = set()
    for path in (landing / "complaints").rglob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                identities |= {str(v) for v in (json.loads(line).get("reporter") or {}).values() if v}
            except (json.JSONDecodeError, AttributeError):
                continue
    only_in_text = {v for v in harvest(landing) - identities if " " in v and not any(ch.isdigit() for ch in v)}
    assert len(only_in_text) > 10, sorted(only_in_text)


def test_the_issue_example_is_stored_and_quarantined_without_its_name(generated_run):
    import duckdb

    _, home = generated_run
    con = duckdb.connect(str(home / "warehouse" / "mutu.duckdb"), read_only=True)
    try:
        stored = con.execute(
            "select suggestion from core.fct_survey_response where respondent_id = 'PII-EXAMPLE-1'"
        ).fetchall()
        evidence = con.execute("select raw_json from audit.quarantine where raw_json like '%PII-EXAMPLE-2%'").fetchall()
    finally:
        con.close()
    assert stored == [("Petugas ramah. WA saya [telepon], [nama], NIK [nik]",)]
    assert len(evidence) == 1 and "[nama]" in evidence[0][0]
    assert find_personal_values(home, [EXAMPLE_NAME, EXAMPLE_PHONE, EXAMPLE_NIK, "Wiryawan"]) == {}


def test_no_generated_personal_value_is_stored(generated_run):
    landing, home = generated_run
    assert find_personal_values(home, sorted(harvest(landing))) == {}


def test_the_search_reads_every_format_mutu_writes(tmp_path):
    """Guard against a search that passes vacuously: each format hides a value from a plain byte search."""
    import gzip
    import sqlite3

    import duckdb
    import polars as pl
    from openpyxl import Workbook

    values = {
        f: f"Personal{f.title()}Value0812{i}"
        for i, f in enumerate(("parquet", "duckdb", "xlsx", "gzip", "sqlite", "html", "nosuffix"))
    }
    nested = tmp_path / "warehouse" / "exports" / "deep"
    nested.mkdir(parents=True)
    pl.DataFrame({"note": [values["parquet"]] * 1000}).write_parquet(nested / "export.parquet", compression="zstd")
    con = duckdb.connect(str(tmp_path / "x.duckdb"))
    con.execute('create schema "we""ird"; create table "we""ird".t as select ? as v', [values["duckdb"]])
    con.close()
    reports = tmp_path / "reports" / "2026-Q3"
    reports.mkdir(parents=True)
    book = Workbook()
    book.active["A1"] = values["xlsx"]
    book.save(reports / "review.xlsx")
    (tmp_path / "logs.gz").write_bytes(gzip.compress(values["gzip"].encode()))
    (tmp_path / "dagster").mkdir()
    db = sqlite3.connect(tmp_path / "dagster" / "runs.db")
    db.execute("create table event_logs (event text)")
    db.execute(
        "insert into event_logs values (?)", ["x" * 9000 + values["sqlite"] + "y" * 9000]
    )  # spans overflow pages
    db.commit()
    db.close()
    (reports / "review.html").write_text("<p>" + "".join(f"&#{ord(c)};" for c in values["html"]) + "</p>")
    (tmp_path / "run-metadata").write_text(values["nosuffix"])
    found = find_personal_values(tmp_path, list(values.values()))
    assert set(found) == set(values.values()), sorted(set(values.values()) - set(found))
    assert found[values["xlsx"]] == ["reports/2026-Q3/review.xlsx"]
    assert found[values["parquet"]] == ["warehouse/exports/deep/export.parquet"]
