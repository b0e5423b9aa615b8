"""Survey respondents linked to the queue ticket they were served under, with a known effect of waiting on U3.

Some SKM exports carry the respondent's ticket number. A share of respondents gets the number of a ticket
served that day for the same service before the questionnaire was submitted, and their U3 (waktu
penyelesaian) answer is redrawn with a mean set by that ticket's wait: the effect the wait-band mart must
recover (tests/test_wait_satisfaction.py).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

LINKED_SHARE = 0.45
# (upper bound of the wait band in minutes, inclusive; planted mean U3 answer of its respondents)
PLANTED_U3_BY_WAIT = ((15.0, 3.3), (30.0, 2.9), (60.0, 2.6), (math.inf, 2.2))


def planted_u3_mean(wait_minutes: float) -> float:
    return next(mean for upper, mean in PLANTED_U3_BY_WAIT if wait_minutes <= upper)


def _u3_with_mean(mean: float, rng: np.random.Generator) -> int:
    """An answer on the two integers around `mean` whose expectation is exactly `mean`."""
    low = math.floor(mean)
    return low + int(rng.random() < mean - low)


def link_tickets(respondents: pl.DataFrame, tickets: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Respondents with a `ticket_id` column (NULL when not linked) and U3 redrawn for the linked ones.

    `tickets` is the unit's typed ticket frame (simulate_queue); a ticket links to one respondent at most."""
    served = (
        tickets.filter(pl.col("outcome") == "served")
        .select(
            "_day",
            "service_code",
            "ticket_id",
            "service_end_at",
            wait=(pl.col("called_at") - pl.col("issued_at")).dt.total_seconds() / 60,
        )
        .sort("_day", "service_code", "service_end_at")
        .with_row_index("row")
    )
    # One slice of the sorted arrays per day and service: (first row, end row).
    bounds = served.group_by("_day", "service_code").agg(first=pl.col("row").min(), last=pl.col("row").max())
    spans = {(day, service): (first, last + 1) for day, service, first, last in bounds.iter_rows()}
    ends = served["service_end_at"].to_numpy()
    ids = served["ticket_id"].to_list()
    waits = served["wait"].to_numpy()
    used = np.zeros(served.height, dtype=bool)
    submitted = respondents["submitted_at"].str.to_datetime().to_numpy()
    ticket_ids, answers = [], []
    keys = respondents.select("_day", "service_code", "u3").iter_rows()
    for (day, service, u3), moment in zip(keys, submitted, strict=False):
        span = spans.get((day, service))
        free = np.array([], dtype=np.int64)
        if span is not None and rng.random() < LINKED_SHARE:
            first, last = span
            finished = first + int(np.searchsorted(ends[first:last], moment, side="right"))
            free = first + np.flatnonzero(~used[first:finished])
        if free.size == 0:
            ticket_ids.append(None)
            answers.append(u3)
            continue
        chosen = int(free[rng.integers(free.size)])
        used[chosen] = True
        ticket_ids.append(ids[chosen])
        answers.append(str(_u3_with_mean(planted_u3_mean(float(waits[chosen])), rng)))
    return respondents.with_columns(
        pl.Series("ticket_id", ticket_ids, dtype=pl.String),
        pl.Series("u3", answers, dtype=pl.String),
    )
