"""A snapshot of the Dagster definitions: a change in lineage is a visible diff, not an accident.

After an intended change: MUTU_UPDATE_SNAPSHOT=1 pytest tests/test_definitions.py, and commit the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.txt"


def describe() -> str:
    from pipelines.definitions import defs

    graph = defs.resolve_asset_graph()
    lines = []
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        deps = ", ".join(sorted(p.to_user_string() for p in node.parent_keys))
        partitioned = " [daily]" if node.partitions_def else ""
        lines.append(f"asset {key.to_user_string()} group={node.group_name}{partitioned} <- {deps}")
    for check in sorted(graph.asset_check_keys, key=lambda k: (k.asset_key.to_user_string(), k.name)):
        lines.append(f"check {check.asset_key.to_user_string()}:{check.name}")
    for schedule in defs.schedules or []:
        lines.append(f"schedule {schedule.name} {schedule.cron_schedule}")
    for sensor in defs.sensors or []:
        lines.append(f"sensor {sensor.name}")
    return "\n".join(lines) + "\n"


def test_definitions_match_snapshot():
    current = describe()
    if os.environ.get("MUTU_UPDATE_SNAPSHOT") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(current)
    assert current == SNAPSHOT.read_text()


def test_layers_are_all_present():
    from pipelines.definitions import defs

    groups = {defs.resolve_asset_graph().get(k).group_name for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert groups == {"landing", "staging", "core", "indicators", "marts", "audit", "publish", "reports"}
