"""Person names in free text never pass staging (UU PDP 27/2022), measured on a labelled evaluation set."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.name_list_build import OUT as PERSON_NAMES
from pipelines.names import scrub_names
from pipelines.parsing import parse
from pipelines.pii import _replace_literal_ci, scrub_raw_line, scrub_text
from pipelines.profiles import profile
from pipelines.reading import read_file
from tests.name_eval import build_snippets
from tests.name_eval.evaluate import HOLDOUT, SNIPPETS, load, measure

KEY = b"test-key-not-a-secret-0123456789"
ISSUE_EXAMPLE = "Petugas ramah. WA saya 08131234567, Budi Santoso Wiryawan, NIK 3273014509870001"


def test_the_evaluation_set_is_large_balanced_and_rebuilt_from_its_script():
    snippets = load()
    assert len(snippets) >= 300
    with_names = [s for s in snippets if s["kind"] == "name"]
    assert len(with_names) == len(snippets) // 2 and all(s["names"] for s in with_names)
    assert not any(s["names"] for s in snippets if s["kind"] == "no_name")
    assert len({s["text"] for s in snippets}) == len(snippets)
    for path, rows in ((SNIPPETS, build_snippets.build()), (HOLDOUT, build_snippets.build(50, holdout=True))):
        assert load(path) == json.loads(json.dumps(rows)), f"{path.name} differs from build_snippets.py: rebuild it"


def test_name_scrubbing_meets_the_bar_and_keeps_its_measured_figures():
    figures = measure(load(SNIPPETS))
    # The issue's bar: recall of name words >= 98 %, other words removed <= 5 %.
    assert figures.recall >= 0.98 and figures.removed_share <= 0.05
    # Measured (README, "Personal data"): 274 of 276 name words found, 3 of 2725 other words removed.
    assert (figures.name_words, figures.other_words) == (276, 2725)
    assert figures.name_words_found >= 274, figures.missed
    assert figures.other_words_removed <= 3, figures.removed


def test_held_out_figures_do_not_regress():
    figures = measure(load(HOLDOUT))
    # Measured once after the rules were settled (README): 75 of 80 name words, 12 of 763 other words removed.
    assert (figures.name_words, figures.other_words) == (80, 763)
    assert figures.name_words_found >= 75, figures.missed
    assert figures.other_words_removed <= 12, figures.removed


def test_the_issue_example_loses_name_phone_and_nik():
    scrubbed = pl.DataFrame({"s": [ISSUE_EXAMPLE]}).select(scrub_text(pl.col("s"))).item()
    assert scrubbed == "Petugas ramah. WA saya [telepon], [nama], NIK [nik]"


def test_forms_of_address_are_kept_and_the_names_after_them_removed():
    cases = {
        "Terima kasih Bapak Hendra Gunawan.": "Terima kasih Bapak [nama].",
        "mohon bu dewi dikabari": "mohon bu [nama] dikabari",
        "Sdr. Yohanes Kogoya sudah datang.": "Sdr. [nama] sudah datang.",
        "nama saya siti aminah, warga Cibinong": "nama saya [nama], warga Cibinong",
        "Pak Camat Rudi ramah sekali.": "Pak Camat [nama] ramah sekali.",
        "Salam, I Wayan Sudarma": "Salam, [nama]",
        "Pelayanan lambat. Jumriah Mappasessu (0812 3456 7890)": "Pelayanan lambat. [nama] (0812 3456 7890)",
    }
    for text, expected in cases.items():
        assert scrub_names(text) == expected, text


def test_official_titles_places_and_other_capitalised_words_survive():
    for text in (
        "Bapak Kepala Dinas mohon sidak ke loket.",
        "Ibu Kota Nusantara katanya sudah digital.",
        "Kantor di Jalan Ahmad Yani Kota Bandung susah dicari.",
        "Pelayanan Sangat Memuaskan, Semoga Makin Baik",
        "Bagus sekali, tidak ada pungli.",
        "Menjelang Idul Fitri antrian KTP-el membludak.",
        "BPJS Kesehatan dan Dukcapil sebaiknya satu loket di MPP.",
        "Puskesmas Kecamatan Tanah Abang butuh dokter tambahan di hari Sabtu.",
        "Petugasnya SANGAT LAMBAT dan tidak ramah, DROP TABLE saja sistemnya.",
    ):
        assert scrub_names(text) == text


def test_quarantine_evidence_of_an_unreadable_line_loses_names():
    line = '{"description": "Terima kasih. Dewi Lestari", "reporter": {"name": "Dewi Lestari"}'
    assert "Dewi" not in scrub_raw_line(line) and "Lestari" not in scrub_raw_line(line)


def test_after_an_a_word_no_name_list_holds_stays_and_a_name_goes():
    """'an' is atas nama, and English's article in Mutu's own messages: a rejected binary file's reason read
    'not an [nama] or image' in audit.row_accounting (a helper's daemon trial)."""
    message = "queue/canonical/x.csv: binary content (NUL bytes); land the export itself, not an archive or image"
    assert scrub_raw_line(message) == message
    assert scrub_raw_line("transfer an budi santoso") == "transfer an [nama]"
    assert scrub_raw_line("an Budi") == "an [nama]"
    assert scrub_raw_line("transfer AN bagusprakoso wibisono") == "transfer AN [nama]"


def test_a_staged_suggestion_and_its_quarantine_evidence_hold_no_name(tmp_path: Path):
    """The issue's example, in a row that is quarantined (answer 7 is out of range), through the real parser."""
    path = tmp_path / "survey_U1_2026-07-30.csv"
    header = (
        "respondent_id,submitted_at,unit_id,service_code,gender,age,education,occupation,"
        + ",".join(f"u{i}" for i in range(1, 10))
        + ",suggestion"
    )
    row = f'R1,2026-07-30T09:00:00,U1,KTP,L,30,SMA,Swasta,3,3,3,3,3,3,3,3,7,"{ISSUE_EXAMPLE}"'
    path.write_text(header + "\n" + row + "\n", encoding="utf-8")
    prof = profile("survey", "canonical")
    rows = parse(read_file(path, prof), path, path.name, prof, KEY, date(2026, 7, 30)).rows
    stored = "\n".join(str(v) for v in rows.row(0))
    for personal in ("Budi", "Santoso", "Wiryawan", "0813", "3273014509870001"):
        assert personal not in stored
    assert "[nama]" in rows["suggestion"][0] and "[nama]" in rows["raw_json"][0]


def test_the_person_name_list_is_the_generated_one():
    lines = PERSON_NAMES.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# Person-name words: names-dataset 3.3.1")
    names = {line for line in lines if not line.startswith("#")}
    assert len(names) > 50_000 and {"Budi", "Siti", "Santoso", "Siregar", "Wayan"} <= names


def test_a_reporters_own_name_is_removed_as_a_case_blind_regex_would():
    # The literal fast path (no pattern compiled per reporter) must replace exactly what
    # re.sub(re.escape(name), "[nama]", text, flags=re.IGNORECASE) replaces, Unicode case rules included.
    rng = random.Random(7)
    for alphabet in ("abcABC sS kK .-[]()*+?", "abcABC İıKkſsS ßé.-"):
        for _ in range(20_000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            name = "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 6)))
            assert _replace_literal_ci(text, name) == re.sub(re.escape(name), "[nama]", text, flags=re.IGNORECASE)
    assert (
        _replace_literal_ci("Pak Budi datang, budi marah. BUDI!", "budi") == "Pak [nama] datang, [nama] marah. [nama]!"
    )
