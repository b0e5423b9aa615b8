"""The bad-input corpus (tests/corpus) through the real pipeline, next to the good conftest landing zone.

One Dagster run (module fixture) over: the small hand-made landing zone of conftest.py, every file of
tests/corpus/<source>/<profile>/, and a few files generated here (a 10 MB field, real XLSX workbooks).
MANIFEST says, per file, what the pipeline must do with it: reject it whole (with a reason word in
`audit.row_accounting.error`), or read it and load / quarantine given rows (with the exact contract
rules in `audit.quarantine.rules`). Corpus files sit on dates the conftest zone does not use (queue
and complaints in September 2026 and later, surveys in 2026-Q4) so its hand-computed values must not move.

Entries with `bug=` (none left) describe what the pipeline *should* do and are strict xfails: they pass (and so
fail the suite) once the pipeline is fixed, and then the mark comes off.
"""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ESKM_HEADER, QUEUE_HEADER

CORPUS = Path(__file__).parent / "corpus"
SOURCES = ("queue", "survey", "complaints")
MAX_FIELD_CHARS = 100_000  # pipelines/reading.py: "a single field larger than this is a broken export"
FAKE_PHONE = "081311112222"  # a phone number in survey_U1_unclosed-quote_2026-10-08.csv's free text


@dataclass(frozen=True)
class Rejected:
    """The whole file is rejected: file_status 'rejected', no rows, an error naming the file and these words."""

    reason: tuple[str, ...]
    note: str = ""
    bug: str | None = None


@dataclass(frozen=True)
class Rows:
    """The file is read: rows_in rows, `loaded` of them loaded, the others quarantined.

    `quarantined` maps the source row (CSV: data record number, 1 = first after the header; JSON Lines:
    line number) to the exact set of rules in audit.quarantine.rules; an empty set means "some rule"
    (used where the right rule name is for the pipeline to choose). None skips the per-row check.
    """

    rows_in: int
    loaded: int | None
    quarantined: dict[int, frozenset[str]] | None
    note: str = ""
    bug: str | None = None  # the counts or rows are wrong today
    rules_bug: str | None = None  # rows are right, but some carry extra rules
    in_core: int | None = None  # its rows in core, where a loaded row repeats another file's (default: `loaded`)


def r(*rules: str) -> frozenset[str]:
    return frozenset(rules)


SVC = "service_standard_valid_on_date"
NOT_OBJECT = "unreadable:JSON line is not an object"
MALFORMED = "unreadable:malformed JSON"
HISTORY = "status_history_ordered_from_received"
DATED_BY_RECORDS = (
    "a name with no date, an impossible date or outside the profile's glob is no reason to reject a file: "
    "its records carry their own days (docs/landing-zone.md)"
)

MANIFEST: dict[str, Rejected | Rows] = {
    # ------------------------------------------------------------------ queue / canonical (UTF-8, ',')
    "queue/canonical/queue_U1_overlap_2026-09-16.csv": Rows(2, 2, {}),
    "queue/canonical/queue_U1_overlap_2026-09-17.csv": Rows(
        2, 2, {}, in_core=1, note="repeats the 16th's last ticket: loaded, and counted once (core.fct_queue_ticket)"
    ),
    "queue/canonical/queue_U1_header-only-no-date.csv": Rejected(("no readable records", "a header only")),
    "queue/canonical/queue_U1_title-row-no-date.csv": Rejected(("header has no issued_at", "title row")),
    "queue/canonical/queue_U1_spelled-codes_2026-09-15.csv": Rows(
        3, 3, {}, note="unit, service, channel and outcome in other cases and padded: the reference's and contract's"
    ),
    "queue/antrian_id/antrian_U2_15-09-2026.csv": Rows(
        2, 2, {}, note="vendor words and the service code in other cases (Selesai, DILAYANI, TIDAK, imb)"
    ),
    "queue/canonical/queue_U1_bom_2026-09-01.csv": Rows(
        3, 3, {}, note="UTF-8 with BOM: the BOM must not stick to ticket_id"
    ),
    "queue/canonical/queue_U1_truncated_2026-09-02.csv": Rows(
        3,
        2,
        {3: r("unreadable:too few fields")},
        note="cut mid-row, no final newline: the short row is quarantined as such, never padded with nulls",
    ),
    "queue/canonical/queue_U1_header-only_2026-09-02.csv": Rows(
        0, 0, {}, note="a day without tickets: read, nothing loaded"
    ),
    "queue/canonical/queue_U1_empty_2026-09-02.csv": Rejected(("empty file",)),
    "queue/canonical/queue_U1_binary_2026-09-02.csv": Rejected(
        ("binary",), note="PNG bytes with NULs under a .csv name"
    ),
    "queue/canonical/queue_U1_semicolon_2026-09-03.csv": Rejected(("wrong delimiter",)),
    "queue/canonical/queue_U1_mixed-encoding_2026-09-03.csv": Rejected(
        ("not valid utf-8",), note="two UTF-8 rows and one Windows-1252 row ('Lokét'): the whole file goes"
    ),
    "queue/canonical/queue_U1_renamed-header_2026-09-03.csv": Rejected(
        ("schema drift", "issued_at"), note="issued_at renamed waktu_ambil"
    ),
    "queue/canonical/queue_U1_extra-column_2026-09-03.csv": Rows(
        2, 2, {}, note="operator_note is reported in audit.schema_drift"
    ),
    "queue/canonical/queue_U1_duplicates_2026-09-04.csv": Rows(
        5,
        2,
        {3: r("exact_duplicate"), 4: r("key_conflict"), 5: r("key_conflict")},
        note="row 3 repeats row 1; rows 4 and 5 share DUP-3 with different call times: both are held back",
    ),
    "queue/canonical/queue_U1_timestamps-out-of-order_2026-09-04.csv": Rows(
        4,
        1,
        {
            1: r("called_not_before_issued"),
            2: r("service_start_not_before_called"),
            3: r("service_end_not_before_start"),
        },
    ),
    "queue/canonical/queue_UX_unknown-unit_2026-09-07.csv": Rows(
        2, 0, {1: r("unit_known", SVC), 2: r("unit_known", SVC)}
    ),
    "queue/canonical/queue_U1_unknown-service_2026-09-07.csv": Rows(
        3, 1, {1: r(SVC), 2: r(SVC)}, note="PASPOR does not exist; IMB exists, but for U2 only"
    ),
    "queue/canonical/queue_U1_bad-values_2026-09-07.csv": Rows(
        8,
        1,
        {
            1: r("type:fee_paid_idr"),  # 'gratis'
            2: r("type:priority"),  # 'maybe'
            3: r("in_set:outcome"),  # 'done'
            4: r("type:issued_at"),  # 25:99
            5: r("between:fee_paid_idr"),  # -5000
            6: r("served_has_service_times"),
            7: r("abandoned_never_called"),
        },
    ),
    "queue/canonical/queue_U1_future_2027-03-01.csv": Rows(
        2,
        0,
        {1: r("not_in_future"), 2: r("not_in_future")},
        note="tickets after the run date (today is before 2027-03-01)",
    ),
    "queue/canonical/queue_U1_unclosed-quote_2026-09-09.csv": Rejected(
        ("not a readable csv",), note="a quote opened in counter_id is never closed"
    ),
    "queue/canonical/queue_U1_loose-timestamps_2026-09-09.csv": Rows(
        2,
        1,
        {1: r("type:issued_at")},
        note="'2026-9-9T8:0' has the shape of no profile format; a lenient parser reads 08:00",
    ),
    "queue/canonical/queue_U1_two-bad-values_2026-09-14.csv": Rows(
        3,
        2,
        {2: r("type:called_at", "type:service_start_at")},
        note="two unreadable values on one row (it stopped every staging run); row 3 as Excel writes timestamps",
    ),
    "queue/canonical/queue_U1_long-row_2026-09-09.csv": Rows(
        2, 1, {2: r("unreadable:too many fields")}, note="one field more than the header"
    ),
    "queue/canonical/queue_U1_rows-on-another-day_2026-09-10.csv": Rows(
        2,
        2,
        {},
        note="file dated 2026-09-10, tickets issued 2026-09-11: loaded, and counted on 2026-09-11 in the "
        "marts although the partition is 2026-09-10 (no rule ties a row's date to its file's date)",
    ),
    "queue/canonical/queue_U1_no-date.csv": Rows(1, 1, {}, note=DATED_BY_RECORDS),
    # generated in the fixture: one field of 10 MB
    "queue/canonical/queue_U1_huge-field_2026-09-08.csv": Rows(
        2,
        1,
        {1: r(f"unreadable:field over {MAX_FIELD_CHARS} characters")},
        note="reading.MAX_FIELD_CHARS: the 10 MB counter_id's record is quarantined, only its length kept as evidence",
    ),
    # ------------------------------------------------------------------ queue / antrian_id (Windows-1252, ';')
    "queue/antrian_id/antrian_U2_01-09-2026.csv": Rows(2, 2, {}, note="Windows-1252 é “ ” – ½ decode right"),
    "queue/antrian_id/antrian_U2_02-09-2026.csv": Rows(
        1,
        1,
        {},
        note="a UTF-8 file under the cp1252 profile is read as UTF-8 (not mojibake 'LokÃ©t') and reported as drift",
    ),
    "queue/antrian_id/antrian_U2_03-09-2026.csv": Rejected(("wrong delimiter",), note="',' file under the ';' profile"),
    "queue/antrian_id/antrian_UX_04-09-2026.csv": Rows(
        1, 0, {1: r("unit_known", SVC)}, note="unit UX comes from the file name"
    ),
    "queue/antrian_id/antrian_U2_07-09-2026.csv": Rejected(
        ("not valid cp1252",), note="bytes 0x81 0x8D 0x8F are undefined in Windows-1252"
    ),
    "queue/antrian_id/antrian_U2_08-09-2026.csv": Rows(
        4,
        1,
        {
            1: r("in_set:outcome"),  # status word 'ditunda' is not in the profile
            2: r("type:priority"),  # 'Iya'
            3: r("type:fee_paid_idr"),  # 'Rp 50.000'
        },
    ),
    "queue/antrian_id/antrian_U2_31-02-2026.csv": Rows(1, 1, {}, note=DATED_BY_RECORDS),
    # ------------------------------------------------------------------ survey / canonical (2026-Q4)
    "survey/canonical/survey_U1_bom_2026-10-01.csv": Rows(3, 3, {}),
    "survey/canonical/survey_U1_out-of-range_2026-10-02.csv": Rows(
        5,
        2,
        {1: r("between:u3"), 2: r("between:u1"), 5: r("between:u1")},
        note="answers 5, 0, -1; age 150 loads as NULL (contract onInvalid: set_null for the respondent profile)",
    ),
    "survey/canonical/survey_U1_non-numeric_2026-10-02.csv": Rows(
        4,
        2,
        {1: r("type:u2"), 2: r("type:u5")},
        note="'baik', '3.5'; age 'tiga puluh' loads as NULL (profile: set_null)",
    ),
    "survey/canonical/survey_U1_truncated_2026-10-05.csv": Rows(
        3,
        2,
        {3: r("unreadable:too few fields")},
        note="a row cut after u2 ('TRS-3,...,4,3,') is not padded into a respondent who answered two unsur",
    ),
    "survey/canonical/survey_U1_header-only_2026-10-05.csv": Rows(0, 0, {}),
    "survey/canonical/survey_U1_cp1252-row_2026-10-05.csv": Rejected(
        ("not valid utf-8",), note="one row in Windows-1252 ('Café')"
    ),
    "survey/canonical/survey_U1_duplicates_2026-10-06.csv": Rows(
        5, 2, {2: r("exact_duplicate"), 3: r("key_conflict"), 4: r("key_conflict")}
    ),
    "survey/canonical/survey_U1_mixed-methods_2026-10-06.csv": Rows(
        2,
        2,
        {},
        note="a 2004 export: MIX-1 left u10..u14 empty and is still a 2004 respondent (the method is the file's)",
    ),
    "survey/canonical/survey_U2_unknown-service_2026-10-07.csv": Rows(2, 1, {1: r(SVC)}, note="KTP is U1's service"),
    "survey/canonical/survey_UX_unknown-unit_2026-10-07.csv": Rows(1, 0, {1: r("unit_known", SVC)}),
    "survey/canonical/survey_U1_renamed-header_2026-10-07.csv": Rejected(("schema drift", "respondent_id")),
    "survey/canonical/survey_U1_tab-delimited_2026-10-07.csv": Rejected(("wrong delimiter",)),
    # Gender X, education S4, occupation Astronaut (rows 1-3) load as NULL: the profile is onInvalid: set_null.
    "survey/canonical/survey_U1_bad-codes_2026-10-07.csv": Rows(
        5,
        3,
        {
            # An empty unit also fails the two reference rules (an empty service code does not: see validation.py).
            4: r("not_null:unit_id", "unit_known", SVC),
            5: r("type:submitted_at"),
        },
    ),
    "survey/canonical/survey_U1_unclosed-quote_2026-10-08.csv": Rejected(
        ("not a readable csv",),
        note="the error quotes the broken field, personal data included: see test_rejection_error_has_no_personal_data",
    ),
    "survey/canonical/survey_U1_stray-quotes_2026-10-08.csv": Rows(
        5,
        3,
        {2: r("unreadable:unbalanced quote"), 4: r("unreadable:unbalanced quote")},
        note="a suggestion opening with '\"' and a later one ending with '\"' would make one quoted field swallowing "
        "QTE-3; the lines between are whole records, so each line is its own record and the two with a stray quote "
        "are held",
    ),
    "survey/canonical/survey_U1_multiline-suggestion_2026-10-09.csv": Rows(
        2, 2, {}, note="a quoted suggestion holding ',', '\"\"' and a line break is one field, not a stray quote"
    ),
    "survey/canonical/survey_U1_future_2027-01-04.csv": Rows(1, 0, {1: r("not_in_future")}),
    # ------------------------------------------------------------------ survey / eskm_xlsx
    "survey/eskm_xlsx/eskm_U1_2026-10-08.xlsx": Rejected(
        ("not a readable xlsx", "zip"), note="CSV text under an .xlsx name"
    ),
    "survey/eskm_xlsx/eskm_U2_2026-10-08.xlsx": Rejected(("not a readable xlsx",), note="OLE2 magic + random bytes"),
    "survey/eskm_xlsx/eskm_U1_2026-10-09.xlsx": Rejected(("empty file",)),
    # generated in the fixture with openpyxl
    "survey/eskm_xlsx/eskm_U1_2026-10-12.xlsx": Rows(
        2, 1, {2: r("type:u3")}, note="a real workbook; row 2 answers 'e' (scale is a-d)"
    ),
    "survey/eskm_xlsx/eskm_U2_2026-10-12.xlsx": Rejected(("not a readable xlsx",), note="a real workbook cut in half"),
    "survey/eskm_xlsx/eskm_U1_2026-10-13.xlsx": Rejected(("no sheet 'responden'",), note="sheet named Sheet1"),
    # ------------------------------------------------------------------ complaints / canonical (JSON Lines)
    "complaints/canonical/complaints_malformed-lines_2026-09-01.jsonl": Rows(
        4,
        1,
        {2: r(MALFORMED), 3: r(MALFORMED), 5: r(MALFORMED)},
        note="line 2 lacks its closing brace, line 3 uses single quotes, line 4 is blank (skipped), line 5 is cut",
    ),
    "complaints/canonical/complaints_deeply-nested_2026-09-02.jsonl": Rows(
        2, 1, {2: r("unreadable:JSON nested too deeply")}, note="100 000 nested arrays"
    ),
    "complaints/canonical/complaints_not-objects_2026-09-02.jsonl": Rows(
        5,
        1,
        {1: r(NOT_OBJECT), 2: r(NOT_OBJECT), 3: r(NOT_OBJECT), 4: r(NOT_OBJECT)},
        note="an array holding a complaint, 42, a string, null",
    ),
    "complaints/canonical/complaints_status-history_2026-09-03.jsonl": Rows(
        7,
        1,
        {
            1: r(HISTORY),  # forwarded before received
            2: r(HISTORY),  # starts at verified
            3: r(HISTORY),  # empty history
            4: r(HISTORY),  # received at 11:00, submitted at 09:00
            5: r("type:status_history"),  # a string, not a list
            6: r("type:status_history"),  # 'at': 'besok'
        },
    ),
    "complaints/canonical/complaints_unknown-status_2026-09-03.jsonl": Rows(
        2,
        1,
        {1: r("in_set:status_history")},
        note="status 'selesai' is not in the contract's status enum (received..archived)",
    ),
    "complaints/canonical/complaints_duplicates_2026-09-04.jsonl": Rows(
        5, 2, {2: r("exact_duplicate"), 3: r("key_conflict"), 4: r("key_conflict")}
    ),
    "complaints/canonical/complaints_bad-values_2026-09-04.jsonl": Rows(
        8,
        1,
        {
            1: r("unit_known"),
            2: r("between:rating"),  # 7
            3: r("type:rating"),  # 'lima'
            4: r("in_set:channel"),  # 'fax'
            5: r("not_null:complaint_id"),  # key missing on this line only
            6: r("type:submitted_at"),  # 'kemarin'
            7: r("type:anonymous"),  # 'mungkin'
        },
    ),
    "complaints/canonical/complaints_empty_2026-09-07.jsonl": Rejected(("empty file",)),
    "complaints/canonical/complaints_blank-lines_2026-09-07.jsonl": Rejected(("no json lines",)),
    "complaints/canonical/complaints_latin1_2026-09-07.jsonl": Rejected(
        ("not valid utf-8",), note="one Latin-1 line rejects the good line too (files are decoded whole)"
    ),
    "complaints/canonical/complaints_binary_2026-09-08.jsonl": Rejected(
        ("binary",), note="gzip bytes under a .jsonl name"
    ),
    "complaints/canonical/complaints_renamed-key_2026-09-08.jsonl": Rejected(
        ("schema drift", "submitted_at"), note="every line says 'tanggal' instead of submitted_at"
    ),
    "complaints/canonical/complaints_bom_2026-09-09.jsonl": Rows(
        2, 2, {}, note="a BOM under the utf-8 (not utf-8-sig) profile still loads"
    ),
    "complaints/canonical/complaints_future_2027-02-01.jsonl": Rows(
        1, 0, {1: r("not_in_future")}, note="submitted after the run date"
    ),
    "complaints/canonical/complaints_future-status_2026-09-09.jsonl": Rows(
        2, 1, {1: r("not_in_future")}, note="verified in 2027"
    ),
    "complaints/canonical/complaints_2026-09-10.json": Rows(1, 1, {}, note=DATED_BY_RECORDS),
    "complaints/canonical/complaints_mistyped-year_2026-09-11.jsonl": Rows(
        5,
        3,
        {1: r("not_long_before_file_day"), 4: r("not_long_before_file_day")},
        note="most records days before the file's day (an export named by the day it was exported): the file is "
        "dated by its records, and they load; 2023 and 2024 typed for 2026, more than two years before its latest "
        "record, are no days of it and are held on that day (2024-09-03 would load on its first day)",
    ),
    "complaints/canonical/complaints_future-typo_2026-09-14.jsonl": Rows(
        3,
        2,
        {3: r("not_in_future")},
        note="dated by its records (days before its name's day); 2062 typed for 2026 is no day of it: held on its "
        "latest day, and the file stays on its real days",
    ),
    "queue/canonical/queue_U1_evening_2026-09-22.csv": Rows(2, 2, {}),
    "queue/canonical/queue_U1_evening_2026-09-23.csv": Rows(
        3,
        3,
        {},
        in_core=2,
        note="EV-2 of the 22nd repeated before the 23rd's own EV-2: keys are per day, no conflict; counted once",
    ),
    "queue/canonical/queue_U1_exported_2026-09-24.csv": Rows(
        4,
        3,
        {4: r("type:issued_at")},
        note="dated by its records; the record whose day cannot be read waits on the first day, where FN-1 of that "
        "day loads: no key conflict with a record that has no day (both were held)",
    ),
    "complaints/canonical/complaints_stray_2026-09-15.jsonl": Rows(
        3, 3, {}, note="one record of eleven days before, synced late: the file stays on its name's day"
    ),
    "complaints/canonical/complaints_lapor-export.jsonl": Rows(
        1, 0, {1: r("superseded")}, note="the update export holds VER-1 with a later status change"
    ),
    "complaints/canonical/complaints_lapor-export-update.jsonl": Rows(2, 2, {}, note=DATED_BY_RECORDS),
}

GENERATED = {
    "queue/canonical/queue_U1_huge-field_2026-09-08.csv",
    "survey/eskm_xlsx/eskm_U1_2026-10-12.xlsx",
    "survey/eskm_xlsx/eskm_U2_2026-10-12.xlsx",
    "survey/eskm_xlsx/eskm_U1_2026-10-13.xlsx",
}


def _workbook(rows: list[list], sheet: str = "Responden") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in [ESKM_HEADER, *rows]:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _generate(landing: Path) -> None:
    huge = "L" * 10_000_000
    (landing / "queue/canonical/queue_U1_huge-field_2026-09-08.csv").write_text(
        f"{QUEUE_HEADER}\n"
        f"BIG-1,U1,KTP,{huge},false,walk_in,2026-09-08T08:00:00,2026-09-08T08:05:00,2026-09-08T08:06:00,2026-09-08T08:10:00,served,\n"
        "BIG-2,U1,KTP,L1,false,walk_in,2026-09-08T09:00:00,2026-09-08T09:05:00,2026-09-08T09:06:00,2026-09-08T09:10:00,served,\n"
    )
    eskm = landing / "survey" / "eskm_xlsx"
    eskm.mkdir(parents=True, exist_ok=True)

    def row(no, day, u3):
        return [
            no,
            f"{day} 10:0{no}",
            "KTP",
            "Perempuan",
            35,
            "SMA",
            "Swasta",
            "Responden Uji",
            "0800",
            "c",
            "c",
            u3,
            "d",
            "c",
            "c",
            "d",
            "c",
            "b",
            "Baik",
        ]

    (eskm / "eskm_U1_2026-10-12.xlsx").write_bytes(_workbook([row(1, "12/10/2026", "c"), row(2, "12/10/2026", "e")]))
    whole = _workbook([row(1, "12/10/2026", "c")])
    (eskm / "eskm_U2_2026-10-12.xlsx").write_bytes(whole[: len(whole) // 2])
    (eskm / "eskm_U1_2026-10-13.xlsx").write_bytes(_workbook([row(1, "13/10/2026", "c")], sheet="Sheet1"))


def corpus_files() -> list[str]:
    return sorted(str(p.relative_to(CORPUS)) for s in SOURCES for p in (CORPUS / s).rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """conftest's landing zone + the corpus + generated files, through Dagster once."""
    from pipelines.orchestration import run_everything
    from tests.conftest import write_landing

    root = tmp_path_factory.mktemp("bad_inputs")
    landing = write_landing(root / "landing")
    for source in SOURCES:
        shutil.copytree(CORPUS / source, landing / source, dirs_exist_ok=True)
    _generate(landing)
    published = run_everything(landing, root / "home")
    return {"landing": landing, "warehouse": published}


@pytest.fixture(scope="module")
def con(run):
    import duckdb

    connection = duckdb.connect(str(run["warehouse"]), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql: str, params: list | None = None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _accounting(con, path: str) -> list[tuple]:
    return _rows(
        con,
        "select file_status, error, rows_in, rows_loaded, rows_quarantined from audit.row_accounting where "
        "source_file = ?",
        [path],
    )


def _quarantine(con, path: str) -> dict[int, set[str]]:
    return {
        row: set(rules)
        for row, rules in _rows(con, "select source_row, rules from audit.quarantine where source_file = ?", [path])
    }


def _core_rows(con, path: str) -> int | None:
    table = {"queue": "core.fct_queue_ticket", "survey": "core.fct_survey_response"}.get(path.split("/")[0])
    if table is None:
        return None  # core.fct_complaint keeps no source file: counted in test_loaded_complaints_reach_core
    return _rows(con, f"select count(*) from {table} where source_file = ?", [path])[0][0]


def _param(path: str, attr: str = "bug"):
    reason = getattr(MANIFEST[path], attr, None)
    return pytest.param(path, id=path, marks=pytest.mark.xfail(strict=True, reason=reason) if reason else ())


# ---------------------------------------------------------------------------------------------- tests


def test_manifest_covers_the_corpus():
    committed = set(corpus_files())
    assert len(committed) >= 25
    assert committed == set(MANIFEST) - GENERATED, "every corpus file needs a MANIFEST entry, and every entry a file"
    too_big = [p for p in committed if (CORPUS / p).stat().st_size > 210_000]
    assert not too_big, f"generate large files in the fixture instead: {too_big}"


def test_run_publishes_and_every_file_adds_up(run, con):
    assert run["warehouse"].name == "mutu.duckdb" and run["warehouse"].exists()
    unbalanced = _rows(
        con, "select source_file from audit.row_accounting where rows_in <> rows_loaded + rows_quarantined"
    )
    assert unbalanced == []
    counted = {row[0] for row in _rows(con, "select source_file from audit.row_accounting")}
    # Every file the manifest expects to be read or rejected is accounted for, those without a partition too.
    missing = [p for p, e in MANIFEST.items() if p not in counted and not e.bug]
    assert missing == []


@pytest.mark.parametrize("path", [_param(p) for p in MANIFEST])
def test_corpus_file(con, path):
    expected = MANIFEST[path]
    accounting = _accounting(con, path)
    assert len(accounting) == 1, f"{path}: expected one audit.row_accounting row, got {accounting}"
    status, error, rows_in, loaded, quarantined = accounting[0]
    assert rows_in == loaded + quarantined
    rows = _quarantine(con, path)
    if isinstance(expected, Rejected):
        assert status == "rejected"
        assert (rows_in, loaded, quarantined) == (0, 0, 0)
        assert Path(path).name in error
        for word in expected.reason:
            assert word in error.lower(), f"{word!r} not in {error!r}"
        assert rows == {}
        assert _core_rows(con, path) in (0, None)
        return
    assert status == "read" and error is None
    assert rows_in == expected.rows_in
    if expected.loaded is not None:
        assert (loaded, quarantined) == (expected.loaded, expected.rows_in - expected.loaded)
    assert len(rows) == quarantined
    if expected.quarantined is not None:
        assert set(rows) == set(expected.quarantined)
        for row, rules in expected.quarantined.items():
            assert rows[row], f"row {row} quarantined without a rule"
            assert rules <= rows[row], f"row {row}: expected {sorted(rules)} among {sorted(rows[row])}"
    core = _core_rows(con, path)
    in_core = loaded if expected.in_core is None else expected.in_core
    assert core is None or core == in_core, f"{loaded} rows loaded, {in_core} expected in core, {core} there"


@pytest.mark.parametrize(
    "path", [_param(p, "rules_bug") for p, e in MANIFEST.items() if isinstance(e, Rows) and e.quarantined and not e.bug]
)
def test_quarantined_rows_carry_exactly_their_rules(con, path):
    assert _quarantine(con, path) == {row: set(rules) for row, rules in MANIFEST[path].quarantined.items()}


def test_good_landing_zone_unchanged(con):
    """conftest's hand-computed values (tests/test_indicators.py) hold with the corpus beside them."""
    accounting = dict(
        (f, rest)
        for f, *rest in _rows(
            con,
            "select source_file, file_status, rows_in, rows_loaded, rows_quarantined from audit.row_accounting "
            "where regexp_full_match(source_file, '.*_(2026-07-..|2026-08-..|30-07-2026)\\.(csv|jsonl)')",
        )
    )
    assert accounting == {
        "queue/canonical/queue_U1_2026-07-30.csv": ["read", 8, 5, 3],
        "queue/canonical/queue_U1_2026-08-03.csv": ["read", 1, 1, 0],
        "queue/antrian_id/antrian_U2_30-07-2026.csv": ["read", 3, 3, 0],
        "survey/canonical/survey_U1_2026-07-15.csv": ["read", 4, 3, 1],
        "survey/canonical/survey_U2_2026-07-16.csv": ["read", 2, 2, 0],
        **{
            f"complaints/canonical/complaints_{d}.jsonl": ["read", 1, 1, 0]
            for d in ("2026-08-03", "2026-08-14", "2026-08-20", "2026-08-28")
        },
    }
    assert _quarantine(con, "queue/canonical/queue_U1_2026-07-30.csv") == {
        6: {"called_not_before_issued"},
        7: {"unit_known", SVC},
        8: {"exact_duplicate"},
    }
    day = _rows(
        con,
        "select tickets_issued, tickets_served, tickets_no_show, tickets_abandoned, wait_mean_minutes, "
        "wait_p90_minutes, "
        "sla_share, fee_flags from marts.mart_queue_unit_day where unit_id = 'U1' and local_date = date '2026-07-30'",
    )
    assert day == [(5, 3, 1, 1, pytest.approx(25), pytest.approx(37), pytest.approx(1 / 3), 1)]
    assert _rows(
        con, "select sla_share from marts.mart_queue_unit_day where unit_id = 'U1' and local_date = date '2026-08-03'"
    ) == [(pytest.approx(1.0),)]
    assert _rows(
        con,
        "select ticket_id, outcome, fee_paid_idr, priority, wait_minutes from core.fct_queue_ticket "
        "where unit_id = 'U2' and local_date = date '2026-07-30' order by ticket_id",
    ) == [
        ("B-001", "served", 50000.0, False, 12.0),
        ("B-002", "no_show", None, True, 40.0),
        ("B-003", "abandoned", None, False, None),
    ]
    ikm = _rows(
        con,
        "select unit_id, respondents, ikm_converted, mutu, method from marts.mart_ikm_unit_quarter where quarter = "
        "'2026-Q3' order by unit_id",
    )
    assert ikm == [
        ("U1", 3, pytest.approx(29 / 9 * 25), "B", "permenpanrb_14_2017"),
        ("U2", 2, pytest.approx(42.5 / 14 * 25), "B", "kepmenpan_25_2004"),
    ]
    month = _rows(
        con,
        "select complaints_received, complaints_closed, complaints_open, workdays_to_close_median, "
        "verified_within_limit_share, "
        "responded_within_limit_share, integrity_signals from marts.mart_complaint_unit_month "
        "where unit_id = 'U1' and month_start = date '2026-08-01'",
    )
    assert month == [(4, 2, 2, pytest.approx(7.5), pytest.approx(0.5), pytest.approx(1.0), 1)]


def test_loaded_corpus_rows_reach_the_marts(con):
    queue = dict(
        ((u, str(d)), n)
        for u, d, n in _rows(
            con,
            "select unit_id, local_date, tickets_issued from marts.mart_queue_unit_day where local_date >= date "
            "'2026-09-01'",
        )
    )
    assert queue == {
        ("U1", "2026-09-01"): 3,  # BOM file
        ("U2", "2026-09-01"): 2,  # Windows-1252 vendor file
        ("U1", "2026-09-02"): 2,  # truncated file, two whole rows
        ("U2", "2026-09-02"): 1,  # UTF-8 vendor file (mojibake)
        ("U1", "2026-09-03"): 2,  # extra column
        ("U1", "2026-09-04"): 3,  # duplicates 2 + timestamps 1
        ("U1", "2026-09-07"): 2,  # unknown service 1 + bad values 1
        ("U1", "2026-09-08"): 1,  # huge field: the other row
        ("U1", "2026-09-09"): 2,  # loose timestamps 1 + long row 1 (the unclosed-quote file is rejected)
        ("U2", "2026-09-08"): 1,  # vendor bad values
        ("U1", "2026-09-11"): 2,  # file dated 2026-09-10, rows issued on the 11th
        ("U1", "2026-09-10"): 1,  # queue_U1_no-date.csv: no date in its name, dated by its record
        ("U1", "2026-09-14"): 2,  # two bad values on one row: the other two rows, one as Excel writes timestamps
        ("U1", "2026-09-15"): 3,  # codes in other cases
        ("U1", "2026-09-16"): 2,  # OVL-2 is in the 17th's export too: counted once
        ("U1", "2026-09-17"): 1,
        ("U2", "2026-09-15"): 2,  # vendor words in other cases
        ("U1", "2026-09-22"): 2,  # EV-2 in the 23rd's export too: counted once
        ("U1", "2026-09-23"): 2,
        ("U1", "2026-09-19"): 1,  # three days exported on the 24th, each on its own day
        ("U1", "2026-09-20"): 1,
        ("U1", "2026-09-21"): 1,
    }  # future tickets (2027-03-01) are quarantined
    survey_loaded = _rows(
        con,
        "select sum(rows_loaded) from audit.row_accounting where dataset = 'survey_responses' "
        "and first_day >= '2026-10-01' and regexp_full_match(source_file, 'survey/[^/]+/[a-z]+_U1_.*')",
    )[0][0]
    # Both methods' rows: the corpus's mixed-method file loads each respondent under its file's method.
    assert _rows(
        con, "select sum(respondents) from marts.mart_ikm_unit_quarter where unit_id = 'U1' and quarter = '2026-Q4'"
    ) == [(survey_loaded,)]


def test_loaded_complaints_reach_core(con):
    loaded = _rows(con, "select sum(rows_loaded) from audit.row_accounting where dataset = 'complaints'")[0][0]
    assert (
        _rows(con, "select count(*) from core.fct_complaint")[0][0] == loaded
    )  # every complaint id in the corpus is unique
    ids = {row[0] for row in _rows(con, "select complaint_id from core.fct_complaint")}
    # Of an export and its update, the later version: verified (both were held back as key conflicts).
    assert _rows(con, "select current_status from core.fct_complaint where complaint_id = 'VER-1'") == [("verified",)]
    assert {"MAL-1", "NST-1", "ARR-5", "HIS-7", "DUP-1", "DUP-3", "BAD-8", "CBM-1", "CBM-2", "UST-2", "CFS-2"} <= ids
    assert not ids & {"DUP-2", "BAD-1", "HIS-1", "HIS-2", "HIS-3", "HIS-4", "LAT-1", "KEY-1", "CFU-1", "UST-1", "CFS-1"}


def test_a_days_export_with_a_stray_record_stays_on_its_day_and_a_multi_day_one_moves(con):
    """Named by a day: a file most of whose records lie on other days is dated by its records (each on its own
    day, the file's accounting says `records`); one with a record synced late stays on its name's day."""
    placed = _rows(
        con,
        "select source_file, dated_by, first_day, last_day from audit.row_accounting where source_file like "
        "'complaints/canonical/complaints_%_2026-09-1_.jsonl' and (source_file like '%stray%' or source_file like "
        "'%mistyped%') order by source_file",
    )
    spans = {name.split("_")[1]: (dated_by, str(first), str(last)) for name, dated_by, first, last in placed}
    assert spans == {
        "mistyped-year": ("records", "2026-09-01", "2026-09-08"),
        "stray": ("name", "2026-09-15", "2026-09-15"),
    }


def test_bom_does_not_stick_to_the_first_column(con):
    assert [
        r[0]
        for r in _rows(
            con, "select ticket_id from core.fct_queue_ticket where source_file like '%queue_U1_bom_%' order by 1"
        )
    ] == ["BOM-1", "BOM-2", "BOM-3"]
    assert [
        r[0]
        for r in _rows(
            con,
            "select respondent_id from core.fct_survey_response where source_file like '%survey_U1_bom_%' order by 1",
        )
    ] == ["BOM-1", "BOM-2", "BOM-3"]
    assert _rows(con, "select count(*) from audit.schema_drift where source_file like '%bom%'") == [(0,)]


def test_windows_1252_vendor_file_decodes_non_ascii(con):
    rows = _rows(
        con,
        "select ticket_id, counter_id, outcome, fee_paid_idr from core.fct_queue_ticket where source_file = "
        "'queue/antrian_id/antrian_U2_01-09-2026.csv' order by 1",
    )
    assert rows == [
        ("C-001", "Lok\u00e9t \u201cUtama\u201d \u2013 Timur", "served", 50000.0),
        ("C-002", "R\u00e9sepsionis \u00bd", "no_show", None),
    ]


def test_utf8_file_under_cp1252_profile(con):
    counters = [
        r[0]
        for r in _rows(
            con,
            "select counter_id from core.fct_queue_ticket where source_file = "
            "'queue/antrian_id/antrian_U2_02-09-2026.csv'",
        )
    ]
    assert "Lok\u00c3\u00a9t Utama" not in counters  # either decoded right, or the file rejected naming the encoding
    assert counters == ["Lok\u00e9t Utama"]
    ((finding,),) = _rows(
        con, "select finding from audit.schema_drift where source_file = 'queue/antrian_id/antrian_U2_02-09-2026.csv'"
    )
    assert "utf-8" in finding.lower() and "cp1252" in finding


def test_extra_column_is_schema_drift(con):
    assert _rows(
        con,
        "select partition_key, finding from audit.schema_drift where source_file = "
        "'queue/canonical/queue_U1_extra-column_2026-09-03.csv'",
    ) == [("2026-09-03", "extra column 'operator_note' not in profile queue/canonical")]


def test_unreadable_lines_are_kept_as_bounded_evidence(con):
    ((raw,),) = _rows(con, "select raw_json from audit.quarantine where source_file like '%deeply-nested%'")
    line = json.loads(raw)["line"]
    assert line == "[" * 2000  # the 200 000-character line is cut to 2 000 characters of evidence
    ((raw,),) = _rows(
        con, "select raw_json from audit.quarantine where source_file like '%not-objects%' and source_row = 2"
    )
    assert json.loads(raw) == {"line": "42"}


def test_future_dates_are_quarantined_and_shifted_dates_load_as_they_are(con):
    # Contract rule not_in_future: nothing after the run's wall clock (WIT) loads, nor moves the as-of date.
    assert _rows(con, "select count(*) from core.fct_queue_ticket where source_file like '%future%'") == [(0,)]
    assert _rows(con, "select count(*) from core.fct_complaint where complaint_id = 'CFU-1'") == [(0,)]
    assert _rows(con, "select count(*) from marts.mart_queue_unit_day where local_date >= date '2027-01-01'") == [(0,)]
    # No rule ties a row's date to its file's date; recorded here, reported upstream.
    assert _rows(
        con,
        "select count(*) from core.fct_queue_ticket where unit_id = 'U1' and local_date = date '2026-09-10' "
        "and source_file not like '%no-date%'",
    ) == [(0,)]


def test_multiline_suggestion_is_one_field(con):
    ((suggestion,),) = _rows(con, "select suggestion from core.fct_survey_response where respondent_id = 'MLS-1'")
    assert suggestion == 'Antrian lama, "kursi" kurang\nTambah loket'


def test_huge_field_did_not_break_the_run(con):
    assert _rows(con, "select file_status from audit.row_accounting where source_file like '%huge-field%'") == [
        ("read",)
    ]


def test_no_field_over_the_limit_is_loaded(con):
    assert _rows(con, f"select count(*) from core.fct_queue_ticket where length(counter_id) > {MAX_FIELD_CHARS}") == [
        (0,)
    ]


def test_rejection_error_has_no_personal_data(con):
    ((error,),) = _rows(
        con,
        "select error from audit.row_accounting where source_file = "
        "'survey/canonical/survey_U1_unclosed-quote_2026-10-08.csv'",
    )
    assert "not a readable csv" in error.lower()
    assert FAKE_PHONE not in error


def test_unreadable_lines_are_not_duplicates(con):
    assert _rows(
        con,
        "select count(*) from audit.quarantine where list_contains(rules, 'exact_duplicate') "
        "and len(list_filter(rules, lambda x: starts_with(x, 'unreadable:'))) > 0",
    ) == [(0,)]
