"""Exports as units deliver them: a month of complaints, a quarter of survey answers, a queue file called
`export.csv`. Every record loads on its own day, every file has one line in the row accounting and in the
printed summary, and replacing a multi-day file restates exactly the days it touched (issue 14)."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.cli import _summary
from pipelines.generate import generate_landing
from pipelines.generate.vendor_formats import ESKM_SHEET
from pipelines.orchestration import run_everything

START = date(2026, 7, 22)  # 14 days: July's complaints in one monthly file, August's in daily files
MARTS = ("mart_queue_unit_day", "mart_ikm_period", "mart_complaint_period", "mart_queue_period")
FACTS = ("core.fct_queue_ticket", "core.fct_survey_response", "core.fct_complaint")


def _concat(files: list[Path], out: Path, header: bool, encoding: str = "utf-8") -> None:
    """One export of several days, as a unit's system writes it: one header, the days' records in order."""
    lines: list[str] = []
    for i, path in enumerate(sorted(files, key=_day_of)):
        text = path.read_text(encoding="utf-8-sig" if encoding == "utf-8" else encoding).splitlines()
        lines += text if i == 0 or not header else text[1:]
        path.unlink()
    out.write_text("\n".join(lines) + "\n", encoding=encoding)


def _day_of(path: Path) -> date:
    stamp = path.stem.rsplit("_", 1)[-1]
    return date.fromisoformat(stamp) if stamp[4] == "-" else datetime.strptime(stamp, "%d-%m-%Y").date()


def _concat_workbooks(files: list[Path], out: Path) -> None:
    """The e-SKM app's daily workbooks as one export: its sheet's rows, one header; unreadable ones stay as landed."""
    from openpyxl import Workbook
    from python_calamine import CalamineError, CalamineWorkbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(ESKM_SHEET)
    for i, path in enumerate(sorted(files, key=_day_of)):
        try:
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(ESKM_SHEET).to_python()
        except CalamineError:
            continue
        for row in rows if i == 0 else rows[1:]:
            sheet.append([int(v) if isinstance(v, float) and v.is_integer() else v for v in row])
        path.unlink()
    book.save(out)


def _split_by_day(generated: Path) -> Path:
    """The generator's monthly and quarterly exports cut into one file per day: the baseline every file of which
    carries its day in its name."""
    for path in list((generated / "complaints" / "canonical").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            day = json.loads(line)["submitted_at"][:10]
            with (path.parent / f"complaints_{day}.jsonl").open("a") as out:
                out.write(line + "\n")
        path.unlink()
    for path in list((generated / "survey" / "canonical").glob("skm_*.csv")):
        header, *lines = path.read_text(encoding="utf-8-sig").splitlines()
        unit = path.name.split("_")[1]
        days: dict[str, list[str]] = {}
        for line in lines:
            days.setdefault(line.split(",")[1][:10], []).append(line)
        for day, records in days.items():
            (path.parent / f"survey_{unit}_{day}.csv").write_text("\n".join([header, *records]) + "\n")
        path.unlink()
    return generated


def _as_delivered(daily: Path, root: Path) -> Path:
    landing = root / "landing"
    shutil.copytree(daily, landing)
    complaints, survey, queue = (landing / s / "canonical" for s in ("complaints", "survey", "queue"))
    _concat(list(complaints.glob("complaints_2026-07-*.jsonl")), complaints / "complaints_2026-07.jsonl", header=False)
    unit = sorted(p.name.split("_")[1] for p in survey.glob("survey_*.csv"))[0]
    _concat(list(survey.glob(f"survey_{unit}_*.csv")), survey / f"skm_{unit}_2026q3.csv", header=True)
    first, second = sorted({p.name.split("_")[1] for p in queue.glob("queue_*.csv")})[:2]
    _concat(list(queue.glob(f"queue_{first}_*.csv")), queue / "export.csv", header=True)
    # Names carrying a span of days (their last day is no partition) and a month, vendor profiles included.
    span = f"{START:%Y-%m-%d}_{START + timedelta(days=13):%Y-%m-%d}"
    _concat(list(queue.glob(f"queue_{second}_*.csv")), queue / f"queue_{second}_{span}.csv", header=True)
    vendor = landing / "queue" / "antrian_id"
    unit = sorted(p.name.split("_")[1] for p in vendor.glob("antrian_*.csv"))[0]
    span = f"{START:%d-%m-%Y}_{START + timedelta(days=13):%d-%m-%Y}"
    _concat(list(vendor.glob(f"antrian_{unit}_*.csv")), vendor / f"antrian_{unit}_{span}.csv", True, "cp1252")
    workbooks = landing / "survey" / "eskm_xlsx"
    unit = sorted(p.name.split("_")[1] for p in workbooks.glob("eskm_*.xlsx"))[0]
    _concat_workbooks(list(workbooks.glob(f"eskm_{unit}_*.xlsx")), workbooks / f"eskm_{unit}_{START:%Y-%m}.xlsx")
    return landing


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("real_exports")
    daily = root / "daily"
    generate_landing(daily, units=3, days=14, start=START, seed=11)
    _split_by_day(daily)
    delivered = _as_delivered(daily, root)
    run_everything(daily, root / "home_daily")
    run_everything(delivered, root / "home_delivered")
    return root, daily, delivered


def _rows(home: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(home / "warehouse" / "mutu.duckdb"), read_only=True) as con:
        rows = con.execute(sql).fetchall()
    # Sums over the same rows in another order differ in the last bits: compare to 9 significant digits.
    return [tuple(float(f"{v:.9g}") if isinstance(v, float) else v for v in row) for row in rows]


def test_every_record_of_multi_day_files_loads_on_its_own_day(runs):
    root, _, _ = runs
    for table in FACTS:
        every_column = f"select columns(lambda c: c <> 'source_file') from {table} order by all"
        daily, delivered = _rows(root / "home_daily", every_column), _rows(root / "home_delivered", every_column)
        assert daily and delivered == daily, table
    for mart in MARTS:
        delivered, daily = (
            _rows(root / home, f"from marts.{mart} order by all") for home in ("home_delivered", "home_daily")
        )
        assert daily and delivered == daily, mart


def test_each_file_has_one_line_in_the_accounting_and_in_the_summary(runs):
    root, _, delivered = runs
    home = root / "home_delivered"
    landed = sorted(
        str(p.relative_to(delivered))
        for s in ("queue", "survey", "complaints")
        for p in (delivered / s).rglob("*")
        if p.is_file()
    )
    lines = _rows(
        home,
        "select source_file, rows_in, rows_loaded, rows_quarantined, days from audit.row_accounting "
        "where dataset in ('queue_tickets', 'survey_responses', 'complaints') order by source_file",
    )
    assert [line[0] for line in lines] == landed
    assert all(rows_in == loaded + quarantined for _, rows_in, loaded, quarantined, _ in lines)
    days = {line[0]: line[4] for line in lines}
    monthly = delivered / "complaints" / "canonical" / "complaints_2026-07.jsonl"
    export = (delivered / "queue" / "canonical" / "export.csv").read_text().splitlines()[1:]
    assert (
        days["complaints/canonical/complaints_2026-07.jsonl"]
        == len({json.loads(line)["submitted_at"][:10] for line in monthly.read_text().splitlines()})
        > 5
    )
    assert days["queue/canonical/export.csv"] == len({line.split(",")[6][:10] for line in export}) > 5
    printed = _summary(home / "warehouse" / "mutu.duckdb")
    for name in ("complaints/canonical/complaints_2026-07.jsonl", "queue/canonical/export.csv"):
        assert sum(name in line for line in printed.splitlines()) == 1, printed
    assert "survey/canonical/skm_" in printed


def _marts(home: Path) -> dict[str, list[tuple]]:
    return {m: _rows(home, f"from marts.{m} order by all") for m in MARTS}


def test_a_corrected_monthly_export_restates_exactly_its_days(runs):
    root, _, delivered = runs
    home, landing = root / "home_corrected", root / "landing_corrected"
    shutil.copytree(root / "home_delivered", home)
    shutil.copytree(delivered, landing)
    monthly = landing / "complaints" / "canonical" / "complaints_2026-07.jsonl"
    records = [json.loads(line) for line in monthly.read_text().splitlines()]
    before = {r["submitted_at"][:10] for r in records}
    dropped_day = sorted(before)[1]
    corrected = [r for r in records if r["submitted_at"][:10] != dropped_day]  # the corrected export drops a day
    corrected[0]["category"] = "pungli"  # and recategorises one complaint
    monthly.write_text("".join(json.dumps(r) + "\n" for r in corrected))

    run_everything(landing, home)
    plan = json.loads((home / "run_stats.json").read_text())["plan"]
    assert plan["stale_partitions"] == {"queue": 0, "survey": 0, "complaints": len(before)}
    assert _rows(home, f"select count(*) from core.fct_complaint where received_date = '{dropped_day}'") == [(0,)]

    fresh = root / "home_corrected_full"
    run_everything(landing, fresh)
    assert _marts(home) == _marts(fresh)


def test_an_export_named_by_the_day_it_was_exported_counts_in_its_records_periods(runs):
    """A month of complaints named by the day it was exported (`complaints_july_2026-08-04.jsonl`) while
    the queue and survey exports start in August: its records keep their own days and count in July's periods.
    The calendar started a week before the first staged day, so July had no periods and its complaints dropped out
    of every period mart without a word; it now starts at the earliest record."""
    root, daily, _ = runs
    august = date(2026, 8, 1)
    baseline = root / "landing_august"
    shutil.copytree(daily, baseline)
    for source in ("queue", "survey"):
        for path in [p for p in (baseline / source).rglob("*") if p.is_file()]:
            if _day_of(path) < august:
                path.unlink()
    exported = root / "landing_exported"
    shutil.copytree(baseline, exported)
    complaints = exported / "complaints" / "canonical"
    july = [p for p in complaints.glob("complaints_*.jsonl") if _day_of(p) < august]
    # Exported on the last day, beside that day's own file: the data is as of the same day as the baseline's.
    _concat(july, complaints / f"complaints_july_{START + timedelta(days=13):%Y-%m-%d}.jsonl", header=False)

    run_everything(baseline, root / "home_august")
    run_everything(exported, root / "home_exported")
    july_complaints = (
        "select sum(complaints_received) from marts.mart_complaint_period "
        "where period_type = 'month' and period = '2026-07' and scope_type = 'unit'"
    )
    assert _rows(root / "home_exported", july_complaints) == _rows(root / "home_august", july_complaints) != [(None,)]
    for table in (*FACTS, *(f"marts.{m}" for m in MARTS)):
        every_column = f"select columns(lambda c: c <> 'source_file') from {table} order by all"
        assert _rows(root / "home_exported", every_column) == _rows(root / "home_august", every_column), table


def test_a_fortnight_of_tickets_named_by_its_export_day_loads_every_ticket_on_its_own_day(runs):
    """`queue_<unit>_2026-08-04.csv` holding the unit's fortnight, named by the day it was exported. On the name's
    day its tickets were key conflicts (ticket numbers restart every day): nearly all quarantined. Staging finds its
    records on other days, and the run stages them again dated by their records, before the build: every fact and
    mart equals the daily baseline. The file stays dated so (a later run stages nothing), and a corrected export
    restates its days as a fresh build does."""
    root, daily, _ = runs
    landing, home = root / "landing_queue_export", root / "home_queue_export"
    shutil.copytree(daily, landing)
    queue = landing / "queue" / "canonical"
    unit = sorted(p.name.split("_")[1] for p in queue.glob("queue_*.csv"))[0]
    exported = f"queue_{unit}_{START + timedelta(days=13):%Y-%m-%d}.csv"
    days = sorted(queue.glob(f"queue_{unit}_*.csv"))
    _concat(days, queue / exported, header=True)

    run_everything(landing, home)
    assert json.loads((home / "run_stats.json").read_text())["plan"]["dated_by_records"] == [
        f"queue/canonical/{exported}"
    ]
    assert _rows(home, f"select dated_by, days from audit.row_accounting where source_file like '%{exported}'") == [
        ("records", len(days))
    ]
    for table in (*FACTS, *(f"marts.{m}" for m in MARTS)):
        every_column = f"select columns(lambda c: c <> 'source_file') from {table} order by all"
        assert _rows(home, every_column) == _rows(root / "home_daily", every_column), table

    run_everything(landing, home)
    plan = json.loads((home / "run_stats.json").read_text())["plan"]
    assert set(plan["stale_partitions"].values()) == {0} and "dated_by_records" not in plan

    header, *records = (queue / exported).read_text().splitlines()
    dropped = f",{START + timedelta(days=3):%Y-%m-%d}T"
    (queue / exported).write_text("\n".join([header, *(r for r in records if dropped not in r)]) + "\n")
    run_everything(landing, home)
    run_everything(landing, root / "home_queue_export_fresh")
    assert _marts(home) == _marts(root / "home_queue_export_fresh")


def test_of_a_complaints_versions_in_two_days_exports_the_later_version_counts(small_landing, tmp_path):
    """A complaint's versions in two day partitions (an export re-sent later with an older state): the version whose
    last status change is latest counts (the contract's versionedBy: status_history), not the later day's file,
    which made a closed complaint open again."""
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    folder = landing / "complaints" / "canonical"
    source = folder / "complaints_2026-08-03.jsonl"
    lines = source.read_text().splitlines()
    newer = json.loads(lines[0])
    assert newer["status_history"][-1]["status"] == "closed"
    source.write_text("".join(line + "\n" for line in lines[1:]))
    older = {**newer, "status_history": newer["status_history"][:1]}
    (folder / "complaints_closed_2026-08-14.jsonl").write_text(json.dumps(newer) + "\n")
    (folder / "complaints_resent_2026-08-20.jsonl").write_text(json.dumps(older) + "\n")
    run_everything(landing, tmp_path / "home")
    counted = (
        "select current_status, closed_at is not null from core.fct_complaint "
        f"where complaint_id = '{newer['complaint_id']}'"
    )
    assert _rows(tmp_path / "home", counted) == [("closed", True)]


def test_a_source_whose_only_file_is_unreadable_is_listed(small_landing, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(small_landing, landing)
    shutil.rmtree(landing / "complaints" / "canonical")
    (landing / "complaints" / "canonical").mkdir()
    (landing / "complaints" / "canonical" / "export.jsonl").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    run_everything(landing, tmp_path / "home")
    warehouse = tmp_path / "home" / "warehouse" / "mutu.duckdb"
    assert _rows(
        tmp_path / "home", "select dataset, file_status from audit.row_accounting where source_file like 'complaints/%'"
    ) == [("complaints", "rejected")]
    printed = _summary(warehouse)
    assert any(line.strip().startswith("complaints") for line in printed.splitlines())
    assert "REJECTED complaints/canonical/export.jsonl: " in printed and "binary" in printed
    assert printed.count("export.jsonl") == 1  # the reader's message, with the file's full path, is not repeated


def test_a_landing_whose_every_record_is_quarantined_publishes_and_says_why(small_landing, tmp_path, capsys):
    """Quarantined rows are a result, not a failure: with no period holding data the pack has nothing to draw, and
    the run says so and lists the file (the run failed with 'the warehouse holds no period with data' and printed no
    summary)."""
    from pipelines.cli import main

    landing = tmp_path / "landing"
    shutil.copytree(small_landing / "reference", landing / "reference")
    (landing / "queue" / "canonical").mkdir(parents=True)
    header, ticket = sorted((small_landing / "queue" / "canonical").glob("*.csv"))[0].read_text().splitlines()[:2]
    fields = ticket.split(",")
    fields[1] = "no-such-unit"
    (landing / "queue" / "canonical" / "export.csv").write_text(f"{header}\n{','.join(fields)}\n")
    assert main(["run", "--landing", str(landing), "--home", str(tmp_path / "home")]) == 0
    out, err = capsys.readouterr()
    assert "review pack: nothing to draw: no period has data yet" in err
    assert "queue/canonical/export.csv" in out and "quarantined 1" in out
