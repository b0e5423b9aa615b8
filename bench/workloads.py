"""The benchmark workloads (issue 8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Workload:
    name: str
    units: int
    days: int
    start: date
    kind: str  # "full": one run into an empty home; "nightly": a published year plus one new day; "restate"
    description: str


WORKLOADS = {
    w.name: w
    for w in (
        Workload(
            "S", 10, 30, date(2025, 1, 1), "full", "CI smoke size: 10 units x 30 days; asserts nothing about time"
        ),
        Workload("M", 50, 365, date(2025, 1, 1), "full", "50 units x 365 days, one file per unit per day"),
        # The generator stops at 124 units. 120 units x 456 days is one deterministic landing zone with
        # about 3x M's tickets (the units' expected yearly volumes give 2.99x): cleaner than renaming
        # the colliding unit ids of three seeds, and each day's partition is 2.4x wider, as with 150 units.
        Workload(
            "M3",
            120,
            456,
            date(2025, 1, 1),
            "full",
            "about 3x M: 120 units x 456 days (the generator's maximum is 124 units)",
        ),
        # The generator is not prefix-stable (a 366-day zone differs from the 365-day one in earlier days),
        # so the year and the new day are cut from one 366-day zone. The new day, 2026-01-07, is a Wednesday.
        Workload(
            "nightly",
            50,
            366,
            date(2025, 1, 7),
            "nightly",
            "M's 50 units: a published year (365 days) plus one new day, vs the same day on an empty home",
        ),
        # The nightly measurement at a size a shared machine can run any time (not in `all`).
        Workload(
            "nightly_small",
            10,
            91,
            date(2025, 1, 7),
            "nightly",
            "10 units: 90 published days plus one new day, vs the same day on an empty home",
        ),
        # Issue 19's restate: the demo's landing (`make demo`: 8 units x 92 days from 2026-07-01), published, then
        # one ticket appended to a day file of a complete month and `mutu run` again on the same home.
        Workload(
            "restate",
            8,
            92,
            date(2026, 7, 1),
            "restate",
            "the demo's 8 units x 92 days, published, then one day restated (a ticket appended to one of its files)",
        ),
    )
}
ORDER = ("S", "M", "nightly", "M3", "restate")


def selected(text: str) -> list[Workload]:
    names = ORDER if text.strip().lower() == "all" else [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise SystemExit(f"unknown workload(s) {', '.join(unknown)}; choose from {', '.join(WORKLOADS)} or all")
    return [WORKLOADS[n] for n in (*ORDER, *(n for n in WORKLOADS if n not in ORDER)) if n in names]
