"""The synthetic landing zone: deterministic, laid out as docs/landing-zone.md says, plausible, and
clean unless defects are asked for."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path

import holidays
import openpyxl
import polars as pl
import pytest

from pipelines.generate import generate_landing
from pipelines.vocabularies import normalise, vocabulary
from tests.conftest import ANTRIAN_U2_0730, ESKM_HEADER, SERVICES
from tests.conftest import QUEUE_HEADER as CANONICAL_QUEUE_HEADER

START = date(2026, 8, 10)  # three weeks holding Independence Day (17 Aug) and Maulid Nabi (25 Aug)
DAYS = 21
UNITS = 6
LAST = START + timedelta(days=DAYS - 1)
DAYS_OFF = holidays.Indonesia(years=[2026], categories=("public", "government"))

QUEUE_HEADER = CANONICAL_QUEUE_HEADER.split(",")
ANTRIAN_HEADER = ANTRIAN_U2_0730.split("\r\n")[0].split(";")
SURVEY_HEAD = ["respondent_id", "submitted_at", "unit_id", "service_code", "gender", "age", "education", "occupation"]
ISO_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
VENDOR_MINUTES = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
FILE_PATTERNS = (
    re.compile(r"^reference/(units|services|targets)\.csv$"),
    re.compile(r"^queue/canonical/queue_[A-Z]{3}-\d{4}_\d{4}-\d{2}-\d{2}\.csv$"),
    re.compile(r"^queue/antrian_id/antrian_[A-Z]{3}-\d{4}_\d{2}-\d{2}-\d{4}\.csv$"),
    re.compile(r"^survey/canonical/survey_[A-Z]{3}-\d{4}_\d{4}-\d{2}-\d{2}\.csv$"),
    re.compile(r"^survey/canonical/skm_[A-Z]{3}-\d{4}_\d{4}q[1-4]\.csv$"),  # a quarter's export (2004-method unit)
    re.compile(r"^survey/eskm_xlsx/eskm_[A-Z]{3}-\d{4}_\d{4}-\d{2}-\d{2}\.xlsx$"),
    re.compile(r"^complaints/canonical/complaints_\d{4}-\d{2}\.jsonl$"),  # a month's export
)


def _generate(root: Path, **overrides) -> dict:
    arguments = {"units": UNITS, "days": DAYS, "start": START, "seed": 7, "defects": 0.0, **overrides}
    return generate_landing(root, **arguments)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("clean")
    return root, _generate(root)


@pytest.fixture(scope="module")
def defective(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("defective")
    return root, _generate(root, defects=0.05)


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


def _csv_rows(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(path.read_bytes().decode(encoding), newline=""), delimiter=delimiter)
    return list(reader.fieldnames or []), list(reader)


def _reference(root: Path, name: str) -> list[dict]:
    return _csv_rows(root / "reference" / f"{name}.csv")[1]


def _file_date(name: str) -> date | None:
    """The day in a daily file's name; None for a month's or quarter's export (dated by its records)."""
    found = re.search(r"(\d{4}-\d{2}-\d{2})\.(csv|xlsx|jsonl)$", name)
    if found:
        return date.fromisoformat(found.group(1))
    found = re.search(r"(\d{2})-(\d{2})-(\d{4})\.csv$", name)
    if found:
        day, month, year = found.groups()
        return date(int(year), int(month), int(day))
    return None


def _in_file_span(timestamp: str, name: str) -> bool:
    """A record lies in the span its file's name gives: the day, the month (2026-08) or the quarter (2026q3)."""
    day = date.fromisoformat(timestamp[:10])
    if _file_date(name):
        return day == _file_date(name)
    month = re.search(r"_(\d{4})-(\d{2})\.jsonl$", name)
    if month:
        return (day.year, day.month) == (int(month.group(1)), int(month.group(2)))
    year, quarter = re.search(r"_(\d{4})q([1-4])\.csv$", name).groups()
    return day.year == int(year) and (day.month - 1) // 3 + 1 == int(quarter)


def _record_days(path: Path) -> set[date]:
    """The days a multi-day export's records fall on."""
    if path.suffix == ".jsonl":
        return {
            date.fromisoformat(json.loads(line)["submitted_at"][:10])
            for line in path.read_text().splitlines()
            if line.strip()
        }
    header, rows = _csv_rows(path)
    return {date.fromisoformat(r["submitted_at"][:10]) for r in rows}


# ---- determinism -----------------------------------------------------------------------------------


def test_same_seed_gives_identical_files(tmp_path, defective):
    root, summary = defective
    again = _generate(tmp_path, defects=0.05)
    first, second = _files(root), _files(tmp_path)
    assert summary == again
    assert list(first) == list(second)
    for name, path in first.items():
        if name.endswith(".xlsx") and _opens_as_workbook(path):
            assert _sheet_values(path) == _sheet_values(second[name]), name
        # Workbooks too: fixed package times make them byte-identical, not just equal in content.
        assert path.read_bytes() == second[name].read_bytes(), name


def test_other_seed_gives_other_data(tmp_path, clean):
    root, summary = clean
    other = _generate(tmp_path, seed=8)
    assert other["units"] == summary["units"]  # the same units, other tickets
    name = f"queue/canonical/queue_{summary['units'][0]}_{START.isoformat()}.csv"
    assert (root / name).read_bytes() != (tmp_path / name).read_bytes()


# ---- layout -----------------------------------------------------------------------------------------


def test_every_file_is_where_the_spec_puts_it(clean):
    root, summary = clean
    files = _files(root)
    assert summary["files"] == len(files)
    for name in files:
        assert any(p.match(name) for p in FILE_PATTERNS), name
    for name, path in files.items():
        if not name.startswith("reference/"):
            days = {_file_date(name)} if _file_date(name) else _record_days(path)
            assert all(START <= day <= LAST for day in days), name
    assert any(n.startswith("complaints/") and _file_date(n) is None for n in files)  # monthly exports
    assert any(n.startswith("survey/") and _file_date(n) is None for n in files)  # a quarterly export
    assert summary["first_date"] == START.isoformat() and summary["last_date"] == LAST.isoformat()


def test_summary_counts_match_the_files(clean):
    root, summary = clean
    files = _files(root)
    queue = sum(len(_csv_rows(p)[1]) for n, p in files.items() if n.startswith("queue/canonical/"))
    queue += sum(len(_csv_rows(p, "cp1252", ";")[1]) for n, p in files.items() if n.startswith("queue/antrian_id/"))
    survey = sum(len(_csv_rows(p)[1]) for n, p in files.items() if n.startswith("survey/canonical/"))
    survey += sum(len(_sheet_values(p)) - 1 for n, p in files.items() if n.endswith(".xlsx"))
    complaints = sum(len(p.read_text(encoding="utf-8").splitlines()) for n, p in files.items() if n.endswith(".jsonl"))
    assert (summary["queue_rows"], summary["survey_rows"], summary["complaint_rows"]) == (queue, survey, complaints)
    assert summary["defect_rows"] == 0 and summary["defect_files"] == 0


def test_reference_headers_and_keys(clean):
    root, summary = clean
    assert _csv_rows(root / "reference/units.csv")[0] == [
        "unit_id",
        "unit_name",
        "agency",
        "province",
        "regency",
        "timezone",
        "annual_users",
    ]
    assert _csv_rows(root / "reference/services.csv")[0] == SERVICES.splitlines()[0].split(",")
    assert _csv_rows(root / "reference/targets.csv")[0] == ["unit_id", "year", "indicator", "target"]
    units = _reference(root, "units")
    assert [u["unit_id"] for u in units] == summary["units"] and len(units) == UNITS
    assert all(re.fullmatch(r"[A-Z]{3}-\d{4}", u["unit_id"]) for u in units)
    assert len({u["province"] for u in units}) >= 2
    assert len({u["timezone"] for u in units}) >= 2
    assert {u["timezone"] for u in units} <= {"Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"}
    assert all(5000 <= int(u["annual_users"]) <= 60000 for u in units)


def test_services_publish_standards_and_one_changes_mid_period(clean):
    root, _ = clean
    services = _reference(root, "services")
    per_unit: dict[str, set[str]] = {}
    for s in services:
        per_unit.setdefault(s["unit_id"], set()).add(s["service_code"])
        assert 15 <= int(s["max_wait_minutes"]) <= 60
        assert 5 <= int(s["standard_service_minutes"]) <= 30
        assert 0 <= int(s["completion_workdays"]) <= 14
        assert int(s["fee_idr"]) >= 0
    assert all(3 <= len(codes) <= 5 for codes in per_unit.values()) and len(per_unit) == UNITS
    assert any(int(s["fee_idr"]) > 0 for s in services) and any(int(s["fee_idr"]) == 0 for s in services)
    versions: dict[tuple[str, str], list[dict]] = {}
    for s in services:
        versions.setdefault((s["unit_id"], s["service_code"]), []).append(s)
    changed = [v for v in versions.values() if len(v) > 1]
    assert changed
    for old, new in (sorted(v, key=lambda s: s["valid_from"]) for v in changed):
        assert date.fromisoformat(old["valid_to"]) + timedelta(days=1) == date.fromisoformat(new["valid_from"])
        assert new["valid_to"] == ""
        assert START <= date.fromisoformat(new["valid_from"]) <= LAST


def test_targets_per_unit_and_year(clean):
    root, summary = clean
    targets = _reference(root, "targets")
    ranges = {
        "ikm_converted": (82.0, 88.0),
        "queue_sla_share": (0.85, 0.95),
        "complaint_closed_within_limit_share": (0.8, 0.9),
    }
    assert {(t["unit_id"], t["year"], t["indicator"]) for t in targets} == {
        (u, "2026", i) for u in summary["units"] for i in ranges
    }
    for t in targets:
        low, high = ranges[t["indicator"]]
        assert low <= float(t["target"]) <= high


def test_vendor_profiles_go_to_the_second_and_third_unit_and_legacy_to_the_last(clean):
    root, summary = clean
    files = _files(root)
    second, third, last = summary["units"][1], summary["units"][2], summary["units"][-1]
    assert {re.search(r"antrian_(.+?)_", p.name).group(1) for n, p in files.items() if "antrian_id/" in n} == {second}
    assert not any(f"queue_{second}_" in n for n in files)
    assert {re.search(r"eskm_(.+?)_", p.name).group(1) for n, p in files.items() if "eskm_xlsx/" in n} == {third}
    assert not any(f"survey_{third}_" in n for n in files)
    for name, path in files.items():
        if name.startswith("survey/canonical/"):
            header = _csv_rows(path)[0]
            unsur = 14 if f"_{last}_" in name else 9
            # Units with canonical queue and survey exports link respondents to tickets (generate/ticket_link.py).
            linked = ["ticket_id"] if f"_{last}_" not in name and f"_{second}_" not in name else []
            assert header == [*SURVEY_HEAD, *[f"u{i}" for i in range(1, unsur + 1)], "suggestion", *linked], name


# ---- queue -------------------------------------------------------------------------------------------


def _canonical_queue(root: Path) -> pl.DataFrame:
    frames = []
    for name, path in _files(root).items():
        if name.startswith("queue/canonical/"):
            header, rows = _csv_rows(path)
            assert header == QUEUE_HEADER, name
            frames.append(
                pl.DataFrame(rows, schema={c: pl.String for c in QUEUE_HEADER}, orient="row").with_columns(
                    _file=pl.lit(name), _day=pl.lit(_file_date(name))
                )
            )
    return pl.concat(frames)


def test_canonical_queue_is_consistent(clean):
    root, _ = clean
    tickets = _canonical_queue(root)
    stamps = ["issued_at", "called_at", "service_start_at", "service_end_at"]
    for column in stamps:
        values = tickets[column].filter(tickets[column] != "")
        assert values.str.contains(ISO_SECONDS.pattern).all(), column
    typed = tickets.with_columns(
        [
            pl.when(pl.col(c) != "").then(pl.col(c)).str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M:%S").alias(c)
            for c in stamps
        ]
    )
    assert (typed["issued_at"].dt.date() == typed["_day"]).all()
    ordered = typed.filter(pl.col("called_at").is_not_null())
    assert (ordered["called_at"] >= ordered["issued_at"]).all()
    served = typed.filter(pl.col("outcome") == "served")
    assert (served["service_start_at"] >= served["called_at"]).all()
    assert (served["service_end_at"] >= served["service_start_at"]).all()
    called = typed.filter(pl.col("outcome").is_in(["served", "no_show", "redirected"]))
    assert called["called_at"].null_count() == 0 and (called["counter_id"] != "").all()
    never = typed.filter(pl.col("outcome").is_in(["abandoned", "cancelled"]))
    assert never["called_at"].null_count() == never.height and (never["counter_id"] == "").all()
    unserved = typed.filter(pl.col("outcome") != "served")
    assert unserved["service_start_at"].null_count() == unserved.height
    assert unserved["service_end_at"].null_count() == unserved.height
    assert (unserved["fee_paid_idr"] == "").all()
    assert set(typed["priority"]) == {"true", "false"} and set(typed["channel"]) == {"walk_in", "online"}
    assert typed.group_by("_file", "ticket_id").len()["len"].max() == 1
    assert ((typed["unit_id"] + "_") == typed["_file"].str.extract(r"queue_(.+?_)")).all()


def test_queue_outcomes_arrivals_and_waits_are_plausible(clean):
    root, _ = clean
    tickets = _canonical_queue(root)
    shares = dict(tickets["outcome"].value_counts(normalize=True).iter_rows())
    assert 0.80 <= shares["served"] <= 0.90
    assert 0.03 <= shares["no_show"] <= 0.07 and 0.04 <= shares["abandoned"] <= 0.10
    assert 0.01 <= shares["cancelled"] <= 0.03 and 0.003 <= shares["redirected"] <= 0.02
    assert 0.04 <= (tickets["priority"] == "true").mean() <= 0.12
    assert 0.1 <= (tickets["channel"] == "online").mean() <= 0.4
    hours = tickets["issued_at"].str.slice(11, 2).cast(pl.Int32)
    assert hours.min() >= 7 and hours.max() <= 16
    morning_peak = ((hours >= 8) & (hours <= 10)).mean()
    assert morning_peak > 0.5  # the morning rush holds most tickets
    per_file = tickets.group_by("_file").len()["len"]
    assert per_file.min() >= 20 and per_file.max() <= 450


def test_queue_fees_follow_the_tarif_with_rare_irregular_charges(clean):
    root, _ = clean
    services = _reference(root, "services")

    def tarif(unit_id: str, code: str, day: date) -> int:
        (fee,) = [
            int(s["fee_idr"])
            for s in services
            if s["unit_id"] == unit_id
            and s["service_code"] == code
            and s["valid_from"] <= day.isoformat()
            and (not s["valid_to"] or day.isoformat() <= s["valid_to"])
        ]
        return fee

    served = _canonical_queue(root).filter(pl.col("outcome") == "served")
    lookup = {key: tarif(*key) for key in served.select("unit_id", "service_code", "_day").unique().iter_rows()}
    expected = [lookup[key] for key in served.select("unit_id", "service_code", "_day").iter_rows()]
    paid = [int(f) if f else 0 for f in served["fee_paid_idr"]]
    matches = sum(p == e for p, e in zip(paid, expected, strict=False))
    assert matches / len(paid) > 0.98
    assert any(p > 0 for p in paid)


def test_no_queue_or_complaint_files_on_sundays_or_holidays(clean):
    root, _ = clean
    for name, path in _files(root).items():
        if name.startswith(("queue/", "complaints/", "survey/")):
            for day in {_file_date(name)} if _file_date(name) else _record_days(path):
                assert day.weekday() != 6, name
                assert day not in DAYS_OFF, name
                if not name.startswith("queue/"):
                    assert day.weekday() < 5, name
    queue_days = {_file_date(n) for n in _files(root) if n.startswith("queue/")}
    assert date(2026, 8, 17) not in queue_days and date(2026, 8, 18) in queue_days


def test_antrian_vendor_file_is_windows_1252_with_semicolons(clean):
    root, _ = clean
    files = [p for n, p in _files(root).items() if n.startswith("queue/antrian_id/")]
    assert files
    words = {"selesai", "dilayani", "dilewati", "dipanggil", "menunggu", "batal", "dialihkan"}
    for path in files:
        raw = path.read_bytes()
        text = raw.decode("cp1252")
        assert text.startswith(";".join(ANTRIAN_HEADER) + "\r\n")
        header, rows = _csv_rows(path, "cp1252", ";")
        assert header == ANTRIAN_HEADER
        for row in rows:
            assert row["Status"] in words
            assert row["Prioritas"] in {"Ya", "Tidak"} and row["Jalur"] in {"Langsung", "Online"}
            for column in ("Waktu Ambil", "Waktu Panggil", "Mulai Layanan", "Selesai Layanan"):
                assert row[column] == "" or VENDOR_MINUTES.match(row[column]), row
            assert row["Biaya (Rp)"] == "" or re.fullmatch(r"\d+,\d{2}", row["Biaya (Rp)"]), row
            assert (row["Waktu Panggil"] == "") == (row["Status"] in {"menunggu", "batal"})
            assert (row["Mulai Layanan"] != "") == (row["Status"] == "selesai")
            assert row["Waktu Ambil"][:10] == _file_date(path.name).strftime("%d/%m/%Y")
            if row["Waktu Panggil"]:
                issued = datetime.strptime(row["Waktu Ambil"], "%d/%m/%Y %H:%M")
                assert datetime.strptime(row["Waktu Panggil"], "%d/%m/%Y %H:%M") >= issued


# ---- survey ------------------------------------------------------------------------------------------


def _sheet_values(path: Path) -> list[tuple]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        assert workbook.sheetnames == ["Responden"]
        return [tuple(row) for row in workbook["Responden"].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _canonical_survey_rows(root: Path) -> list[dict]:
    rows = []
    for name, path in _files(root).items():
        if name.startswith("survey/canonical/"):
            rows.extend({**row, "_file": name} for row in _csv_rows(path)[1])
    return rows


def test_canonical_survey_answers_and_profiles(clean):
    root, _ = clean
    rows = _canonical_survey_rows(root)
    assert rows
    assert len({r["respondent_id"] for r in rows}) == len(rows)
    answers = [r[k] for r in rows for k in r if re.fullmatch(r"u\d+", k)]
    assert set(answers) <= {"1", "2", "3", "4", ""}
    given = [int(a) for a in answers if a]
    assert 0.45 <= given.count(3) / len(given) <= 0.65  # skewed to "baik"
    assert 0.002 <= answers.count("") / len(answers) <= 0.03
    # Exports write S1, SMA/SMK, Laki-laki ...: every value is a spelling the survey profiles read.
    spellings = vocabulary("survey_respondent").spellings
    for row in rows:
        assert 17 <= int(row["age"]) <= 75
        for column in ("gender", "education", "occupation"):
            assert normalise(row[column]) in spellings[column], (column, row[column])
        assert ISO_SECONDS.match(row["submitted_at"]) and _in_file_span(row["submitted_at"], row["_file"])
    codes = {value for column in ("gender", "education", "occupation") for value in spellings[column].values()}
    assert {row[c] for row in rows for c in ("gender", "education", "occupation")} - codes  # not only the codes
    suggestions = [r["suggestion"] for r in rows if r["suggestion"]]
    assert 0.1 <= len(suggestions) / len(rows) <= 0.5
    # Per survey day 5–25 respondents, two days a week.
    per_day: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["unit_id"], row["submitted_at"][:10])
        per_day[key] = per_day.get(key, 0) + 1
    assert min(per_day.values()) >= 5 and max(per_day.values()) <= 25


def test_survey_suggestions_sometimes_carry_personal_data(tmp_path):
    generate_landing(tmp_path, units=3, days=92, start=date(2026, 7, 1), seed=7)
    suggestions = [r["suggestion"] for r in _canonical_survey_rows(tmp_path) if r["suggestion"]]
    assert any(re.search(r"\b(\+?62|0)8\d{8,11}\b", s) for s in suggestions)


def test_eskm_workbook_has_letters_and_personal_columns(clean):
    root, _ = clean
    paths = [p for n, p in _files(root).items() if n.endswith(".xlsx")]
    assert paths
    names = phones = 0
    for path in paths:
        values = _sheet_values(path)
        assert list(values[0]) == ESKM_HEADER
        for number, row in enumerate(values[1:], start=1):
            record = dict(zip(ESKM_HEADER, row, strict=False))
            assert record["No"] == number
            assert VENDOR_MINUTES.match(record["Tanggal"])
            assert record["Tanggal"][:10] == _file_date(path.name).strftime("%d/%m/%Y")
            assert {record[f"U{i}"] for i in range(1, 10)} <= {"a", "b", "c", "d", None}
            assert record["Jenis Kelamin"] in {"Laki-laki", "Perempuan"}
            names += bool(record["Nama"])
            phones += bool(record["No WhatsApp"])
    assert names > 0 and phones > 0


# ---- complaints ----------------------------------------------------------------------------------------


def _complaints(root: Path) -> list[dict]:
    records = []
    for name, path in _files(root).items():
        if name.endswith(".jsonl"):
            records.extend({**json.loads(line), "_file": name} for line in path.read_text("utf-8").splitlines())
    return records


def test_complaints_follow_the_status_flow_in_office_hours(clean):
    root, summary = clean
    records = _complaints(root)
    assert len(records) >= UNITS * 5
    assert len({r["complaint_id"] for r in records}) == len(records)
    cutoff = datetime.combine(LAST, time(16, 0))
    flow = ["received", "verified", "forwarded", "in_progress", "responded", "closed"]
    units = set(summary["units"])
    services = {(s["unit_id"], s["service_code"]) for s in _reference(root, "services")}
    for record in records:
        assert re.fullmatch(r"LAPOR-\d{4}-\d{6}", record["complaint_id"])
        assert record["unit_id"] in units and (record["unit_id"], record["service_code"]) in services
        assert _in_file_span(record["submitted_at"], record["_file"])
        history = record["status_history"]
        statuses = [h["status"] for h in history]
        assert history[0] == {"status": "received", "at": record["submitted_at"]}
        if "archived" in statuses:
            assert statuses[-1] == "archived" and statuses[:-1] in (["received"], ["received", "verified"])
        else:
            assert statuses == flow[: len(statuses)]
        moments = [datetime.fromisoformat(h["at"]) for h in history]
        assert moments == sorted(moments) and moments[-1] <= cutoff
        for moment in moments:
            assert moment.weekday() < 5 and moment.date() not in DAYS_OFF
            assert time(8, 0) <= moment.time() <= time(16, 0)
        assert record["anonymous"] == (record["reporter"] is None)
        if record["reporter"]:
            assert re.fullmatch(r"\d{16}", record["reporter"]["nik"])
            assert re.fullmatch(r"08\d{9,11}", record["reporter"]["phone"])
            assert "@" in record["reporter"]["email"]
        assert record["rating"] is None or 1 <= record["rating"] <= 5
        assert record["channel"] in {"web", "sms_1708", "app", "social_media", "walk_in", "letter"}
        assert record["type"] in {"pengaduan", "aspirasi", "permintaan_informasi"}
    open_at_end = [r for r in records if r["status_history"][-1]["status"] not in {"closed", "archived"}]
    assert open_at_end  # the most recent complaints are still being handled
    assert any(r["status_history"][-1]["status"] == "closed" for r in records)


# ---- defects -----------------------------------------------------------------------------------------


def test_defects_are_injected_when_asked(defective):
    root, summary = defective
    assert summary["defect_rows"] > 0 and summary["defect_files"] == 2
    answers = [r[k] for r in _canonical_survey_rows(root) for k in r if re.fullmatch(r"u\d+", k)]
    assert set(answers) - {"1", "2", "3", "4", ""}
    assert _complaint_defects(root, set(summary["units"])) > 0
    queue = pl.concat(
        [
            pl.read_csv(p, infer_schema=False, truncate_ragged_lines=True)
            for n, p in _files(root).items()
            if n.startswith("queue/canonical/")
        ]
    )
    bad_stamp = ~queue["issued_at"].str.contains(ISO_SECONDS.pattern)
    bad_fee = queue["fee_paid_idr"].is_not_null() & ~queue["fee_paid_idr"].str.contains(r"^\d+$")
    unknown_unit = ~queue["unit_id"].is_in(summary["units"])
    out_of_order = queue["called_at"].is_not_null() & (queue["called_at"] < queue["issued_at"]) & ~bad_stamp
    duplicated = queue.is_duplicated()
    assert (bad_stamp | bad_fee | unknown_unit | out_of_order | duplicated).sum() > 0


def _complaint_defects(root: Path, units: set[str]) -> int:
    found, seen = 0, set()
    for name, path in _files(root).items():
        if not name.endswith(".jsonl"):
            continue
        for line in path.read_text("utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                found += 1
                continue
            moments = [h["at"] for h in record["status_history"]]
            found += (
                record["complaint_id"] in seen
                or record["unit_id"] not in units
                or not ISO_SECONDS.match(record["submitted_at"])
                or moments != sorted(moments)
            )
            seen.add(record["complaint_id"])
    return found


def test_defect_kinds_reach_every_file_kind(tmp_path):
    summary = _generate(tmp_path, defects=0.02)
    assert summary["defect_rows"] >= 5 * 3  # at least a few in each kind of file
    cut = [p for p in (tmp_path / "survey/eskm_xlsx").iterdir() if not _opens_as_workbook(p)]
    assert len(cut) == 1


def _opens_as_workbook(path: Path) -> bool:
    try:
        _sheet_values(path)
        return True
    except Exception:
        return False


def test_rejects_impossible_arguments(tmp_path):
    with pytest.raises(ValueError):
        generate_landing(tmp_path, days=0)
    with pytest.raises(ValueError):
        generate_landing(tmp_path, defects=1.5)
    with pytest.raises(ValueError):
        generate_landing(tmp_path, units=0)
