"""The peer: the pandas + Great Expectations script an analyst would write instead of Mutu (issue 19).

Reads every landed queue, survey and complaint file (canonical CSV/JSONL and the two vendor exports),
validates 3 expectations per source with GX 1.x on the pandas frames, drops the rows that break them and
computes the headline KPIs: mean wait and SLA share per unit-month, IKM per unit-quarter, complaints per
unit-month. Deliberately plain; run as a fresh process so `make bench` times it like `mutu run`:

    python -m bench.peer LANDING --json OUT.json
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # offline, as Mutu runs it

import great_expectations as gx  # noqa: E402
import pandas as pd  # noqa: E402
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402

ANSWERS = [f"u{i}" for i in range(1, 15)]
VENDOR_QUEUE = {
    "No Antrian": "ticket_id",
    "Kode Layanan": "service_code",
    "Loket": "counter_id",
    "Waktu Ambil": "issued_at",
    "Waktu Panggil": "called_at",
    "Status": "outcome",
}
VENDOR_OUTCOME = {
    "selesai": "served",
    "dilayani": "served",
    "dipanggil": "no_show",
    "dilewati": "no_show",
    "menunggu": "abandoned",
    "batal": "cancelled",
    "dialihkan": "redirected",
}
OUTCOMES = ["served", "no_show", "abandoned", "cancelled", "redirected"]
ESKM = {
    "No": "respondent_id",
    "Tanggal": "submitted_at",
    "Kode Layanan": "service_code",
    **{f"U{i}": f"u{i}" for i in range(1, 10)},
}
LETTERS = {"a": "1", "b": "2", "c": "3", "d": "4"}
READ_FOLDERS = {"queue/canonical", "queue/antrian_id", "survey/canonical", "survey/eskm_xlsx", "complaints/canonical"}


def files(landing: Path, folder: str, pattern: str) -> list[Path]:
    return sorted((landing / folder).glob(pattern)) if (landing / folder).is_dir() else []


SKIPPED: list[str] = []  # files pandas cannot read: an analyst skips them and says so


def tolerant(reader, path: Path, **options) -> pd.DataFrame | None:
    try:
        return reader(path, **options)
    except Exception as exc:  # a damaged export, whatever the reader raises
        SKIPPED.append(f"{path.name}: {type(exc).__name__}")
        return None


def unit_from_name(path: Path) -> str:  # antrian_<unit>_<date>.csv, eskm_<unit>_<date>.xlsx
    return path.stem.split("_", 1)[1].rsplit("_", 1)[0]


def read_queue(landing: Path) -> pd.DataFrame:
    frames = [tolerant(pd.read_csv, p, dtype=str) for p in files(landing, "queue/canonical", "*.csv")]
    for path in files(landing, "queue/antrian_id", "*.csv"):
        if (vendor := tolerant(pd.read_csv, path, sep=";", encoding="cp1252", dtype=str)) is None:
            continue
        vendor = vendor.rename(columns=VENDOR_QUEUE)
        vendor["outcome"] = vendor["outcome"].str.strip().str.lower().map(VENDOR_OUTCOME)
        for column in ("issued_at", "called_at"):
            vendor[column] = pd.to_datetime(vendor[column], format="%d/%m/%Y %H:%M", errors="coerce").astype(str)
        frames.append(vendor.assign(unit_id=unit_from_name(path)))
    queue = pd.concat(frames, ignore_index=True)
    for column in ("issued_at", "called_at"):
        queue[column] = pd.to_datetime(queue[column], format="ISO8601", errors="coerce")
    return queue


def read_survey(landing: Path) -> pd.DataFrame:
    frames = []
    for path in files(landing, "survey/canonical", "*.csv"):
        if (frame := tolerant(pd.read_csv, path, dtype=str)) is None:
            continue
        frame["file"] = path.name  # the method (9 or 14 unsur) belongs to the file
        frames.append(frame)
    for path in files(landing, "survey/eskm_xlsx", "*.xlsx"):
        if (frame := tolerant(pd.read_excel, path, sheet_name="Responden", engine="calamine", dtype=str)) is None:
            continue
        frame = frame.rename(columns=ESKM)
        frame[ANSWERS[:9]] = frame[ANSWERS[:9]].apply(lambda c: c.str.strip().str.lower().map(LETTERS))
        frame["submitted_at"] = pd.to_datetime(frame["submitted_at"], dayfirst=True, errors="coerce").astype(str)
        frames.append(frame.assign(unit_id=unit_from_name(path), file=path.name))
    columns = ["respondent_id", "unit_id", "submitted_at", "file", *ANSWERS]
    survey = pd.concat(frames, ignore_index=True).reindex(columns=columns)
    survey[ANSWERS] = survey[ANSWERS].apply(pd.to_numeric, errors="coerce")
    survey["submitted_at"] = pd.to_datetime(survey["submitted_at"], format="ISO8601", errors="coerce")
    return survey


def read_complaints(landing: Path) -> pd.DataFrame:
    records = []
    for path in files(landing, "complaints/canonical", "*.jsonl"):  # one broken line must not lose the month
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            try:
                records.append(json.loads(line))
            except ValueError:
                SKIPPED.append(f"{path.name} line {number}: not JSON")
    complaints = pd.DataFrame.from_records(records).reindex(columns=["complaint_id", "unit_id", "submitted_at"])
    complaints["submitted_at"] = pd.to_datetime(complaints["submitted_at"], format="ISO8601", errors="coerce")
    return complaints


def validate(context, name: str, frame: pd.DataFrame, expectations: list) -> dict:
    suite = context.suites.add(gx.ExpectationSuite(name=name, expectations=expectations))
    batch = context.data_sources.add_pandas(name).add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(suite, result_format="BASIC")
    configs = [(r.expectation_config, r.result.get("unexpected_count")) for r in result.results]
    return {f"{config.type}:{config.kwargs.get('column', 'pair')}": count for config, count in configs}


def validate_all(queue: pd.DataFrame, survey: pd.DataFrame, complaints: pd.DataFrame, units: list[str]) -> dict:
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    answers = [gx.expectations.ExpectColumnValuesToBeBetween(column=c, min_value=1, max_value=4) for c in ANSWERS]
    return {
        "queue": validate(
            context,
            "queue",
            queue,
            [
                gx.expectations.ExpectColumnValuesToBeInSet(column="unit_id", value_set=units),
                gx.expectations.ExpectColumnValuesToBeInSet(column="outcome", value_set=OUTCOMES),
                gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="called_at", column_B="issued_at", or_equal=True, ignore_row_if="either_value_is_missing"
                ),
            ],
        ),
        # "answers in 1..4" is one rule applied to each answer column (nulls are unanswered, not failures)
        "survey": validate(
            context,
            "survey",
            survey,
            [
                gx.expectations.ExpectColumnValuesToBeInSet(column="unit_id", value_set=units),
                gx.expectations.ExpectColumnValuesToNotBeNull(column="submitted_at"),
                *answers,
            ],
        ),
        "complaints": validate(
            context,
            "complaints",
            complaints,
            [
                gx.expectations.ExpectColumnValuesToNotBeNull(column="complaint_id"),
                gx.expectations.ExpectColumnValuesToBeInSet(column="unit_id", value_set=units),
                gx.expectations.ExpectColumnValuesToNotBeNull(column="submitted_at"),
            ],
        ),
    }


def queue_kpis(queue: pd.DataFrame, services: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    # Keep what passes the expectations; a ticket number counts once per unit and day.
    passed = queue["unit_id"].isin(units) & queue["outcome"].isin(OUTCOMES) & ~(queue["called_at"] < queue["issued_at"])
    queue = queue[passed].assign(day=queue["issued_at"].dt.normalize())
    queue = queue.drop_duplicates(["unit_id", "day", "ticket_id"], keep="last")
    queue = queue.assign(
        month=queue["day"].dt.strftime("%Y-%m-01"),
        wait=(queue["called_at"] - queue["issued_at"]).dt.total_seconds() / 60,
    ).reset_index(drop=True)
    served = queue[queue["outcome"] == "served"].reset_index()
    standards = served.merge(services, on=["unit_id", "service_code"])
    day, valid_to = standards["day"], standards["valid_to"]
    on_day = (day >= standards["valid_from"]) & (valid_to.isna() | (day <= valid_to))
    within = (on_day & (standards["wait"] <= standards["max_wait_minutes"])).groupby(standards["index"]).any()
    served["within"] = served["index"].map(within).fillna(False).astype(bool)
    months = queue.groupby(["unit_id", "month"]).agg(tickets=("ticket_id", "size"), wait_mean_minutes=("wait", "mean"))
    months["sla_share"] = served.groupby(["unit_id", "month"])["within"].mean()
    return months.reset_index()


def ikm_kpis(survey: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    survey = survey[survey["unit_id"].isin(units) & survey["submitted_at"].notna()].copy()
    survey[ANSWERS] = survey[ANSWERS].where((survey[ANSWERS] >= 1) & (survey[ANSWERS] <= 4))
    # Any answer in u10..u14 makes the file's wave KepMenPAN 25/2004 (14 unsur); otherwise PermenPANRB 14/2017 (9).
    legacy = survey[ANSWERS[9:]].notna().any(axis=1).groupby(survey["file"]).transform("any")
    survey["method"] = legacy.map({True: "kepmenpan_25_2004", False: "permenpanrb_14_2017"})
    survey["quarter_start"] = survey["submitted_at"].dt.to_period("Q").dt.start_time.dt.strftime("%Y-%m-%d")
    rows = []
    for (unit, quarter, method), group in survey.groupby(["unit_id", "quarter_start", "method"]):
        unsur = ANSWERS if method == "kepmenpan_25_2004" else ANSWERS[:9]
        nrr = group[unsur].mean()  # NRR per unsur: sum of answers / answers given
        ikm = nrr.sum() / len(unsur) if nrr.notna().all() else None
        rows.append(
            {
                "unit_id": unit,
                "quarter_start": quarter,
                "method": method,
                "respondents": len(group),
                "ikm_converted": None if ikm is None else ikm * 25,
            }
        )
    return pd.DataFrame(rows)


def complaint_kpis(complaints: pd.DataFrame, units: list[str]) -> pd.DataFrame:
    complaints = complaints[
        complaints["complaint_id"].notna() & complaints["unit_id"].isin(units) & complaints["submitted_at"].notna()
    ].drop_duplicates("complaint_id", keep="last")
    month = complaints["submitted_at"].dt.strftime("%Y-%m-01").rename("month")
    return complaints.groupby(["unit_id", month]).size().rename("complaints_received").reset_index()


def run(landing: Path) -> dict:
    services = pd.read_csv(landing / "reference" / "services.csv", parse_dates=["valid_from", "valid_to"])
    units = pd.read_csv(landing / "reference" / "units.csv", dtype=str)["unit_id"].tolist()
    queue, survey, complaints = read_queue(landing), read_survey(landing), read_complaints(landing)
    validation = validate_all(queue, survey, complaints, units)
    kpis = {
        "queue_unit_month": queue_kpis(queue, services, units),
        "ikm_unit_quarter": ikm_kpis(survey, units),
        "complaint_unit_month": complaint_kpis(complaints, units),
    }
    return {
        "rows_read": {"queue": len(queue), "survey": len(survey), "complaints": len(complaints)},
        "unexpected": validation,
        "skipped_files": SKIPPED,
        "folders_not_read": sorted(
            str(f.relative_to(landing))
            for f in landing.glob("*/*")
            if f.is_dir() and f.parent.name != "reference" and str(f.relative_to(landing)) not in READ_FOLDERS
        ),
        "kpis": {name: json.loads(frame.to_json(orient="records")) for name, frame in kpis.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.peer")
    parser.add_argument("landing", type=Path)
    parser.add_argument("--json", type=Path, required=True, help="where to write the KPIs and validation counts")
    args = parser.parse_args(argv)
    args.json.write_text(json.dumps(run(args.landing.resolve()), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
