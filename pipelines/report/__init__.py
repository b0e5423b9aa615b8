"""The management review pack: HTML reports per period and scope, and the period's Excel workbook, from the
published warehouse."""

from pipelines.report.data import ReportError
from pipelines.report.render import render_pack

__all__ = ["ReportError", "render_pack"]
