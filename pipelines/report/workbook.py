"""The period's indicator tables as an Excel workbook for officers: one sheet per mart, values exactly as published."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipelines.report.data import Period, Warehouse, workbook_tables

PERCENT, IKM, INTEGER, DECIMAL, DATE, DATETIME = "0.0%", "0.00", "#,##0", "#,##0.00", "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="1F5FA8")


def number_format(column: str, sample) -> str | None:
    """The format a column's values get, from its name (shares and rates as percent, IKM and NRR as 0.00) and type."""
    if isinstance(sample, bool) or sample is None or isinstance(sample, str):
        return None
    if isinstance(sample, datetime):
        return DATETIME
    if isinstance(sample, date):
        return DATE
    name = column.lower()
    if name.endswith(("_share", "_rate", "share", "achievement_ratio")) or name in ("share", "utilisation", "counter_utilisation"):
        return PERCENT
    if name.startswith(("ikm", "nrr", "ci_")) or name in ("ikm", "nrr", "previous_ikm_converted", "change", "unsur_weight", "staff_competence_nrr"):
        return IKM
    if isinstance(sample, int):
        return INTEGER if not name.endswith(("year", "_no", "rank", "hour")) and "rank" not in name else "0"
    return DECIMAL


def write_workbook(wh: Warehouse, period: Period) -> bytes:
    book = Workbook()
    book.remove(book.active)
    about = book.create_sheet("about")
    about.append(["Mutu", f"{period.period_type} {period.period}", f"{period.start} .. {period.end}"])
    about.append(["sheet", "mart", "column", "meaning (warehouse column comment)"])
    for sheet, mart, columns, rows in workbook_tables(wh, period):
        ws = book.create_sheet(sheet[:31])
        ws.append(columns)
        for row in rows:
            ws.append([_cell(v) for v in row])
        for index, column in enumerate(columns, start=1):
            sample = next((r[index - 1] for r in rows if r[index - 1] is not None), None)
            fmt = number_format(column, sample)
            letter = get_column_letter(index)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
            longest = max([len(column)] + [len(_shown(r[index - 1])) for r in rows[:500]])
            ws.column_dimensions[letter].width = min(max(10, longest + 2), 60)
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="center")
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
        comments = wh.comments("marts", mart)
        for column in columns:
            about.append([ws.title, f"marts.{mart}", column, comments.get(column, "")])
    about.freeze_panes = "A3"
    for letter, width in zip("ABCD", (22, 38, 34, 100)):
        about.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if isinstance(value, (list, tuple, dict)):
        return str(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # Excel has no time zones; the warehouse stores UTC
    if isinstance(value, float) and value != value:
        return None
    return value


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
