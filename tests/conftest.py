"""A small hand-made landing zone whose indicators are computed by hand in the tests."""

from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("MUTU_PII_KEY", "test-key-not-a-secret-0123456789")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# Headless Chromium for the UI screenshots (tests/test_ui.py, tests/test_superset.py): offline, no first-run work.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Personal values seeded into the landing zone; none of them may appear in anything Mutu writes.
PERSONAL = {
    "name": "Rahmawati Kusumaningrum",
    "nik": "3171015508900002",
    "phone": "081298765432",
    "email": "rahma.kusuma@contoh.id",
    "respondent": "Sutrisno Wibisono",
    "whatsapp": "085712340987",
}

UNITS = """unit_id,unit_name,agency,province,regency,timezone,annual_users
U1,Dukcapil Jakarta Pusat,Dukcapil,DKI Jakarta,Jakarta Pusat,Asia/Jakarta,10000
U2,DPMPTSP Denpasar,DPMPTSP,Bali,Denpasar,Asia/Makassar,500
"""
# KTP's waiting standard changes on 1 August 2026 (15 -> 30 minutes): the history must be kept.
SERVICES = """service_code,unit_id,service_name,max_wait_minutes,standard_service_minutes,completion_workdays,fee_idr,\
valid_from,valid_to
KTP,U1,KTP elektronik,15,10,1,0,2026-01-01,2026-07-31
KTP,U1,KTP elektronik,30,10,1,0,2026-08-01,
IMB,U2,Persetujuan bangunan,20,15,10,50000,2026-01-01,
"""
TARGETS = """unit_id,year,indicator,target
U1,2026,ikm_converted,85
U1,2026,queue_sla_share,0.9
"""
QUEUE_HEADER = (
    "ticket_id,unit_id,service_code,counter_id,priority,channel,issued_at,called_at,service_start_at,service_end_at,"
    "outcome,fee_paid_idr"
)
QUEUE_U1_0730 = [
    "T1,U1,KTP,L1,false,walk_in,2026-07-30T08:00:00,2026-07-30T08:10:00,2026-07-30T08:11:00,2026-07-30T08:21:00,served,",
    "T2,U1,KTP,L2,true,online,2026-07-30T08:00:00,2026-07-30T08:20:00,2026-07-30T08:20:00,2026-07-30T08:25:00,served,",
    "T3,U1,KTP,L1,false,walk_in,2026-07-30T08:05:00,2026-07-30T08:35:00,,,no_show,",
    "T4,U1,KTP,,false,walk_in,2026-07-30T08:10:00,,,,abandoned,",
    "T5,U1,KTP,L2,false,walk_in,2026-07-30T08:10:00,2026-07-30T08:50:00,2026-07-30T08:50:00,2026-07-30T09:00:00,served,10000",
    # Defects: called before issued; unknown unit; an exact duplicate of T1.
    "T6,U1,KTP,L1,false,walk_in,2026-07-30T09:00:00,2026-07-30T08:00:00,2026-07-30T09:01:00,2026-07-30T09:05:00,served,",
    "T7,UX,KTP,L1,false,walk_in,2026-07-30T09:00:00,2026-07-30T09:05:00,2026-07-30T09:06:00,2026-07-30T09:10:00,served,",
    "T1,U1,KTP,L1,false,walk_in,2026-07-30T08:00:00,2026-07-30T08:10:00,2026-07-30T08:11:00,2026-07-30T08:21:00,served,",
]
QUEUE_U1_0803 = [
    "T1,U1,KTP,L1,false,walk_in,2026-08-03T08:00:00,2026-08-03T08:20:00,2026-08-03T08:21:00,2026-08-03T08:30:00,served,",
]
# Vendor export (antrian_id profile): Windows-1252, ';', dd/mm/yyyy HH:MM, decimal comma, status words.
ANTRIAN_U2_0730 = (
    "No Antrian;Kode Layanan;Loket;Prioritas;Jalur;Waktu Ambil;Waktu Panggil;Mulai Layanan;Selesai Layanan;Status;"
    "Biaya (Rp)\r\n"
    "B-001;IMB;Loket Satu;Tidak;Langsung;30/07/2026 09:00;30/07/2026 09:12;30/07/2026 09:13;30/07/2026 09:40;selesai;"
    "50.000,00\r\n"
    "B-002;IMB;Loket Satu;Ya;Online;30/07/2026 09:05;30/07/2026 09:45;;;dilewati;\r\n"
    "B-003;IMB;;Tidak;Langsung;30/07/2026 09:10;;;;menunggu;\r\n"
)
SURVEY_HEADER_2017 = (
    "respondent_id,submitted_at,unit_id,service_code,gender,age,education,occupation,u1,u2,u3,u4,u5,u6,u7,u8,u9,"
    "suggestion"
)
SURVEY_U1_0715 = [
    f"R1,2026-07-15T10:00:00,U1,KTP,L,34,SMA,Swasta,4,3,3,4,3,3,4,3,2,Antrian lama. Hubungi saya {PERSONAL['phone']}",
    "R2,2026-07-15T10:30:00,U1,KTP,P,45,D4-S1,PNS,3,3,2,4,3,4,4,3,3,",
    "R3,2026-07-15T11:00:00,U1,KTP,P,23,SMA,Pelajar/Mahasiswa,4,4,3,,3,3,3,2,3,Kursi kurang",
    # Out-of-range answer: quarantined, not averaged.
    "R4,2026-07-15T11:30:00,U1,KTP,L,50,SMP,Wirausaha,5,3,3,3,3,3,3,3,3,",
]
SURVEY_HEADER_2004 = (
    "respondent_id,submitted_at,unit_id,service_code,gender,age,education,occupation,"
    + ",".join(f"u{i}" for i in range(1, 15))
    + ",suggestion"
)
SURVEY_U2_0716 = [
    "S1,2026-07-16T09:00:00,U2,IMB,L,40,SMA,Swasta," + ",".join(["3"] * 14) + ",",
    "S2,2026-07-16T09:30:00,U2,IMB,P,38,S2,PNS,"
    + ",".join(["3"] * 13 + ["4"])
    + f",Terima kasih. Saya {PERSONAL['respondent']} email {PERSONAL['email']}",
]

# The e-SKM workbook's columns (survey/eskm_xlsx profile): answers as letters a-d, name and WhatsApp in their own
# columns.
ESKM_HEADER = [
    "No",
    "Tanggal",
    "Kode Layanan",
    "Jenis Kelamin",
    "Umur",
    "Pendidikan",
    "Pekerjaan",
    "Nama",
    "No WhatsApp",
    *[f"U{i}" for i in range(1, 10)],
    "Saran",
]


def _complaint(cid, unit, category, history, reporter=None, description="Pelayanan lambat"):
    return {
        "complaint_id": cid,
        "unit_id": unit,
        "service_code": "KTP",
        "channel": "web",
        "type": "pengaduan",
        "category": category,
        "submitted_at": history[0][1],
        "status_history": [{"status": s, "at": at} for s, at in history],
        "reporter": reporter,
        "anonymous": reporter is None,
        "description": description,
        "rating": None,
    }


REPORTER = {"name": PERSONAL["name"], "nik": PERSONAL["nik"], "phone": PERSONAL["phone"], "email": PERSONAL["email"]}
COMPLAINTS = {
    "2026-08-03": [
        _complaint(
            "C2",
            "U1",
            "time",
            [
                ("received", "2026-08-03T08:00:00"),
                ("verified", "2026-08-10T09:00:00"),
                ("forwarded", "2026-08-10T10:00:00"),
                ("responded", "2026-08-12T10:00:00"),
                ("closed", "2026-08-13T10:00:00"),
            ],
            REPORTER,
            f"Saya {PERSONAL['name']} NIK {PERSONAL['nik']} menunggu terlalu lama",
        )
    ],
    # Monday 17 August 2026 is Independence Day: not a working day.
    "2026-08-14": [
        _complaint(
            "C1",
            "U1",
            "procedure",
            [
                ("received", "2026-08-14T09:00:00"),
                ("verified", "2026-08-18T10:00:00"),
                ("forwarded", "2026-08-18T11:00:00"),
                ("responded", "2026-08-26T10:00:00"),
                ("closed", "2026-08-27T10:00:00"),
            ],
            REPORTER,
        )
    ],
    "2026-08-20": [_complaint("C3", "U1", "facilities", [("received", "2026-08-20T13:00:00")])],
    "2026-08-28": [
        _complaint("C4", "U1", "pungli", [("received", "2026-08-28T08:00:00"), ("verified", "2026-08-28T15:00:00")])
    ],
}


def write_landing_zone(
    root: Path,
    *,
    units: str,
    services: str,
    targets: str,
    queue: dict[str, list[str]] | None = None,
    surveys: dict[str, tuple[str, list[str]]] | None = None,
    complaints: dict[str, list[dict]] | None = None,
) -> Path:
    """A landing zone of canonical exports: queue file name -> rows, survey file name -> (header, rows) and
    complaint day -> records."""
    (root / "reference").mkdir(parents=True)
    (root / "reference" / "units.csv").write_text(units)
    (root / "reference" / "services.csv").write_text(services)
    (root / "reference" / "targets.csv").write_text(targets)
    for source, files in (
        ("queue", {name: "\n".join([QUEUE_HEADER, *rows]) + "\n" for name, rows in (queue or {}).items()}),
        ("survey", {name: "\n".join([header, *rows]) + "\n" for name, (header, rows) in (surveys or {}).items()}),
        (
            "complaints",
            {
                f"complaints_{day}.jsonl": "".join(json.dumps(r) + "\n" for r in records)
                for day, records in (complaints or {}).items()
            },
        ),
    ):
        folder = root / source / "canonical"
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text)
    return root


def write_bank_reference(landing: Path, max_wait_minutes: float) -> None:
    """Reference data of the anonymous bank call centre (tests/realdata): one unit, its six call types with one
    waiting standard, no targets."""
    (landing / "reference").mkdir(parents=True, exist_ok=True)
    (landing / "reference" / "units.csv").write_text(
        "unit_id,unit_name,agency,province,regency,timezone,annual_users\n"
        "ANONYMOUS-BANK,Anonymous Bank call centre,Bank,DKI Jakarta,Jakarta Pusat,Asia/Jakarta,1000000\n"
    )
    services = "".join(
        f"{code},ANONYMOUS-BANK,{code},{max_wait_minutes},5,0,0,2010-01-01,\n"
        for code in ("PS", "PE", "IN", "NE", "NW", "TT")
    )
    (landing / "reference" / "services.csv").write_text(SERVICES.splitlines()[0] + "\n" + services)
    (landing / "reference" / "targets.csv").write_text("unit_id,year,indicator,target\n")


def write_landing(root: Path) -> Path:
    write_landing_zone(
        root,
        units=UNITS,
        services=SERVICES,
        targets=TARGETS,
        queue={"queue_U1_2026-07-30.csv": QUEUE_U1_0730, "queue_U1_2026-08-03.csv": QUEUE_U1_0803},
        surveys={
            "survey_U1_2026-07-15.csv": (SURVEY_HEADER_2017, SURVEY_U1_0715),
            "survey_U2_2026-07-16.csv": (SURVEY_HEADER_2004, SURVEY_U2_0716),
        },
        complaints=COMPLAINTS,
    )
    vendor = root / "queue" / "antrian_id"
    vendor.mkdir(parents=True)
    (vendor / "antrian_U2_30-07-2026.csv").write_bytes(ANTRIAN_U2_0730.encode("cp1252"))
    return root


def build_warehouse(tmp_path_factory, name: str, write, environment: dict[str, str] | None = None) -> Path:
    """The landing zone `write(folder)` writes, run once through `mutu run` (with `environment` set); the
    published warehouse."""
    from pipelines.orchestration import run_everything

    landing = write(tmp_path_factory.mktemp(f"{name}_landing"))
    home = tmp_path_factory.mktemp(f"{name}_home")
    with pytest.MonkeyPatch.context() as patch:
        for variable, value in (environment or {}).items():
            patch.setenv(variable, value)
        run_everything(landing, home)
    return home / "warehouse" / "mutu.duckdb"


@contextmanager
def rebuilt_copy(built: Path, folder: Path, model: str, weight_mode: str):
    """A writable copy of a built warehouse in which `model` is rebuilt with another IKM weight mode: one pipeline
    run per module serves every setting. Yields the connection."""
    import duckdb

    from pipelines.sql_models import models
    from pipelines.warehouse import build_model

    copy = folder / "mutu.duckdb"
    shutil.copyfile(built, copy)
    con = duckdb.connect(str(copy))
    try:
        con.execute("create schema staging").fetchall()
        con.execute("create table staging.run_parameters as select ? as ikm_weight_mode", [weight_mode]).fetchall()
        build_model(con, next(m for m in models() if m.qualified == model))
        yield con
    finally:
        con.close()


def one(con, sql, params=None):
    """The one row a query must return."""
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(scope="session")
def small_landing(tmp_path_factory) -> Path:
    return write_landing(tmp_path_factory.mktemp("landing"))


@pytest.fixture(scope="session")
def published(small_landing, tmp_path_factory) -> Path:
    """The small landing zone run once through Dagster; tests only read the published warehouse."""
    from pipelines.orchestration import run_everything

    home = tmp_path_factory.mktemp("home")
    run_everything(small_landing, home)
    return home / "warehouse" / "mutu.duckdb"


def _read_only(path: Path):
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.fixture()
def warehouse(published):
    yield from _read_only(published)


@pytest.fixture()
def wh(built):
    """The warehouse of the test module's own `built` fixture (a `build_warehouse` of its landing zone), read-only."""
    yield from _read_only(built)
