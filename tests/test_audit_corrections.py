"""Issue 15, items 1-10: the indicator corrections of the independent audit, each against values computed by hand.

Four units, so that a province holds a 2017 and a 2004 unit:
  U1 Dukcapil / Papua (N 3, 2017 SKM; a queue ticket every Wednesday, complaints)
  U2 DPMPTSP / Papua (N 2, 2004 SKM in Q3 and one 2017 respondent in Q2)
  U3 Puskesmas / Bali (N 2, 2017 SKM in which nobody answered U4 biaya/tarif)
  U4 Dukcapil / Bali (N 7, 2017 SKM whose converted IKM is 76.607: 76.61 on the page)
Each source ends on its own day: queue Wed 30 Sep 2026, survey Thu 20 Aug, complaints Fri 18 Sep (the export lags).
Complaints close automatically 5 working days after the unit's response without the reporter's reply (the fixture's
MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS). Holidays in the span: Mon 17 Aug and Tue 25 Aug 2026.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import (
    SURVEY_HEADER_2004,
    SURVEY_HEADER_2017,
    build_warehouse,
    one,
    rebuilt_copy,
    write_landing_zone,
)

UNITS = """unit_id,unit_name,agency,province,regency,timezone,annual_users
U1,Dukcapil Jayapura,Dukcapil,Papua,Jayapura,Asia/Jayapura,3
U2,DPMPTSP Jayapura,DPMPTSP,Papua,Jayapura,Asia/Jayapura,2
U3,Puskesmas Denpasar,Puskesmas,Bali,Denpasar,Asia/Makassar,2
U4,Dukcapil Denpasar,Dukcapil,Bali,Denpasar,Asia/Makassar,7
"""
SERVICES = """service_code,unit_id,service_name,max_wait_minutes,standard_service_minutes,completion_workdays,fee_idr,\
valid_from,valid_to
KTP,U1,KTP elektronik,15,10,1,0,2026-01-01,
IMB,U2,Persetujuan bangunan,20,15,10,50000,2026-01-01,
POLI,U3,Poli umum,45,10,0,0,2026-01-01,
KTP,U4,KTP elektronik,15,10,1,0,2026-01-01,
"""
TARGETS = """unit_id,year,indicator,target
U2,2026,ikm_converted,60
"""
# One served ticket every Wednesday, 1 Jul .. 30 Sep: 14 weekly points, 3 monthly. Waits 10 minutes, the last one 24.
WEDNESDAYS = [
    "2026-07-01",
    "2026-07-08",
    "2026-07-15",
    "2026-07-22",
    "2026-07-29",
    "2026-08-05",
    "2026-08-12",
    "2026-08-19",
    "2026-08-26",
    "2026-09-02",
    "2026-09-09",
    "2026-09-16",
    "2026-09-23",
    "2026-09-30",
]


def _ticket(day: str, wait: int) -> str:
    called = f"{day}T08:{wait:02d}:00"
    return f"W{day},U1,KTP,L1,false,walk_in,{day}T08:00:00,{called},{called},{day}T08:50:00,served,"


def _answers(*values) -> str:
    return ",".join("" if v is None else str(v) for v in values)


def _row(rid, at, unit, service, answers) -> str:
    return f"{rid},{at},{unit},{service},L,30,SMA,Swasta," + _answers(*answers) + ","


# U4: 7 respondents. u1: four answer 2, three answer 3 -> 17/7; u7: 4, 4, 3, 3, 3 (two empty) -> 17/5 = 3.4;
# u8: 4, 4, 4, 3 (three empty) -> 15/4 = 3.75; the other six unsur 3 each.
U4_ANSWERS = [
    (2, 3, 3, 3, 3, 3, 4, 4, 3),
    (2, 3, 3, 3, 3, 3, 4, 4, 3),
    (2, 3, 3, 3, 3, 3, 3, 4, 3),
    (2, 3, 3, 3, 3, 3, 3, 3, 3),
    (3, 3, 3, 3, 3, 3, 3, None, 3),
    (3, 3, 3, 3, 3, 3, None, None, 3),
    (3, 3, 3, 3, 3, 3, None, None, 3),
]
SURVEYS = {
    # U1 Q2: one respondent where the census of N 3 needs 3: a survey held, not an adequate one.
    "survey_U1_2026-05-20.csv": (SURVEY_HEADER_2017, [_row("A1", "2026-05-20T10:00:00", "U1", "KTP", [3] * 9)]),
    "survey_U1_2026-07-15.csv": (
        SURVEY_HEADER_2017,
        [_row(f"B{i}", f"2026-07-15T1{i}:00:00", "U1", "KTP", [4] * 9) for i in range(1, 4)],
    ),
    "survey_U2_2026-05-21.csv": (SURVEY_HEADER_2017, [_row("C1", "2026-05-21T10:00:00", "U2", "IMB", [2] * 9)]),
    "survey_U2_2026-07-16.csv": (
        SURVEY_HEADER_2004,
        [
            _row("D1", "2026-07-16T09:00:00", "U2", "IMB", [3] * 14),
            _row("D2", "2026-07-16T09:30:00", "U2", "IMB", [3] * 14),
        ],
    ),
    # A 2004 export in which E2 left u10..u14 empty: still a 2004 respondent, and the file is not mixed.
    "survey_U2_2026-08-20.csv": (
        SURVEY_HEADER_2004,
        [
            _row("E1", "2026-08-20T09:00:00", "U2", "IMB", [3] * 14),
            _row("E2", "2026-08-20T09:30:00", "U2", "IMB", [3] * 9 + [None] * 5),
        ],
    ),
    "survey_U3_2026-07-17.csv": (
        SURVEY_HEADER_2017,
        [_row(f"F{i}", f"2026-07-17T0{i}:00:00", "U3", "POLI", [4, 4, 4, None, 4, 4, 4, 4, 4]) for i in range(1, 3)],
    ),
    "survey_U4_2026-07-20.csv": (
        SURVEY_HEADER_2017,
        [_row(f"G{i}", f"2026-07-20T0{i}:00:00", "U4", "KTP", answers) for i, answers in enumerate(U4_ANSWERS, 1)],
    ),
}


def _complaint(cid, history):
    return {
        "complaint_id": cid,
        "unit_id": "U1",
        "service_code": "KTP",
        "channel": "web",
        "type": "pengaduan",
        "category": "procedure",
        "submitted_at": history[0][1],
        "status_history": [{"status": s, "at": at} for s, at in history],
        "reporter": None,
        "anonymous": True,
        "description": "Keluhan layanan",
        "rating": None,
    }


COMPLAINTS = {
    "2026-07-06": [
        # Archived at intake the next day: SP4N-LAPOR!'s verification ended in an archive, within 1 working day.
        _complaint("K1", [("received", "2026-07-06T09:00:00"), ("archived", "2026-07-07T09:00:00")]),
        # Verified on Thu 9 Jul: 3 working days, within the limit.
        _complaint(
            "K2",
            [
                ("received", "2026-07-06T10:00:00"),
                ("verified", "2026-07-09T09:00:00"),
                ("forwarded", "2026-07-09T10:00:00"),
                ("responded", "2026-07-10T10:00:00"),
                ("closed", "2026-07-13T10:00:00"),
            ],
        ),
    ],
    # Never verified: its deadline Fri 10 Jul passed long before the export.
    "2026-07-07": [_complaint("K3", [("received", "2026-07-07T09:00:00")])],
    # Responded Thu 16 Jul, no reply from the reporter: closed automatically 5 working days later, Thu 23 Jul.
    "2026-07-13": [
        _complaint(
            "K4",
            [
                ("received", "2026-07-13T09:00:00"),
                ("verified", "2026-07-14T09:00:00"),
                ("forwarded", "2026-07-14T10:00:00"),
                ("responded", "2026-07-16T10:00:00"),
            ],
        )
    ],
    # Responded Wed 16 Sep: its automatic closure (Wed 23 Sep) lies after the complaints' own last day (18 Sep).
    "2026-09-07": [
        _complaint(
            "K5",
            [
                ("received", "2026-09-07T09:00:00"),
                ("verified", "2026-09-08T09:00:00"),
                ("forwarded", "2026-09-08T10:00:00"),
                ("responded", "2026-09-16T10:00:00"),
            ],
        )
    ],
    # Unverified at the export: due Mon 21 Sep, after the complaints' last day, though before the queue's.
    "2026-09-16": [_complaint("K6", [("received", "2026-09-16T10:00:00")])],
    "2026-09-18": [_complaint("K7", [("received", "2026-09-18T09:00:00"), ("verified", "2026-09-18T11:00:00")])],
}


def write_landing(root: Path) -> Path:
    queue = {f"queue_U1_{day}.csv": [_ticket(day, 24 if day == WEDNESDAYS[-1] else 10)] for day in WEDNESDAYS}
    return write_landing_zone(
        root, units=UNITS, services=SERVICES, targets=TARGETS, queue=queue, surveys=SURVEYS, complaints=COMPLAINTS
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory, "audit", write_landing, {"MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS": "5"})


def test_every_landed_row_was_loaded(wh):
    # No defect in the fixture: a quarantined row would change the hand-computed values below.
    assert one(wh, "select count(*) from audit.quarantine") == (0,)
    assert one(wh, "select count(*) from core.fct_survey_response") == (18,)
    assert one(wh, "select count(*) from core.fct_complaint") == (7,)


# --- 2. an unknown IKM weight mode stops the run ----------------------------------------------------------------


def test_unknown_weight_mode_on_the_command_line_stops_with_one_line(tmp_path, capsys):
    from pipelines.cli import main

    assert main(["run", "--landing", str(tmp_path), "--home", str(tmp_path), "--ikm-weight-mode", "three_decimal"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "three_decimal" in err and "exact, three_decimals, two_decimals" in err


def test_unknown_weight_mode_in_the_environment_stops_with_one_line(tmp_path, capsys, monkeypatch):
    from pipelines.cli import main

    monkeypatch.setenv("MUTU_IKM_WEIGHT_MODE", "three_decimal")
    assert main(["run", "--landing", str(tmp_path), "--home", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "MUTU_IKM_WEIGHT_MODE" in err and "three_decimal" in err


def test_unknown_weight_mode_is_refused_by_the_dagster_resource(tmp_path, monkeypatch):
    from pipelines.errors import SettingsError
    from pipelines.resources import MutuResource

    with pytest.raises(Exception, match="three_decimal"):
        MutuResource(home=str(tmp_path), landing=str(tmp_path), ikm_weight_mode="three_decimal")
    # The code location (dagster dev) takes the mode from the environment and refuses a typo there too.
    monkeypatch.setenv("MUTU_IKM_WEIGHT_MODE", "three_decimal")
    with pytest.raises(SettingsError, match="MUTU_IKM_WEIGHT_MODE"):
        MutuResource.from_env()
    monkeypatch.setenv("MUTU_IKM_WEIGHT_MODE", "two_decimals")
    assert MutuResource.from_env().ikm_weight_mode == "two_decimals"


def test_the_ikm_sql_has_no_silent_weight_fallback(built, tmp_path):
    # The SQL once applied 1/14 to any mode it did not know: U4's 76.61 (B) became 48.33 (D).
    from pipelines.sql_models import models

    with (
        pytest.raises(duckdb.Error, match="three_decimal"),
        rebuilt_copy(built, tmp_path, "indicators.ind_ikm_period", "three_decimal"),
    ):
        pass
    # The unit-quarter IKM is a filter of the period model: it reads no weight mode it could fall back from.
    quarter = next(m for m in models() if m.qualified == "indicators.ind_ikm_unit_quarter")
    assert quarter.depends_on == (("indicators", "ind_ikm_period"),) and "run_parameters" not in quarter.sql


# --- 1. archiving is an outcome of verification -----------------------------------------------------------------


def test_archived_at_intake_counts_as_a_timely_verification(wh):
    # U1 July: K1 archived after 1 working day, K2 verified after 3, K3 never verified (due 10 Jul), K4 verified
    # after 1.
    # Archiving is the verification's outcome: 3 of 4 within the limit (it was 2 of 4 when K1 counted as a miss).
    row = one(
        wh,
        "select verified_within_limit_share from marts.mart_complaint_period "
        "where scope_type = 'unit' and scope_id = 'U1' and period = '2026-07'",
    )
    assert row == (pytest.approx(3 / 4),)
    assert one(
        wh,
        "select verified_within_limit_share from marts.mart_complaint_unit_month "
        "where unit_id = 'U1' and month_start = date '2026-07-01'",
    ) == (pytest.approx(3 / 4),)
    k1 = one(wh, "select verification_outcome, workdays_to_verify from core.fct_complaint where complaint_id = 'K1'")
    assert k1 == ("archived", 1)


def test_verification_outcomes_are_the_contracts():
    # The statuses the SQL treats as the verification event are those the complaints contract names.
    import yaml

    root = Path(__file__).parent.parent
    spec = yaml.safe_load((root / "data_contracts" / "complaints.odcs.yaml").read_text())
    history = next(p for p in spec["schema"][0]["properties"] if p["name"] == "status_history")
    status = next(p for p in history["items"]["properties"] if p["name"] == "status")
    outcomes = next(p["value"] for p in status["customProperties"] if p["property"] == "verificationOutcomes")
    assert sorted(outcomes) == ["archived", "verified"]
    sql = (root / "sql" / "core" / "fct_complaint.sql").read_text()
    assert "h.status in ('verified', 'archived')" in sql


# --- 6. grade on the value rounded to two decimals --------------------------------------------------------------


def test_grade_on_the_value_rounded_to_two_decimals(wh):
    # U4 Q3: NRR 17/7 + 6 x 3 + 3.4 + 3.75 = 27.5786; IKM 3.0643; converted 76.607 -> shown 76.61 -> B (76.61-88.30),
    # though the unrounded value is below 76.61 (it was graded C).
    total = 17 / 7 + 6 * 3 + 3.4 + 3.75
    row = one(
        wh,
        "select ikm_converted, mutu, kinerja from marts.mart_ikm_period "
        "where scope_type = 'unit' and scope_id = 'U4' and period = '2026-Q3'",
    )
    assert row == (pytest.approx(total / 9 * 25), "B", "Baik")
    assert round(row[0], 2) == 76.61
    assert one(wh, "select mutu from marts.mart_ikm_unit_quarter where unit_id = 'U4' and quarter = '2026-Q3'") == (
        "B",
    )
    comment = one(
        wh,
        "select column_description from marts.data_dictionary "
        "where table_name = 'mart_ikm_period' and column_name = 'mutu'",
    )[0]
    assert "rounded to two decimals" in comment


# --- 4. no grade on an unsur nobody answered --------------------------------------------------------------------


def test_no_grade_when_an_unsur_of_the_method_has_no_answer(wh):
    # U3 Q3: both respondents left U4 (biaya/tarif) empty: 8 of 9 unsur answered. The sum of eight NRR (32 / 9 x 25
    # = 88.89) is not an IKM: no grade, and the reason says which unsur.
    row = one(
        wh,
        "select unsur_answered, mutu, kinerja, no_grade_reason from marts.mart_ikm_period "
        "where scope_type = 'unit' and scope_id = 'U3' and period = '2026-Q3'",
    )
    assert row[:3] == (8, None, None)
    assert "Biaya/tarif" in row[3]
    row = one(
        wh,
        "select unsur_answered, mutu, no_grade_reason from marts.mart_ikm_unit_quarter "
        "where unit_id = 'U3' and quarter = '2026-Q3'",
    )
    assert row[:2] == (8, None) and "Biaya/tarif" in row[2]
    # Bali pools U3 with U4, who answered U4: all nine unsur, a grade and no reason.
    assert one(
        wh,
        "select unsur_answered, no_grade_reason from marts.mart_ikm_period "
        "where scope_type = 'province' and scope_id = 'Bali' and period = '2026-Q3'",
    ) == (9, None)


# --- 3. the survey method is the file's -------------------------------------------------------------------------


def test_survey_method_is_decided_per_file(wh):
    # E2 left u10..u14 empty in a 2004 export: a 2004 respondent, not a 2017 one, and the file is not quarantined.
    rows = wh.execute(
        "select respondent_id, method from core.fct_survey_response where unit_id = 'U2' order by respondent_id"
    ).fetchall()
    assert rows == [
        ("C1", "permenpanrb_14_2017"),
        ("D1", "kepmenpan_25_2004"),
        ("D2", "kepmenpan_25_2004"),
        ("E1", "kepmenpan_25_2004"),
        ("E2", "kepmenpan_25_2004"),
    ]


def test_derive_decides_the_method_per_file():
    from dataclasses import replace

    import polars as pl

    from pipelines.contracts import contract
    from pipelines.parsing import FILE, _derive
    from pipelines.profiles import profile

    blank = {f"u{i}": [None, None, None] for i in range(1, 15)}
    # File 0: one respondent answered u10, the other left u10..u14 empty; file 1 has no answer there.
    answers = {f"u{i}": pl.Int64 for i in range(1, 15)}
    frame = pl.DataFrame({FILE: [0, 0, 1], **blank, "u10": [3, None, None]}, schema_overrides=answers)
    canonical = profile("survey", "canonical")
    nine = [f"u{i}" for i in range(1, 10)]
    assert _derive(frame, contract("survey_responses"), canonical, nine)["method"].to_list() == [
        "kepmenpan_25_2004",
        "kepmenpan_25_2004",
        "permenpanrb_14_2017",
    ]
    # An export with u10..u14 columns is 2004 even when nobody answered them; a profile may say so for every file.
    empty = frame.with_columns(pl.lit(None, pl.Int64).alias("u10"))
    fourteen = [f"u{i}" for i in range(1, 15)]
    assert set(_derive(empty, contract("survey_responses"), canonical, fourteen)["method"]) == {"kepmenpan_25_2004"}
    told = replace(canonical, survey_method="kepmenpan_25_2004")
    assert set(_derive(empty, contract("survey_responses"), told, nine)["method"]) == {"kepmenpan_25_2004"}


# --- 10. control limits only from enough history ----------------------------------------------------------------


def test_control_limits_need_a_minimum_of_points(wh):
    sql = (
        "select points, centre_line, ucl, lcl, flagged, limits_status from marts.mart_kpi_control "
        "where grain = ? and scope_type = 'unit' and scope_id = 'U1' and kpi = 'queue_wait_mean_minutes' "
        "and period_start = ?"
    )
    # Monthly: three points (July, August, September) are too few for limits: none published, nothing flagged.
    row = one(wh, sql, ["month", "2026-09-01"])
    assert row[:5] == (3, None, None, None, False)
    assert row[5] == "not enough history: 3 of 8 points"
    # Weekly: 14 points. Mean (13 x 10 + 24) / 14 = 11; moving ranges twelve 0 and one 14 -> mean 14/13;
    # UCL 11 + 2.66 x 14/13 = 13.86: the last week's 24 is beyond it.
    row = one(wh, sql, ["week", "2026-09-28"])
    mr_bar = 14 / 13
    limits = (pytest.approx(11 + 2.66 * mr_bar), pytest.approx(11 - 2.66 * mr_bar))
    assert row[:5] == (14, pytest.approx(11), *limits, True)
    assert row[5] == "limits from 14 points"


# --- 9. complaints stuck at responded close automatically -------------------------------------------------------


def test_complaints_stuck_at_responded_close_after_the_configured_working_days(wh):
    # K4 responded Thu 16 Jul; 5 working days without a reply -> closed automatically Thu 23 Jul; 8 working days
    # after receipt (Mon 13 Jul) is Thu 23 Jul as well: closed by Mutu's closure deadline.
    row = one(
        wh,
        "select cast(closed_at as date), closed_automatically, is_open, workdays_to_close "
        "from core.fct_complaint where complaint_id = 'K4'",
    )
    assert row == (date(2026, 7, 23), True, False, 8)
    # U1 July: K3 still open (never verified); K1 archived; K2 closed; K4 closed automatically.
    july = "from marts.mart_complaint_period where scope_type = 'unit' and scope_id = 'U1' and period = '2026-07'"
    assert one(wh, f"select complaints_open, complaints_closed, complaints_closed_automatically {july}") == (1, 2, 1)
    assert one(wh, f"select auto_close_workdays {july}") == (5,)


def test_the_closing_rule_is_explicit_and_the_8_day_limit_labelled_as_mutus(wh):
    docs = dict(
        wh.execute(
            "select column_name, column_description from marts.data_dictionary "
            "where table_name = 'mart_complaint_period'"
        ).fetchall()
    )
    assert "Mutu's own rule" in docs["closed_within_limit_share"]
    assert "MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS" in docs["complaints_closed_automatically"]


@pytest.mark.parametrize("value", ["ten", "-1", "2.5"])
def test_auto_close_setting_is_validated(monkeypatch, value):
    from pipelines.errors import SettingsError
    from pipelines.settings import complaint_auto_close_workdays

    monkeypatch.setenv("MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS", value)
    with pytest.raises(SettingsError, match="MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS"):
        complaint_auto_close_workdays()


def test_auto_close_default_and_off(monkeypatch):
    from pipelines.settings import complaint_auto_close_workdays

    monkeypatch.delenv("MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS", raising=False)
    assert complaint_auto_close_workdays() == 10
    monkeypatch.setenv("MUTU_COMPLAINT_AUTO_CLOSE_WORKDAYS", "0")
    assert complaint_auto_close_workdays() is None


# --- 7. each source judged against its own latest day -----------------------------------------------------------


def test_each_source_has_its_own_as_of_date(wh):
    import datetime as dt

    assert dict(wh.execute("select source, as_of_date from core.dim_source_as_of").fetchall()) == {
        "queue": dt.date(2026, 9, 30),
        "survey": dt.date(2026, 8, 20),
        "complaints": dt.date(2026, 9, 18),
    }
    sql = "select distinct as_of_date from marts.{} where scope_type = 'unit' and scope_id = 'U1'"
    assert wh.execute(sql.format("mart_complaint_period")).fetchall() == [(dt.date(2026, 9, 18),)]
    assert wh.execute(sql.format("mart_queue_period")).fetchall() == [(dt.date(2026, 9, 30),)]
    assert wh.execute(sql.format("mart_ikm_period")).fetchall() == [(dt.date(2026, 8, 20),)]


def test_complaints_are_judged_against_the_complaint_exports_last_day(wh):
    # U1 September: K5 verified in 1 working day, K7 the same day; K6 (due Mon 21 Sep) is not judged on 18 Sep.
    # Judged against the queue's 30 Sep it counted as a miss: 2/3.
    assert one(
        wh,
        "select verified_within_limit_share from marts.mart_complaint_period "
        "where scope_type = 'unit' and scope_id = 'U1' and period = '2026-09'",
    ) == (pytest.approx(1.0),)
    # K5's automatic closure (23 Sep) lies after the complaints' last day: still open.
    k5 = one(wh, "select is_open, closed_automatically from core.fct_complaint where complaint_id = 'K5'")
    assert k5 == (True, False)


# --- 5. both survey methods side by side ------------------------------------------------------------------------


def test_scorecard_keeps_both_methods_of_a_scope(wh):
    # Papua Q3: U1 (2017: 3 respondents answering 4 -> 100.00 A) and U2 (2004: 4 respondents answering 3 -> 75.00 B).
    row = one(
        wh,
        "select ikm_2017_converted, mutu_2017, respondents_2017, "
        "ikm_2004_converted, mutu_2004, respondents_2004 "
        "from marts.mart_balanced_scorecard_period "
        "where scope_type = 'province' and scope_id = 'Papua' and period = '2026-Q3'",
    )
    assert row == (pytest.approx(100.0), "A", 3, pytest.approx(75.0), "B", 4)


def test_effectiveness_keeps_both_methods_of_a_unit(wh):
    # U2's year 2026 holds C1 (2017, Q2: 50.00) and its 2004 surveys (75.00): both judged against the target of 60.
    rows = wh.execute(
        "select ikm_method, realisation, status from marts.mart_effectiveness_period "
        "where unit_id = 'U2' and period = '2026' and indicator = 'ikm_converted' "
        "order by ikm_method"
    ).fetchall()
    assert rows == [
        ("kepmenpan_25_2004", pytest.approx(75.0), "met"),
        ("permenpanrb_14_2017", pytest.approx(50.0), "not met"),
    ]


# --- 8. Zona Integritas for a year in progress ------------------------------------------------------------------


def test_zi_grade_is_provisional_and_counts_adequate_quarters_only(wh):
    rows = {
        r[0]: r[1:]
        for r in wh.execute(
            "select unit_id, surveys_held, surveys_with_adequate_sample, zi_survey_grade, grade_is_provisional, "
            "quarters_not_counted "
            "from marts.mart_zi_survey_unit_year where year = 2026"
        ).fetchall()
    }
    # U1: Q2 (1 respondent of the 3 required) and Q3 (3 of 3): one survey counts -> D, provisional (2026 not over).
    assert rows["U1"][:4] == (2, 1, "D", True)
    assert rows["U1"][4] == "2026-Q2: 1 respondent(s), fewer than the Krejcie-Morgan minimum of 3"
    # U2: Q2 (C1 alone, 1 of 2) and Q3 (4 respondents): D. U4: Q3 with 7 of 7: D, nothing left out.
    assert rows["U2"][:4] == (2, 1, "D", True)
    assert rows["U4"][:5] == (1, 1, "D", True, None)
