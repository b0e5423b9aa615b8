"""The peer's KPIs next to Mutu's marts for the same landing zone: matched keys and the largest differences."""

from __future__ import annotations

from pathlib import Path

import duckdb

# (peer KPI table, Mutu mart query with the same key and measure names, key columns, measures)
COMPARED = (
    (
        "queue_unit_month",
        "select scope_id as unit_id, strftime(period_start, '%Y-%m-%d') as month, tickets_issued as tickets, "
        "wait_mean_minutes, sla_share from marts.mart_queue_period where period_type = 'month' and scope_type = 'unit'",
        ("unit_id", "month"),
        ("tickets", "wait_mean_minutes", "sla_share"),
    ),
    (
        "ikm_unit_quarter",
        "select unit_id, strftime(quarter_start, '%Y-%m-%d') as quarter_start, method, respondents, ikm_converted "
        "from marts.mart_ikm_unit_quarter",
        ("unit_id", "quarter_start", "method"),
        ("respondents", "ikm_converted"),
    ),
    (
        "complaint_unit_month",
        "select unit_id, strftime(month_start, '%Y-%m-%d') as month, complaints_received "
        "from marts.mart_complaint_unit_month",
        ("unit_id", "month"),
        ("complaints_received",),
    ),
)
SAMPLES = 2


def mart_rows(warehouse: Path, query: str) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(query)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]


def compare_table(peer_rows: list[dict], mutu_rows: list[dict], keys: tuple, measures: tuple) -> dict:
    peer = {tuple(r[k] for k in keys): r for r in peer_rows}
    mutu = {tuple(r[k] for k in keys): r for r in mutu_rows}
    both = sorted(set(peer) & set(mutu))
    largest = {}
    for measure in measures:
        gaps = [
            (abs(peer[k][measure] - mutu[k][measure]), k)
            for k in both
            if peer[k][measure] is not None and mutu[k][measure] is not None
        ]
        gap, key = max(gaps, default=(None, None))
        largest[measure] = {"abs_diff": gap, "key": list(key) if key else None}
    samples = [
        {"key": list(k), "peer": {m: peer[k][m] for m in measures}, "mutu": {m: mutu[k][m] for m in measures}}
        for k in both[:SAMPLES]
    ]
    return {
        "matched": len(both),
        "peer_only": sorted(map(list, set(peer) - set(mutu))),
        "mutu_only": sorted(map(list, set(mutu) - set(peer))),
        "largest_diff": largest,
        "samples": samples,
    }


def compare(peer_kpis: dict, home: Path) -> dict:
    warehouse = home / "warehouse" / "mutu.duckdb"
    if not warehouse.exists():
        return {"error": f"no published warehouse at {warehouse}"}
    return {
        name: compare_table(peer_kpis[name], mart_rows(warehouse, query), keys, measures)
        for name, query, keys, measures in COMPARED
    }
