"""Indonesian working-day calendar: which days an office is open and how working days add up."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import holidays


def national_days_off(years: range) -> frozenset[date]:
    # The "government" category holds the cuti bersama (joint leave days) decreed each year by
    # SKB 3 Menteri; offices are closed on them just as on the public holidays.
    calendar = holidays.Indonesia(years=list(years), categories=("public", "government"))
    return frozenset(calendar.keys())


@dataclass(frozen=True)
class WorkCalendar:
    """National working days (Monday–Friday, no holiday, no joint leave) around a generated period."""

    first: date
    last: date
    days_off: frozenset[date] = field(default=frozenset())

    @classmethod
    def for_period(cls, first: date, last: date) -> WorkCalendar:
        # One year of margin after the period: complaint histories count working days forward.
        return cls(first, last, national_days_off(range(first.year, last.year + 2)))

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.days_off

    def is_open(self, day: date, opens_saturday: bool) -> bool:
        if day in self.days_off:
            return False
        return day.weekday() < 5 or (opens_saturday and day.weekday() == 5)

    @cached_property
    def period_days(self) -> tuple[date, ...]:
        return tuple(self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1))

    @cached_property
    def working_days(self) -> tuple[date, ...]:
        return tuple(d for d in self.period_days if self.is_working_day(d))

    def open_days(self, opens_saturday: bool) -> tuple[date, ...]:
        return tuple(d for d in self.period_days if self.is_open(d, opens_saturday))

    def add_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (count 0: `day` itself if it is one)."""
        current = day
        while not self.is_working_day(current):
            current += timedelta(days=1)
        remaining = count
        while remaining > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def follows_day_off(self, day: date) -> bool:
        """True when the previous calendar day was a holiday or joint leave (backlog arrives next)."""
        return (day - timedelta(days=1)) in self.days_off
