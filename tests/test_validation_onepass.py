"""Row rules in one Polars pass (pipelines/row_rules.py) mean what the contract's Great Expectations expectations mean,
and Great Expectations still judges each partition's loaded rows (validation.dataset_rules)."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import nullcontext
from datetime import datetime

import polars as pl
import pytest

from pipelines import dataset_checks, gx_checks, row_rules
from pipelines.contracts import contract
from pipelines.gx_checks import gx_context
from pipelines.validation import dataset_results, dataset_rules, partition_figures, rules_for, validate

EDGE_CASES = pl.DataFrame(
    {
        "text": ["a", "b", None, "zz", "a", "abcdef", "b"],
        "number": [1.0, 4.0, None, float("nan"), 0.0, 10.0, 5.0],
        "count": [1, 2, 3, None, 5, 2, 7],
        "start": [datetime(2026, 7, 1, 8), datetime(2026, 7, 1, 9), None, datetime(2026, 7, 1, 9), None, None, None],
        "end": [datetime(2026, 7, 1, 8), datetime(2026, 7, 1, 8), datetime(2026, 7, 1, 8), None, None, None, None],
        "key": ["k1", "k2", "k1", None, None, "k3", "k3"],
        "group": ["g"] * 7,
    }
)
EXPECTATIONS = [
    ("ExpectColumnValuesToNotBeNull", {"column": "text"}),
    ("ExpectColumnValuesToNotBeNull", {"column": "number"}),
    ("ExpectColumnValuesToBeInSet", {"column": "text", "value_set": ["a", "b"]}),
    ("ExpectColumnValuesToBeInSet", {"column": "count", "value_set": [1, 2, 3]}),
    ("ExpectColumnValuesToBeBetween", {"column": "number", "min_value": 1, "max_value": 5}),
    ("ExpectColumnValuesToBeBetween", {"column": "count", "min_value": 2}),
    ("ExpectColumnValueLengthsToBeBetween", {"column": "text", "min_value": 0, "max_value": 2}),
    ("ExpectColumnValuesToMatchRegex", {"column": "text", "regex": "^[ab]"}),
    (
        "ExpectColumnPairValuesAToBeGreaterThanB",
        {"column_A": "end", "column_B": "start", "or_equal": True, "ignore_row_if": "either_value_is_missing"},
    ),
    ("ExpectCompoundColumnsToBeUnique", {"column_list": ["group", "key"]}),
]


def _gx_failing_rows(expectation: str, kwargs: dict) -> set[int]:
    import great_expectations as gx

    _, batch_definition = gx_context()
    frame = EDGE_CASES.with_row_index("__rid").to_pandas()
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        getattr(gx.expectations, expectation)(**kwargs),
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["__rid"]},
    )
    return {int(i["__rid"]) for i in result.result.get("unexpected_index_list") or []}


@pytest.mark.parametrize(("expectation", "kwargs"), EXPECTATIONS, ids=[e for e, _ in EXPECTATIONS])
def test_compiled_rule_fails_the_rows_great_expectations_fails(expectation, kwargs):
    judged = EDGE_CASES.with_columns(pl.lit(True).alias(row_rules.CANDIDATE))
    marks = judged.select(row_rules.marks([("rule", expectation, kwargs)], judged.schema)).to_series()
    compiled = {i for i, failed in enumerate(marks) if failed}
    assert compiled == _gx_failing_rows(expectation, kwargs)


def test_contract_rules_all_compile():
    for name in ("queue_tickets", "survey_responses", "complaints", "units", "services", "targets"):
        spec = contract(name)
        rules = [(r.name, r.expectation, r.kwargs) for r in rules_for(spec) if r.engine == "great_expectations"]
        schema = pl.Schema({"partition_key": pl.String, **spec.stored_schema, row_rules.CANDIDATE: pl.Boolean})
        assert len(row_rules.marks(rules, schema)) == len(rules)


def _rows(spec, records: list[dict]) -> pl.DataFrame:
    schema = {
        "partition_key": pl.String,
        "source_file": pl.String,
        "source_row": pl.Int64,
        "raw_json": pl.String,
        "violations": pl.List(pl.String),
        **spec.stored_schema,
    }
    return pl.DataFrame(records, schema=schema)


def test_a_batch_with_nothing_loaded_still_validates():
    spec = contract("queue_tickets")
    rows = _rows(spec, [{"partition_key": "2026-07-01", "source_file": "f.csv", "source_row": 1, "raw_json": "{}",
                         "violations": ["unreadable:too few fields"]}])  # fmt: skip
    units = pl.DataFrame({"unit_id": ["U1"]})
    checked = validate(rows, spec, units, pl.DataFrame(schema=contract("services").stored_schema))
    assert checked.figures["rows_loaded"].to_list() == [0]
    dataset = dataset_results(spec, checked.figures)
    assert dataset and all(r["failed"] == 0 and r["evaluated"] == 0 for r in dataset)
    assert checked.rows.get_column("violations").to_list() == [["unreadable:too few fields"]]


def _one_ticket_in(*partition_keys: str) -> pl.DataFrame:
    """The same queue ticket (unit U1, A-001) once in each given partition: twice in one, its key repeats there."""
    ticket = {"unit_id": "U1", "ticket_id": "A-001", "issued_at": datetime(2026, 7, 1, 8), "violations": []}
    rows = [{**ticket, "partition_key": key, "source_row": n} for n, key in enumerate(partition_keys, start=1)]
    return _rows(contract("queue_tickets"), rows)


def _dataset_checks(rows: pl.DataFrame) -> dict[tuple[str, str], dict]:
    spec = contract("queue_tickets")
    return {(r["partition_key"], r["rule"]): r for r in dataset_results(spec, partition_figures(rows, spec))}


@pytest.mark.parametrize("where", ["in-process", "side process"])
def test_great_expectations_fails_only_the_partition_whose_loaded_keys_repeat(where):
    rows = _one_ticket_in("2026-07-01", "2026-07-01", "2026-07-02")
    # `mutu run` evaluates in a side process it starts (gx_checks.side_process); other launchers in-process.
    with gx_checks.side_process() if where == "side process" else nullcontext():
        results = _dataset_checks(rows)
    assert results[("2026-07-01", "dataset:unique_key")]["failed"] == 1
    assert results[("2026-07-01", "dataset:unique_key")]["engine"] == "great_expectations"
    assert results[("2026-07-02", "dataset:unique_key")]["failed"] == 0
    assert results[("2026-07-01", "dataset:not_in_future")]["failed"] == 0


def test_checks_after_the_side_process_is_released_run_in_process():
    rows = _one_ticket_in("2026-07-01", "2026-07-01")
    with gx_checks.side_process():
        gx_checks.release()  # what `mutu run` does when the build is done
        assert gx_checks._side is None
        results = _dataset_checks(rows)
    assert results[("2026-07-01", "dataset:unique_key")]["failed"] == 1


def test_a_side_process_that_died_hands_the_checks_back_to_this_process():
    rows = _one_ticket_in("2026-07-01", "2026-07-01")
    with gx_checks.side_process():
        for worker in list(gx_checks._side._processes.values()):
            worker.kill()
            worker.join()
        results = _dataset_checks(rows)
        assert gx_checks._side is None  # later batches go straight to this process
    assert results[("2026-07-01", "dataset:unique_key")]["failed"] == 1


@pytest.mark.parametrize("exit_handlers", [True, False])
def test_a_released_side_process_is_gone_before_mutu_exits(exit_handlers):
    """Released after the build, the warmed-up side process exits at once (no interpreter teardown) and is waited for.
    `mutu` exits without the interpreter's teardown (cli.entry: the exit handlers, then os._exit); a side process
    still waiting on its queue then holds the caller's output pipes open for ever (a CI run hung 300 s on one).
    Without the exit handlers the wait is certain; with them (as mutu exits) nothing is printed either, no warning
    of multiprocessing's resource tracker."""
    code = (
        "import atexit, os\nfrom pipelines import gx_checks\n"
        "gx_checks.start(); gx_checks._warming.result(timeout=240)\n"
        "gx_checks.release(); print('released', flush=True)\n"
        + ("atexit._run_exitfuncs()\n" if exit_handlers else "")
        + "os._exit(0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=270)
    assert result.stdout == "released\n"
    if exit_handlers:
        assert result.stderr == ""


def test_a_side_process_let_go_while_it_imports_is_stopped_where_sigterm_is_ignored():
    """A run that lets Great Expectations' side process go before its import ends stops it. `mutu` started where
    SIGTERM is ignored (a background job of some shells) passes that on to the process, which then outlived its
    SIGTERM and kept `mutu` waiting at exit for ever (a fresh-clone CI run's crash test hung so)."""
    code = (
        "import atexit, os, signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "from pipelines import gx_checks\n"
        "gx_checks.start(); time.sleep(1)\n"  # the side process is importing then
        "gx_checks.release(); print('released', flush=True)\n"
        "atexit._run_exitfuncs()\nos._exit(0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.stdout == "released\n"


def test_the_resource_trackers_warning_of_a_semaphore_already_gone_is_silenced():
    """A pool's process and `mutu` both tell multiprocessing's resource tracker what they registered; when their
    messages cross, the tracker warned at exit of a "leaked" semaphore it then found already removed (a CI run of
    the test above). Once Mutu has spawned a pool, the tracker's process runs with that warning silenced."""
    leak = (
        "from multiprocessing import resource_tracker\nresource_tracker.register('/mp-mutu-never-made', 'semaphore')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}  # as set by pools spawned in this process
    plain = subprocess.run(
        [sys.executable, "-c", leak + "import os\nos._exit(0)\n"], capture_output=True, text=True, env=env
    )
    assert "leaked semaphore" in plain.stderr  # the warning this silences
    code = "from pipelines import pools\npools.spawn(1).shutdown()\n" + leak + "import os\nos._exit(0)\n"
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_staged_partitions_are_judged_once_by_the_build_and_again_when_restaged(small_landing, tmp_path):
    # Staging keeps each partition's figures; the build's audit step has Great Expectations judge those without a
    # judgement (a run killed in between leaves them for the next build); restaging a partition drops its judgement.
    from tests.test_fast_path import _stage

    lake_dir = tmp_path / "lake"
    _stage(small_landing, lake_dir)
    staged = dataset_checks.pending(lake_dir)
    assert {"queue_tickets", "survey_responses", "complaints"} <= set(staged)
    assert dataset_checks.judge_pending(lake_dir) == sum(len(keys) for keys in staged.values())
    assert dataset_checks.pending(lake_dir) == {}
    judged = pl.read_parquet(lake_dir / "dataset_results" / "queue_tickets" / "*.parquet")
    rules = [r.name for r in dataset_rules(contract("queue_tickets"))]
    assert judged.height == len(staged["queue_tickets"]) * len(rules) and set(judged["rule"]) == set(rules)
    assert set(judged["engine"]) == {"great_expectations"} and judged["success"].all()
    assert dataset_checks.judge_pending(lake_dir) == 0  # nothing judged twice
    _stage(small_landing, lake_dir)
    assert dataset_checks.pending(lake_dir) == staged


def test_the_dataset_rules_check_names_each_failing_partition_and_rule():
    import duckdb

    con = duckdb.connect()
    con.execute(
        "create schema audit; create table audit.validation_results (dataset varchar, partition_key varchar, "
        "rule varchar, success boolean, examples varchar[])"
    )
    con.execute(
        "insert into audit.validation_results values "
        "('queue_tickets', '2026-07-01', 'dataset:unique_key', false, ['loaded_duplicate_keys=2']), "
        "('queue_tickets', '2026-07-01', 'dataset:not_in_future', true, []), "
        "('queue_tickets', '2026-07-02', 'dataset:unique_key', true, []), "
        "('queue_tickets', '2026-07-02', 'called_not_before_issued', false, ['row 3']), "  # a row rule: not this check
        "('complaints', '2026-07-01', 'dataset:unique_key', false, ['loaded_duplicate_keys=1'])"
    )
    judged, rules, examples = dataset_checks.failing(con, "queue_tickets")
    assert (judged, rules) == (2, {"dataset:unique_key": 1})
    assert examples == ["2026-07-01 dataset:unique_key: loaded_duplicate_keys=2"]


def test_partitions_whose_figures_differ_in_columns_are_judged_together(tmp_path):
    # A partition staged before a contract gained a rule has one figure fewer: judged beside the others, not refused.
    from pipelines import lake

    spec = contract("queue_tickets")
    figures = partition_figures(_one_ticket_in("2026-07-01", "2026-07-02"), spec)
    older = figures.filter(pl.col("partition_key") == "2026-07-01").drop("loaded_outside_set:channel")
    lake.write_partition(older, tmp_path, lake.PARTITION_FIGURES, spec.name, "2026-07-01")
    newer = figures.filter(pl.col("partition_key") == "2026-07-02")
    lake.write_partition(newer, tmp_path, lake.PARTITION_FIGURES, spec.name, "2026-07-02")
    assert dataset_checks.judge_pending(tmp_path) == 2
    judged = pl.read_parquet(tmp_path / lake.DATASET_RESULTS / spec.name / "*.parquet")
    assert judged.filter(~pl.col("success")).is_empty()


def test_a_complaint_is_superseded_only_by_one_latest_version_from_another_file(tmp_path):
    """Of two exports holding a complaint, the later version loads and the earlier is `superseded`; a version
    without a readable history, or two rows of one file, leave the key a conflict (nothing chosen blindly)."""
    import json

    from pipelines.parsing import parse
    from pipelines.profiles import profile
    from pipelines.reading import read_file
    from pipelines.validation import validate

    prof, spec = profile("complaints", "canonical"), contract("complaints")

    def complaint(cid, *history):
        return json.dumps(
            {
                "complaint_id": cid,
                "unit_id": "U1",
                "channel": "web",
                "type": "pengaduan",
                "category": "time",
                "submitted_at": "2026-09-01T09:00:00",
                "status_history": [{"status": s, "at": f"2026-09-01T{t}:00"} for s, t in history],
                "anonymous": True,
            }
        )

    first = [complaint("A", ("received", "09:00")), complaint("B", ("received", "09:00"))]
    first += [complaint("C", ("received", "09:00")), complaint("C", ("received", "09:00"), ("verified", "09:30"))]
    later = [complaint("A", ("received", "09:00"), ("verified", "10:00")), complaint("B")]
    later += [complaint("C", ("received", "09:00"), ("verified", "11:00"))]
    frames = []
    for name, lines in (("first.jsonl", first), ("later.jsonl", later)):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n")
        parsed = parse(read_file(path, prof), path, name, prof, b"k" * 16, datetime(2026, 9, 1).date()).rows
        frames.append(parsed.with_columns(pl.lit("2026-09-01").alias("partition_key")))
    units = pl.DataFrame({"unit_id": ["U1"]})
    rows = validate(pl.concat(frames, how="diagonal_relaxed"), spec, units, pl.DataFrame({"unit_id": ["U1"]})).rows
    marks = {
        (r["source_file"], r["complaint_id"], len(r["status_history"] or [])): set(r["violations"])
        for r in rows.iter_rows(named=True)
    }
    assert marks[("first.jsonl", "A", 1)] == {"superseded"} and marks[("later.jsonl", "A", 2)] == set()
    assert "key_conflict" in marks[("first.jsonl", "B", 1)]  # its other version has no history
    assert all("key_conflict" in v for (f, c, _), v in marks.items() if c == "C")  # two rows of one file
