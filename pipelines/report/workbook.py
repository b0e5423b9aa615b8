"""The period's indicator tables as an Excel workbook for officers: one sheet per mart, values exactly as published."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from pipelines.report.data import Period, Warehouse, workbook_tables
from pipelines.report.xlsx import Workbook

PERCENT, IKM, INTEGER, DECIMAL, DATE, DATETIME = "0.0%", "0.00", "#,##0", "#,##0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


def number_format(column: str, sample) -> str | None:
    """The format a column's values get, from its name (shares and rates as percent, IKM and NRR as 0.00) and type."""
    if isinstance(sample, bool) or sample is None or isinstance(sample, str):
        return None
    if isinstance(sample, datetime):
        return DATETIME
    if isinstance(sample, date):
        return DATE
    name = column.lower()
    if name.endswith(("_share", "_rate", "share", "achievement_ratio")) or name in (
        "share",
        "utilisation",
        "counter_utilisation",
    ):
        return PERCENT
    if name.startswith(("ikm", "nrr", "ci_")) or name in (
        "ikm",
        "nrr",
        "previous_ikm_converted",
        "change",
        "unsur_weight",
        "staff_competence_nrr",
    ):
        return IKM
    if isinstance(sample, int):
        return INTEGER if not name.endswith(("year", "_no", "rank", "hour")) and "rank" not in name else "0"
    return DECIMAL


def write_workbook(wh: Warehouse, period: Period) -> bytes:
    book = Workbook()
    tables = workbook_tables(wh, period)
    about = book.sheet("about", [22, 38, 34, 100], frozen_rows=2, auto_filter=False)
    book.append(about, ["Mutu", f"{period.period_type} {period.period}", f"{period.start} .. {period.end}"])
    book.append(about, ["sheet", "mart", "column", "meaning (warehouse column comment)"])
    for sheet, mart, rows in tables:
        comments = wh.comments("marts", mart)
        for column in rows.columns:
            book.append(about, [sheet[:31], f"marts.{mart}", column, comments.get(column, "")])
    for sheet, _mart, rows in tables:
        _write_sheet(book, sheet, rows)
    return book.save()


def _write_sheet(book: Workbook, name: str, rows: pl.DataFrame) -> None:
    formats, widths = [], []
    for values in rows.iter_columns():
        sample = next(iter(values.drop_nulls().head(1).to_list()), None)
        formats.append(number_format(values.name, sample))  # empty cells get the format too, for a value typed later
        longest = max([len(values.name)] + [len(_shown(v)) for v in values.head(500).to_list()])
        widths.append(min(max(10, longest + 2), 60))
    sheet = book.sheet(name, widths, formats)
    book.append(sheet, rows.columns, header=True)
    book.append_frame(sheet, rows)


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
