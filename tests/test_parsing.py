"""Parsers under generated input: good rows come through exactly, bad input never crashes a run."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.errors import LandingError
from pipelines.parsing import parse
from pipelines.pii import scrub_raw_line
from pipelines.profiles import profile
from pipelines.reading import read_file
from tests.conftest import QUEUE_HEADER

KEY = b"test-key-not-a-secret-0123456789"
DAY = date(2026, 7, 30)
STATUS_WORDS = {
    "served": "selesai",
    "no_show": "dilewati",
    "abandoned": "menunggu",
    "cancelled": "batal",
    "redirected": "dialihkan",
}

tickets = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=8 * 60),  # issued, minutes after 07:00
        st.integers(min_value=0, max_value=120),  # wait
        st.integers(min_value=1, max_value=60),  # service
        st.sampled_from(sorted(STATUS_WORDS)),
        st.booleans(),
        st.one_of(st.none(), st.integers(min_value=0, max_value=2_000_000)),
    ),
    min_size=1,
    max_size=40,
)


def _times(issued_min, wait, service, outcome):
    issued = datetime(2026, 7, 30, 7, 0) + timedelta(minutes=issued_min)
    called = issued + timedelta(minutes=wait) if outcome in ("served", "no_show") else None
    start = called if outcome == "served" else None
    end = start + timedelta(minutes=service) if start else None
    return issued, called, start, end


def _fmt(ts, pattern):
    return ts.strftime(pattern) if ts else ""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=tickets)
def test_vendor_queue_rows_parse_to_the_same_values(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("antrian")
    path = folder / "antrian_U1_30-07-2026.csv"
    lines = [
        "No Antrian;Kode Layanan;Loket;Prioritas;Jalur;Waktu Ambil;Waktu Panggil;Mulai Layanan;Selesai Layanan;"
        "Status;Biaya (Rp)"
    ]
    expected = []
    for n, (issued_min, wait, service, outcome, priority, fee) in enumerate(rows):
        issued, called, start, end = _times(issued_min, wait, service, outcome)
        fee_text = "" if fee is None else f"{fee:,}".replace(",", ".") + ",00"
        lines.append(
            ";".join(
                [
                    f"A-{n:03d}",
                    "KTP",
                    "Loket 1" if called else "",
                    "Ya" if priority else "Tidak",
                    "Langsung",
                    _fmt(issued, "%d/%m/%Y %H:%M"),
                    _fmt(called, "%d/%m/%Y %H:%M"),
                    _fmt(start, "%d/%m/%Y %H:%M"),
                    _fmt(end, "%d/%m/%Y %H:%M"),
                    STATUS_WORDS[outcome],
                    fee_text,
                ]
            )
        )
        expected.append((f"A-{n:03d}", outcome, priority, issued, called, end, None if fee is None else float(fee)))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    prof = profile("queue", "antrian_id")
    parsed = parse(read_file(path, prof), path, path.name, prof, KEY, DAY).rows
    assert parsed["violations"].list.len().sum() == 0
    got = parsed.select(
        "ticket_id", "outcome", "priority", "issued_at", "called_at", "service_end_at", "fee_paid_idr"
    ).rows()
    assert got == expected
    assert parsed["unit_id"].unique().to_list() == ["U1"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(min_size=0, max_size=400))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("garbage") / "queue_U1_2026-07-30.csv"
    path.write_bytes(content)
    prof = profile("queue", "canonical")
    try:
        parsed = parse(read_file(path, prof), path, path.name, prof, KEY, DAY)
    except LandingError as exc:
        assert str(path) in str(exc)  # a file-level rejection names the file
        return
    assert isinstance(parsed.rows, pl.DataFrame)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=0, max_size=300))
def test_arbitrary_json_lines_are_quarantined_not_fatal(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("jsonl") / "complaints_2026-07-30.jsonl"
    path.write_text(text + "\n", encoding="utf-8")
    prof = profile("complaints", "canonical")
    try:
        rows = parse(read_file(path, prof), path, path.name, prof, KEY, DAY).rows
    except LandingError as exc:
        assert str(path) in str(exc)
        return
    assert rows.height >= 1


@given(nik=st.from_regex(r"\A[1-9]\d{15}\Z"), phone=st.from_regex(r"\A08[1-9]\d{8,10}\Z"))
def test_scrubbing_removes_nik_and_phone_from_any_text(nik, phone):
    line = f'{{"description": "NIK saya {nik}, telepon {phone}"}}'
    scrubbed = scrub_raw_line(line)
    assert nik not in scrubbed and phone not in scrubbed


def test_missing_required_column_rejects_the_file_with_the_column_named(tmp_path):
    path = tmp_path / "queue_U1_2026-07-30.csv"
    path.write_text("ticket_id,unit_id,service_code\nA1,U1,KTP\n")
    prof = profile("queue", "canonical")
    try:
        parse(read_file(path, prof), path, path.name, prof, KEY, DAY)
    except LandingError as exc:
        assert "issued_at" in str(exc) and "schema drift" in str(exc)
    else:
        raise AssertionError("a file without issued_at must be rejected")


def test_extra_column_is_reported_as_drift(tmp_path):
    path = tmp_path / "queue_U1_2026-07-30.csv"
    header = QUEUE_HEADER + ",kiosk"
    path.write_text(header + "\nA1,U1,KTP,,false,walk_in,2026-07-30T08:00:00,,,,abandoned,,K1\n")
    prof = profile("queue", "canonical")
    parsed = parse(read_file(path, prof), path, path.name, prof, KEY, DAY)
    assert parsed.drift == ["extra column 'kiosk' not in profile queue/canonical"]
    assert parsed.rows["violations"].list.len().to_list() == [0]


def test_wrong_encoding_is_a_clear_file_level_error(tmp_path: Path):
    path = tmp_path / "queue_U1_2026-07-30.csv"
    path.write_bytes("ticket_id,unit_id\nA1,Unit Café\n".encode("cp1252"))
    prof = profile("queue", "canonical")
    try:
        read_file(path, prof)
    except LandingError as exc:
        assert "not valid utf-8-sig" in str(exc)
    else:
        raise AssertionError("cp1252 bytes under a UTF-8 profile must be rejected")


def test_long_format_survey_with_letters_pivots_to_one_record_per_respondent(tmp_path):
    path = tmp_path / "skm_long_2026-07-15.csv"
    header = "id_responden,waktu_isi,kode_unit,layanan,jenis_kelamin,usia,pendidikan,pekerjaan,unsur,jawaban,saran\n"
    lines = []
    for item, letter in zip(range(1, 10), "abcdcbadc", strict=False):
        lines.append(f"7,15/07/2026 09:30,U1,KTP,P,31,SMA,Swasta,U{item},{letter},Bagus\n")
    for item in range(1, 10):
        lines.append(f"8,15/07/2026 10:00,U1,KTP,L,52,S2,PNS,U{item},{'d' if item != 4 else ''},\n")
    lines.append("8,15/07/2026 10:00,U1,KTP,L,52,S2,PNS,U99,a,\n")
    path.write_text(header + "".join(lines))
    prof = profile("survey", "skm_long")
    parsed = parse(read_file(path, prof), path, path.name, prof, KEY, DAY)
    rows = parsed.rows.select("respondent_id", "source_row", *[f"u{i}" for i in range(1, 10)], "method").rows()
    assert rows == [
        ("7", 1, 1, 2, 3, 4, 3, 2, 1, 4, 3, "permenpanrb_14_2017"),
        ("8", 10, 4, 4, 4, None, 4, 4, 4, 4, 4, "permenpanrb_14_2017"),
    ]
    assert parsed.drift == ["unknown item 'U99' in unsur"]


def test_a_column_that_changed_type_is_reported_as_drift(tmp_path):
    path = tmp_path / "queue_U1_2026-07-30.csv"
    header = QUEUE_HEADER
    rows = [f"A{i},U1,KTP,,false,walk_in,2026-07-30T08:0{i}:00,,,,abandoned,gratis" for i in range(4)]
    path.write_text("\n".join([header, *rows]) + "\n")
    prof = profile("queue", "canonical")
    parsed = parse(read_file(path, prof), path, path.name, prof, KEY, DAY)
    assert parsed.drift == ["column 'fee_paid_idr': none of its 4 values reads as Float64 (type changed?)"]
    assert parsed.rows["violations"].to_list() == [["type:fee_paid_idr"]] * 4


def _ticket(n: int, counter: str = "L1", issued: str = "2026-07-30T08:00:00") -> str:
    return (
        f"A{n},U1,KTP,{counter},false,walk_in,{issued},2026-07-30T08:05:00,2026-07-30T08:06:00,"
        "2026-07-30T08:10:00,served,"
    )


def _parse_queue(tmp_path: Path, text: str):
    path = tmp_path / "queue_U1_2026-07-30.csv"
    path.write_text(text, encoding="utf-8")
    prof = profile("queue", "canonical")
    return parse(read_file(path, prof), path, path.name, prof, KEY, DAY)


def test_short_and_long_records_are_unreadable_not_padded(tmp_path):
    rows = _parse_queue(
        tmp_path,
        "\n".join([QUEUE_HEADER, _ticket(1), _ticket(2) + ",extra", "A3,U1,KTP,L1,false,walk_in,2026-07-30T08:3"]),
    ).rows
    assert rows.select("source_row", "violations").rows() == [
        (1, []),
        (2, ["unreadable:too many fields"]),
        (3, ["unreadable:too few fields"]),
    ]
    assert rows["issued_at"].to_list()[2] is None  # a cut value is not read as 08:03


def test_timestamps_must_have_the_exact_shape_of_a_profile_format(tmp_path):
    rows = _parse_queue(
        tmp_path,
        "\n".join(
            [QUEUE_HEADER, _ticket(1), _ticket(2, issued="2026-7-30T8:0"), _ticket(3, issued="2026-07-30T08:00")]
        ),
    ).rows
    assert rows["violations"].to_list() == [[], ["type:issued_at"], []]
    assert rows["issued_at"].to_list()[2] == datetime(2026, 7, 30, 8, 0)


def test_stray_quotes_do_not_swallow_whole_records_but_a_multiline_value_stays_one_field(tmp_path):
    text = "\n".join(
        [
            QUEUE_HEADER,
            _ticket(1, counter='"Loket'),
            _ticket(2),
            _ticket(3, counter='Dua"'),
            _ticket(4, counter='"Loket\nEmpat, lantai 2"'),
        ]
    )
    rows = _parse_queue(tmp_path, text + "\n").rows
    assert rows.select("ticket_id", "violations").rows() == [
        ("A1", ["unreadable:unbalanced quote"]),
        ("A2", []),
        ("A3", ["unreadable:unbalanced quote"]),
        ("A4", []),
    ]
    assert rows["counter_id"].to_list()[3] == "Loket\nEmpat, lantai 2"


def test_a_stray_quote_closed_on_the_next_record_does_not_merge_the_two(tmp_path):
    rows = _parse_queue(
        tmp_path, "\n".join([QUEUE_HEADER, _ticket(1, counter='"Loket'), _ticket(2, counter='Dua"'), _ticket(3)]) + "\n"
    ).rows
    assert rows.select("ticket_id", "violations").rows() == [
        ("A1", ["unreadable:unbalanced quote"]),
        ("A2", ["unreadable:unbalanced quote"]),
        ("A3", []),
    ]


def test_an_unclosed_quote_rejects_the_file_without_quoting_it(tmp_path):
    with pytest.raises(LandingError) as err:
        _parse_queue(
            tmp_path,
            "\n".join([QUEUE_HEADER, _ticket(1), _ticket(2, counter='"hubungi 081311112222'), _ticket(3)]) + "\n",
        )
    assert "never closed" in str(err.value) and "081311112222" not in str(err.value)


def test_a_field_over_the_limit_is_unreadable_and_kept_only_as_its_length(tmp_path):
    from pipelines.reading import MAX_FIELD_CHARS

    rows = _parse_queue(
        tmp_path, "\n".join([QUEUE_HEADER, _ticket(1, counter="L" * (MAX_FIELD_CHARS + 1)), _ticket(2)]) + "\n"
    ).rows
    assert rows["violations"].to_list() == [[f"unreadable:field over {MAX_FIELD_CHARS} characters"], []]
    assert f"[{MAX_FIELD_CHARS + 1} characters]" in rows["raw_json"][0] and len(rows["raw_json"][0]) < 1000


def test_utf8_file_under_a_cp1252_profile_is_read_as_utf8_and_reported(tmp_path):
    path = tmp_path / "antrian_U1_30-07-2026.csv"
    path.write_bytes(
        "No Antrian;Kode Layanan;Loket;Prioritas;Jalur;Waktu Ambil;Waktu Panggil;Mulai Layanan;Selesai Layanan;"
        "Status;Biaya (Rp)\r\n"
        "A-1;KTP;Lok\u00e9t;Tidak;Langsung;30/07/2026 08:00;30/07/2026 08:05;30/07/2026 08:06;30/07/2026 08:10;"
        "selesai;\r\n".encode("utf-8")
    )
    prof = profile("queue", "antrian_id")
    parsed = parse(read_file(path, prof), path, path.name, prof, KEY, DAY)
    assert parsed.rows["counter_id"].to_list() == ["Lok\u00e9t"]
    assert any("UTF-8" in d and "cp1252" in d for d in parsed.drift)


# Free text as an export writes it: quotes, delimiters, line breaks. A later line of a multi-line value with as many
# delimiters as fields before it (counter_id has 3) reads like a stray quote's swallowed record and is split
# (reading.py).
free_text = st.text(alphabet='ab ,"\n', max_size=24).filter(
    lambda t: all(line.count(",") < 3 for line in t.split("\n")[1:])
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(counters=st.lists(free_text, min_size=1, max_size=8))
def test_quoted_fields_read_back_exactly(tmp_path_factory, counters):
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(QUEUE_HEADER.split(","))
    for n, counter in enumerate(counters):
        writer.writerow(_ticket(n).split(",")[:3] + [counter] + _ticket(n).split(",")[4:])
    path = tmp_path_factory.mktemp("quoted") / "queue_U1_2026-07-30.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    raw = read_file(path, profile("queue", "canonical"))
    assert raw.frame["__problem"].to_list() == [None] * len(counters)
    assert raw.frame["counter_id"].to_list() == [c.strip() or None for c in counters]


def test_vendor_file_names_give_their_unit_with_a_day_a_span_or_no_date():
    """The unit in a vendor export's name, whatever follows it: a day, a month, a span of days or nothing; a unit
    whose code ends in digits after an underscore keeps them (the suffixes stripped are dates: they hold a dash)."""
    import re

    from pipelines.profiles import profile

    antrian = profile("queue", "antrian_id").from_filename["unit_id"]
    eskm = profile("survey", "eskm_xlsx").from_filename["unit_id"]
    for name, unit in [
        ("antrian_MPP-5171_22-07-2026.csv", "MPP-5171"),
        ("antrian_MPP-5171_2026-03.csv", "MPP-5171"),
        ("antrian_MPP-5171_22-07-2026_04-08-2026.csv", "MPP-5171"),
        ("antrian_MPP-5171.csv", "MPP-5171"),
        ("antrian_UPT_2_15-09-2026.csv", "UPT_2"),
        ("antrian_KEL_01.csv", "KEL_01"),
    ]:
        assert re.search(antrian, name).group(1) == unit, name
    assert re.search(eskm, "eskm_DPM-3273_2026-07.xlsx").group(1) == "DPM-3273"
    assert re.search(eskm, "eskm_PKM_01_2026-07-22.xlsx").group(1) == "PKM_01"
