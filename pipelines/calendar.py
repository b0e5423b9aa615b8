"""Working-day calendar: weekends, Indonesian national holidays and joint leave days (cuti bersama)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import polars as pl


def working_day_calendar(first: date, last: date) -> pl.DataFrame:
    """One row per day with is_workday and the holiday's name (SP4N-LAPOR! limits count working days)."""
    # holidays' Indonesian calendar with the "government" category carries the cuti bersama days.
    indonesia = holidays.Indonesia(years=range(first.year, last.year + 1), categories=("public", "government"))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    names = [indonesia.get(d) for d in days]
    return pl.DataFrame(
        {
            "day": days,
            "is_workday": [d.weekday() < 5 and n is None for d, n in zip(days, names, strict=False)],
            "holiday_name": names,
        },
        schema={"day": pl.Date, "is_workday": pl.Boolean, "holiday_name": pl.String},
    )
