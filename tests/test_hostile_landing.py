"""Landed files whose names and values try SQL injection and path traversal (issue 9, least privilege).

The real `mutu run` runs in a subprocess on a landing zone with hostile file names, hostile unit ids,
service codes, ticket ids and free text, an unknown JSON key that is itself SQL, and symlinks that
point out of the landing zone. The proof: nothing outside HOME is written or changed (the landing
zone, a sibling folder, the working directory, TMPDIR and the user's home are fingerprinted before and
after), every table is still there, hostile values are stored as plain data or quarantined with the
rule they broke, row accounting balances, and nothing read through an escaping symlink is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import QUEUE_HEADER, SURVEY_HEADER_2017, write_landing
from tests.pii_search import find_personal_values

DROP = "'; drop table core.fct_queue_ticket; --"
# File names: quotes, semicolons, SQL comments, double-quoted identifiers, dot-dot segments.
QUEUE_SQL_NAME = "queue_U1'; drop table core.dim_unit; --_2026-07-31.csv"
QUEUE_IDENT_NAME = 'queue_"marts"."mart_queue_unit_day"_2026-08-01.csv'
QUEUE_DOTS_NAME = "queue_.._.._etc_passwd_2026-08-02.csv"
# The antrian_id profile takes the unit id from the file name: these unit ids are hostile.
VENDOR_SQL_NAME = "antrian_U2' or '1'='1_31-07-2026.csv"
VENDOR_DOTS_NAME = "antrian_.._.._.._tmp_31-07-2026.csv"
SURVEY_NAME = "survey_U1_2026-07-17.csv"
COMPLAINT_NAME = "complaints_2026-08-05.jsonl"
# Files that only a symlink out of the landing zone leads to: never read, never stored.
OUTSIDE_MARKER = "OUTSIDE-SECRET-7f3a"
SYMLINKED = ("queue/canonical/queue_U1_2026-08-04.csv", "survey/skm_long/skm_long_2026-07-18.csv")

HOSTILE_TICKETS = {
    # ticket_id: counter_id (valid unit and service: these rows load, their values are plain data)
    "T'; drop table audit.row_accounting; --": 'L1"; drop schema marts cascade; --',
    "../../../../etc/passwd": "/tmp/evil",
    'T"); delete from core.dim_unit; --': "L2' || (select 1) || '",
}


def _ticket(
    ticket_id: str, unit: str = "U1", service: str = "KTP", counter: str = "L1", day: str = "2026-07-31"
) -> str:
    def cell(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    return ",".join(
        [
            cell(ticket_id),
            cell(unit),
            cell(service),
            cell(counter),
            "false",
            "walk_in",
            f"{day}T08:00:00",
            f"{day}T08:05:00",
            f"{day}T08:06:00",
            f"{day}T08:16:00",
            "served",
            "",
        ]
    )


def _vendor_rows() -> str:
    return (
        "No Antrian;Kode Layanan;Loket;Prioritas;Jalur;Waktu Ambil;Waktu Panggil;Mulai Layanan;Selesai Layanan;"
        "Status;Biaya (Rp)\r\n"
        "X-001;IMB;Loket Satu;Tidak;Langsung;31/07/2026 09:00;31/07/2026 09:12;31/07/2026 09:13;31/07/2026 09:40;"
        "selesai;\r\n"
    )


def write_hostile_landing(root: Path, outside: Path) -> Path:
    landing = write_landing(root)
    queue = landing / "queue" / "canonical"
    rows = [_ticket(t, counter=c) for t, c in HOSTILE_TICKETS.items()]
    rows += [
        _ticket("Q1", unit="U1' or '1'='1"),  # unknown unit: quarantined
        _ticket("Q2", service="KTP'); drop table core.dim_service; --"),  # unknown service: quarantined
        _ticket("Q3", unit="../../outside"),  # traversal as a unit id: quarantined
    ]
    (queue / QUEUE_SQL_NAME).write_text("\n".join([QUEUE_HEADER, *rows]) + "\n")
    (queue / QUEUE_IDENT_NAME).write_text("\n".join([QUEUE_HEADER, _ticket("Q4", day="2026-08-01")]) + "\n")
    (queue / QUEUE_DOTS_NAME).write_text("\n".join([QUEUE_HEADER, _ticket("Q5", day="2026-08-02")]) + "\n")
    vendor = landing / "queue" / "antrian_id"
    (vendor / VENDOR_SQL_NAME).write_bytes(_vendor_rows().encode("cp1252"))
    (vendor / VENDOR_DOTS_NAME).write_bytes(_vendor_rows().encode("cp1252"))
    survey = landing / "survey" / "canonical"
    suggestion = "Robert'); DROP TABLE core.fct_survey_response;-- lihat ../../etc/shadow"
    (survey / SURVEY_NAME).write_text(
        SURVEY_HEADER_2017
        + "\n"
        + '"R\'; drop table marts.mart_ikm_period; --",2026-07-17T10:00:00,U1,KTP,L,30,SMA,Swasta,3,3,3,3,3,3,3,3,3,'
        f'"{suggestion}"\n'
    )
    complaint = {
        "complaint_id": "C9'; delete from audit.quarantine; --",
        "unit_id": "U1",
        "service_code": "KTP",
        "channel": "web",
        "type": "pengaduan",
        "category": "procedure",
        "submitted_at": "2026-08-05T09:00:00",
        "status_history": [{"status": "received", "at": "2026-08-05T09:00:00"}],
        "reporter": None,
        "anonymous": True,
        "description": "\"; copy (select 1) to '/tmp/pwned.csv'; -- ../../../../root/.ssh",
        "rating": None,
        '"; drop table core.fct_complaint; --': "unknown key",
    }
    traversal = {**complaint, "complaint_id": "C10", "unit_id": "/etc/passwd"}
    (landing / "complaints" / "canonical" / COMPLAINT_NAME).write_text(
        json.dumps(complaint) + "\n" + json.dumps(traversal) + "\n"
    )

    # Symlinks out of the landing zone: a file, and a whole profile folder.
    outside.mkdir()
    (outside / "secret.csv").write_text("\n".join([QUEUE_HEADER, _ticket(OUTSIDE_MARKER, day="2026-08-04")]) + "\n")
    (queue / "queue_U1_2026-08-04.csv").symlink_to(outside / "secret.csv")
    (outside / "folder").mkdir()
    (outside / "folder" / "skm_long_2026-07-18.csv").write_text(
        SURVEY_HEADER_2017 + "\n" + f"{OUTSIDE_MARKER},2026-07-18T10:00:00,U1,KTP,L,30,SMA,Swasta,3,3,3,3,3,3,3,3,3,\n"
    )
    (landing / "survey" / "skm_long").symlink_to(outside / "folder", target_is_directory=True)
    return landing


def fingerprint(root: Path, skip: Path | None = None) -> dict[str, tuple]:
    """Every entry under root (symlinks not followed) with its type, size, mtime and content hash."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if skip is not None and (here == skip or skip in here.parents):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            path = here / name
            if path == skip:
                continue
            info = path.lstat()
            if path.is_symlink():
                out[str(path.relative_to(root))] = ("link", os.readlink(path))
            elif path.is_file():
                out[str(path.relative_to(root))] = (
                    "file",
                    info.st_size,
                    info.st_mtime_ns,
                    info.st_mode,
                    hashlib.sha256(path.read_bytes()).hexdigest(),
                )
            else:
                out[str(path.relative_to(root))] = ("dir", info.st_mode)
    return out


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    landing = write_hostile_landing(root / "landing", root / "outside")
    home = root / "home"
    for folder in ("cwd", "tmp", "user"):
        (root / folder).mkdir()
    before = fingerprint(root, skip=home)
    env = {
        **os.environ,
        "TMPDIR": str(root / "tmp"),
        "HOME": str(root / "user"),
        "MUTU_PII_KEY": os.environ["MUTU_PII_KEY"],
    }
    env.pop("MUTU_FAILPOINT", None)
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--landing", str(landing), "--home", str(home)],
        cwd=root / "cwd",
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: os.umask(0),  # the most permissive umask: published files must not rely on the caller's
    )
    after = fingerprint(root, skip=home)
    return root, landing, home, result, before, after


def test_the_run_succeeds(hostile_run):
    *_, result, _, _ = hostile_run
    assert result.returncode == 0, result.stderr[-3000:]


def test_nothing_outside_home_is_written(hostile_run):
    root, _, _, _, before, after = hostile_run
    changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
    created = sorted(after.keys() - before.keys())
    removed = sorted(before.keys() - after.keys())
    assert (changed, created, removed) == ([], [], [])
    assert not Path("/tmp/pwned.csv").exists()


@pytest.fixture(scope="module")
def con(hostile_run):
    _, _, home, result, _, _ = hostile_run
    assert result.returncode == 0, result.stderr[-3000:]
    connection = duckdb.connect(str(home / "warehouse" / "mutu.duckdb"), read_only=True)
    yield connection
    connection.close()


def test_no_table_was_dropped_or_emptied(con):
    from pipelines.sql_models import models

    tables = {(s, t) for s, t in con.execute("select schema_name, table_name from duckdb_tables()").fetchall()}
    expected = {(m.layer, m.name) for m in models()} | {
        ("audit", t) for t in ("row_accounting", "quarantine", "validation_results", "schema_drift")
    }
    assert expected <= tables
    for schema, table in [
        ("core", "dim_unit"),
        ("core", "dim_service"),
        ("core", "fct_queue_ticket"),
        ("core", "fct_complaint"),
        ("marts", "mart_queue_unit_day"),
        ("marts", "mart_ikm_period"),
        ("audit", "quarantine"),
        ("audit", "row_accounting"),
    ]:
        assert con.execute(f'select count(*) from "{schema}"."{table}"').fetchall()[0][0] > 0, f"{schema}.{table}"


def test_hostile_values_are_stored_as_plain_data(con):
    stored = dict(
        con.execute(
            "select ticket_id, counter_id from core.fct_queue_ticket where ticket_id in (select unnest(?))",
            [list(HOSTILE_TICKETS)],
        ).fetchall()
    )
    assert stored == HOSTILE_TICKETS
    survey = con.execute(
        "select respondent_id, suggestion from core.fct_survey_response where respondent_id like 'R''%'"
    ).fetchall()
    assert survey and survey[0][0] == "R'; drop table marts.mart_ikm_period; --"
    assert "DROP TABLE core.fct_survey_response;--" in survey[0][1]
    complaints = {r[0] for r in con.execute("select complaint_id from core.fct_complaint").fetchall()}
    assert "C9'; delete from audit.quarantine; --" in complaints


def test_hostile_file_names_are_recorded_verbatim_and_balance(con):
    accounting = {
        r[0]: r[1:]
        for r in con.execute(
            "select source_file, file_status, rows_in, rows_loaded, rows_quarantined from audit.row_accounting"
        ).fetchall()
    }
    for name, (rows_in, loaded) in {
        f"queue/canonical/{QUEUE_SQL_NAME}": (6, 3),
        f"queue/canonical/{QUEUE_IDENT_NAME}": (1, 1),
        f"queue/canonical/{QUEUE_DOTS_NAME}": (1, 1),
        f"queue/antrian_id/{VENDOR_SQL_NAME}": (1, 0),
        f"queue/antrian_id/{VENDOR_DOTS_NAME}": (1, 0),
        f"survey/canonical/{SURVEY_NAME}": (1, 1),
        f"complaints/canonical/{COMPLAINT_NAME}": (2, 1),
    }.items():
        assert name in accounting, name
        status, got_in, got_loaded, got_quarantined = accounting[name]
        assert (status, got_in, got_loaded) == ("read", rows_in, loaded), name
        assert got_in == got_loaded + got_quarantined, name
    unbalanced = con.execute(
        "select count(*) from audit.row_accounting where rows_in <> rows_loaded + rows_quarantined"
    ).fetchall()[0][0]
    assert unbalanced == 0


def test_hostile_keys_are_quarantined_with_their_rule(con):
    rules = {
        (f, r): rules
        for f, r, rules in con.execute("select source_file, source_row, rules from audit.quarantine").fetchall()
    }
    sql_file = f"queue/canonical/{QUEUE_SQL_NAME}"
    assert "unit_known" in rules[(sql_file, 4)]  # U1' or '1'='1
    assert rules[(sql_file, 5)]  # a service code that is SQL: no standard for it
    assert "unit_known" in rules[(sql_file, 6)]  # ../../outside
    assert "unit_known" in rules[(f"queue/antrian_id/{VENDOR_SQL_NAME}", 1)]
    assert "unit_known" in rules[(f"queue/antrian_id/{VENDOR_DOTS_NAME}", 1)]
    assert rules[(f"complaints/canonical/{COMPLAINT_NAME}", 2)]  # unit /etc/passwd
    evidence = con.execute(
        "select raw_json from audit.quarantine where source_file = ? and source_row = 4", [sql_file]
    ).fetchall()[0][0]
    assert json.loads(evidence)["unit_id"] == "U1' or '1'='1"


def test_unknown_json_key_is_reported_as_drift_not_as_a_column(con):
    findings = [
        r[0]
        for r in con.execute(
            "select finding from audit.schema_drift where source_file like ?", [f"%{COMPLAINT_NAME}"]
        ).fetchall()
    ]
    assert any("drop table core.fct_complaint" in f for f in findings), findings
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'core' and table_name = 'fct_complaint'"
        ).fetchall()
    }
    assert not any("drop" in c for c in columns)


def test_nothing_read_through_a_symlink_out_of_the_landing_zone(hostile_run):
    from pipelines.landing import scan
    from pipelines.profiles import SOURCE_DATASETS

    _, landing, home, _, _, _ = hostile_run
    assert find_personal_values(home, [OUTSIDE_MARKER]) == {}
    problems = {f.relative: f.problem for source in SOURCE_DATASETS for f in scan(landing, source) if not f.days}
    for name in SYMLINKED:
        assert "outside the landing zone" in (problems.get(name) or ""), (name, problems)


def test_symlinks_out_of_the_landing_zone_are_rejected_in_row_accounting(con):
    rejected = dict(
        con.execute("select source_file, error from audit.row_accounting where file_status = 'rejected'").fetchall()
    )
    for name in SYMLINKED:
        assert "outside the landing zone" in (rejected.get(name) or ""), (name, rejected.get(name))


def _group_or_other_writable(home: Path, folder: str) -> dict[str, str]:
    paths = [home / folder, *(home / folder).rglob("*")] if (home / folder).exists() else []
    return {str(p.relative_to(home)): oct(p.stat().st_mode & 0o777) for p in paths if p.stat().st_mode & 0o022}


def test_published_warehouse_and_exports_are_read_only_for_others_whatever_the_umask(hostile_run):
    """Least privilege: what BI reads under HOME/warehouse is not writable by group or others, even under umask 0."""
    _, _, home, _, _, _ = hostile_run
    assert (home / "warehouse" / "mutu.duckdb").is_file()
    assert {k: v for k, v in _group_or_other_writable(home, "warehouse").items() if k != "warehouse"} == {}


def test_reports_are_read_only_for_others_whatever_the_umask(hostile_run):
    _, _, home, _, _, _ = hostile_run
    assert (home / "reports").is_dir()
    assert {k: v for k, v in _group_or_other_writable(home, "reports").items() if k != "reports"} == {}
