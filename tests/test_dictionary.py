"""marts.data_dictionary tells the truth where it stands: what BI users read as a column's description.

A comment inherited by name alone once told IKM and queue marts that `unit_id` was "Unit the complaint is
about": each description must describe that column in that table.
"""

from __future__ import annotations

import re

import pytest

from pipelines.sql_models import models

# Words that name a subject area of the warehouse; a description may only name the subjects of its table.
SUBJECT_WORDS = {
    "complaints": ("complaint", "complaints", "reporter", "reporters", "pengaduan"),
    "queue": ("queue", "ticket", "tickets", "counter", "counters"),
    "survey": (
        "survey",
        "surveys",
        "respondent",
        "respondents",
        "questionnaire",
        "questionnaires",
        "ikm",
        "skm",
        "unsur",
        "nrr",
    ),
}


def _subjects(text: str) -> set[str]:
    words = set(re.findall(r"[a-z0-9]+", text.lower()))
    return {subject for subject, names in SUBJECT_WORDS.items() if words & set(names)}


def misplaced(rows: list[tuple[str, str, str]]) -> list[str]:
    """(table, column, description) rows whose description names a subject foreign to its table.

    A table is about the subjects its name and its column names name (mart_complaint_period has
    tickets_served, so queue tickets belong there); a table naming no subject at all (a scorecard, the
    KPI trends) spans every subject.
    """
    columns_of: dict[str, list[str]] = {}
    for table, column, _ in rows:
        columns_of.setdefault(table, []).append(column)
    found = []
    for table, column, description in rows:
        own = _subjects(table.replace("_", " ") + " " + " ".join(c.replace("_", " ") for c in columns_of[table]))
        if not _subjects(table.replace("_", " ")):
            continue
        foreign = _subjects(description or "") - own
        if foreign:
            found.append(f"{table}.{column}: {description!r} names {sorted(foreign)}")
    return found


def test_the_check_finds_a_comment_about_another_subject():
    rows = [
        ("mart_ikm_unit_quarter", "unit_id", "Unit the complaint is about; a unit of the reference data."),
        ("mart_ikm_unit_quarter", "respondents", "Respondents (questionnaires) in the period and scope."),
        ("mart_queue_unit_day", "unit_id", "Unit the survey response is about."),
        ("mart_complaint_period", "tickets_served", "Queue tickets served in the period and scope."),
        ("mart_kpi_trend_month", "sample_size", "Served tickets; respondents for IKM."),
    ]
    assert misplaced(rows) == [
        "mart_ikm_unit_quarter.unit_id: 'Unit the complaint is about; a unit of the reference data.' names "
        "['complaints']",
        "mart_queue_unit_day.unit_id: 'Unit the survey response is about.' names ['survey']",
    ]


@pytest.fixture(scope="module")
def dictionary(published):
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        yield con.execute(
            "select table_name, column_name, column_description from marts.data_dictionary order by all"
        ).fetchall()
    finally:
        con.close()


def test_no_mart_column_describes_another_subject(dictionary):
    assert misplaced(dictionary) == []


def test_every_mart_column_is_described(dictionary):
    missing = [f"{t}.{c}" for t, c, d in dictionary if not d]
    assert missing == [], (
        "document these with a '-- column <name>: <meaning>' line in their sql/marts file (or in the model "
        f"that computes them): {missing}"
    )


def test_unit_id_reads_as_its_own_table_says(dictionary):
    unit_id = {t: d for t, c, d in dictionary if c == "unit_id"}
    assert unit_id, "no mart carries unit_id"
    for table in ("mart_ikm_unit_quarter", "mart_ikm_unsur_unit_quarter", "mart_queue_unit_day"):
        assert "complaint" not in unit_id[table].lower(), (table, unit_id[table])
    respondents = {t: d for t, c, d in dictionary if c == "respondents"}
    assert respondents["mart_skm_respondent_profile_period"] == "Respondents with this value of the field."
    others = {t: d for t, d in respondents.items() if t != "mart_skm_respondent_profile_period"}
    assert others and all("this value of the field" not in d for d in others.values()), others


def test_a_model_s_own_column_docs_are_what_bi_reads(dictionary):
    described = {(t, c): d for t, c, d in dictionary}
    for model in models():
        if model.layer != "marts":
            continue
        for column, text in model.column_docs:
            if (model.name, column) in described:
                assert described[(model.name, column)] == text, (model.name, column)


def test_a_rebuilt_table_keeps_its_rows_and_corrects_its_comments(published, tmp_path):
    """A rebuild refills a table that keeps its columns and rewrites only the comments that differ; a table whose
    columns changed is replaced. Either way its rows and comments are what a first build gives."""
    import shutil

    import duckdb

    from pipelines.warehouse import build_model

    copy = tmp_path / "mutu.duckdb"
    shutil.copyfile(published, copy)
    model = next(m for m in models() if m.qualified == "marts.mart_queue_period")
    con = duckdb.connect(str(copy))
    try:

        def state():
            rows = con.execute("select * from marts.mart_queue_period order by all").fetchall()
            comments = con.execute(
                "select column_name, comment from duckdb_columns() "
                "where schema_name = 'marts' and table_name = 'mart_queue_period' order by column_index"
            ).fetchall()
            table = con.execute(
                "select comment from duckdb_tables() where schema_name = 'marts' and table_name = 'mart_queue_period'"
            ).fetchall()
            return rows, comments, table

        first = state()
        assert first[0] and all(comment for _, comment in first[1]), "the published mart is built and described"
        con.execute("comment on column marts.mart_queue_period.as_of_date is 'a stale description'")
        con.execute("comment on column marts.mart_queue_period.scope_id is null")
        con.execute("comment on table marts.mart_queue_period is 'stale'")
        con.execute("delete from marts.mart_queue_period where period_type = 'month'")
        build_model(con, model)  # same columns: refilled in place
        assert state() == first
        con.execute("alter table marts.mart_queue_period add column left_over integer")
        build_model(con, model)  # other columns: replaced
        assert state() == first
    finally:
        con.close()
