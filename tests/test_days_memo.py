"""The days of an export dated by its records are kept across processes in the planners' hash cache, and read
again when the file or the staging inputs change (dating.DaysMemo)."""

from __future__ import annotations

import json

import pytest

from pipelines import dating
from pipelines.dating import DaysMemo
from pipelines.landing import scan
from tests.conftest import COMPLAINTS, SERVICES, TARGETS, UNITS, _complaint, write_landing_zone

MONTHLY = "complaints/canonical/complaints_2026-08.jsonl"


@pytest.fixture()
def landing(tmp_path):
    root = write_landing_zone(tmp_path / "landing", units=UNITS, services=SERVICES, targets=TARGETS)
    (root / MONTHLY).write_text("".join(json.dumps(r) + "\n" for records in COMPLAINTS.values() for r in records))
    return root


@pytest.fixture()
def reads(monkeypatch):
    """The files whose records are read to date them (the per-process cache emptied first)."""
    read = []
    record_days = dating._record_days

    def counted(path, *args):
        read.append(path.name)
        return record_days.__wrapped__(path, *args)

    monkeypatch.setattr(dating, "_record_days", counted)
    return read


def _days(landing, memo):
    (landed,) = scan(landing, "complaints", memo)
    assert landed.dated_by_records
    return landed.days


def test_a_second_process_takes_the_days_from_the_cache(landing, reads):
    cache = {}
    first = _days(landing, DaysMemo(cache, "build-1"))
    assert [day.isoformat() for day in first] == sorted(COMPLAINTS)  # the days the complaints were submitted
    assert reads == ["complaints_2026-08.jsonl"]
    assert _days(landing, DaysMemo(json.loads(json.dumps(cache)), "build-1")) == first  # as the JSON file holds it
    assert reads == ["complaints_2026-08.jsonl"]


def test_other_staging_inputs_or_a_changed_file_read_the_records_again(landing, reads):
    cache = {}
    before = _days(landing, DaysMemo(cache, "build-1"))
    _days(landing, DaysMemo(cache, "build-2"))
    assert len(reads) == 2
    late = _complaint("C9", "U1", "time", [("received", "2026-08-31T08:00:00")])
    with (landing / MONTHLY).open("a") as export:
        export.write(json.dumps(late) + "\n")
    after = _days(landing, DaysMemo(cache, "build-2"))
    assert len(reads) == 3
    assert [day.isoformat() for day in set(after) - set(before)] == ["2026-08-31"]
