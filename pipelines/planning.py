"""One plan of what must run: `mutu run`, the landing sensor and the nightly schedule all act on `make_plan`.

A daily partition is stale when its files changed (added, removed, new content: `changes.find_changes`)
or when it was staged by other staging inputs than today's: contracts, profiles, vocabularies, name lists,
staging code, the PII key, or the reference data (units and service standards feed validation). The row
accounting records, per partition, the build id it was staged with; any change of those inputs makes the
whole history stale, for every planner alike.

Stale partitions become one run of the declared `staging` job: its partition range runs from the first to the
last stale day of any source, and its `mutu/stale` tag names each source's stale days, which are all the run
stages (a new day and a restated day months before it do not restage the months between). A year landed at once
is one run: the ingest reads it in batches of rows, so memory does not grow with the run; every run pays Dagster's
run and step setup once. A run launched without the tag (the UI, a backfill) stages its whole range.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.changes import Changes, find_changes
from pipelines.contracts import CONTRACTS_DIR

PACKAGE = Path(__file__).resolve().parent
# What staged rows depend on besides the landed files and the reference data.
STAGING_CODE = (
    "contracts.py",
    "profiles.py",
    "vocabularies.py",
    "landing.py",
    "dating.py",
    "reading.py",
    "parsing.py",
    "pii.py",
    "names.py",
    "validation.py",
    "ingest.py",
    "lake.py",
)
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
STALE_TAG = "mutu/stale"  # source=first..last,day;source=...: the days of the run's range each source stages


def digest(parts) -> str:
    out = hashlib.sha256()
    for part in parts:
        out.update(part if isinstance(part, bytes) else str(part).encode())
        out.update(b"\0")
    return out.hexdigest()[:16]


def staging_inputs() -> list[Path]:
    return [
        *sorted(CONTRACTS_DIR.rglob("*.yaml")),
        *(PACKAGE / name for name in STAGING_CODE),
        *sorted((PACKAGE / "name_lists").glob("*")),
    ]


def build_id(key: bytes, reference: dict[str, str]) -> str:
    """The staging inputs a partition is staged with: code, contracts and profiles, the PII key (as an HMAC of a
    constant: the key is never stored) and the reference files' hashes."""
    key_tag = hmac.new(key, b"mutu staging fingerprint", hashlib.sha256).hexdigest()[:16]
    files = [f"{p.name}:{p.read_bytes().hex() if p.exists() else ''}" for p in staging_inputs()]
    return digest([key_tag, *files, *(f"{name}={sha}" for name, sha in sorted(reference.items()))])


Spans = tuple[tuple[str, str], ...]  # (first, last) partition keys, inclusive, in partition order


@dataclass(frozen=True)
class StagingRun:
    first: str
    last: str
    sources: tuple[str, ...]
    stale: tuple[tuple[str, Spans], ...] = ()  # per source, the spans of its stale days

    def tags(self) -> dict[str, str]:
        tags = {RANGE_START: self.first, RANGE_END: self.last}
        if self.stale:
            tags[STALE_TAG] = ";".join(
                f"{source}=" + ",".join(a if a == b else f"{a}..{b}" for a, b in spans) for source, spans in self.stale
            )
        return tags


def stale_in_run(tags: dict[str, str], source: str, keys: list[str]) -> list[str]:
    """The partition keys of a run's range (`keys`, in partition order) that `source` stages in it."""
    if STALE_TAG not in tags:
        return keys
    position = {k: i for i, k in enumerate(keys)}
    chosen: set[int] = set()
    for entry in tags[STALE_TAG].split(";"):
        name, _, spans = entry.partition("=")
        if name != source:
            continue
        for span in spans.split(","):
            first, _, last = span.partition("..")
            chosen.update(range(position[first], position[last or first] + 1))
    return [k for i, k in enumerate(keys) if i in chosen]


@dataclass
class Plan:
    changes: Changes
    stale: dict[str, list[str]]  # source -> partition keys to stage
    reference: bool  # the reference data must be staged first
    runs: list[StagingRun] = field(default_factory=list)
    new_partitions: list[str] = field(default_factory=list)  # partition keys the instance does not know yet
    rebuilt_history: bool = False  # every landed partition is stale (staging inputs changed, or asked for)

    def run_key(self, run: StagingRun) -> str:
        """Names the change a run stages: the same landing and inputs ask once; a new change asks again."""
        parts = [
            self.changes.fingerprints.get((s, k), "")
            for s in run.sources
            for k in self.stale[s]
            if run.first <= k <= run.last
        ]
        return f"staging:{run.first}:{run.last}:{','.join(run.sources)}:{digest([self.changes.build, *parts])}"

    def summary(self) -> dict:
        return {
            "restage_all": self.rebuilt_history,
            "reference": self.reference,
            "stale_partitions": {s: len(k) for s, k in self.stale.items()},
            "staging_runs": [{"range": [r.first, r.last], "sources": list(r.sources)} for r in self.runs],
        }


def make_plan(
    landing: Path, lake: Path, key: bytes, cache: dict[str, str], known: list[str], full: bool = False
) -> Plan:
    """What must run for this landing zone and lake; `known` is the instance's partition order."""
    changes = find_changes(landing, lake, cache, build=lambda reference: build_id(key, reference))
    stale = {
        source: sorted(changes.landed[source] | set(keys)) if full else keys
        for source, keys in changes.partitions.items()
    }
    wanted = sorted(set().union(*changes.landed.values(), *stale.values()))
    new = [k for k in wanted if k not in set(known)]
    order = [*known, *new]
    plan = Plan(
        changes,
        stale,
        changes.reference or full,
        new_partitions=new,
        rebuilt_history=full or (bool(changes.stale_build) and changes.stale_build >= changes.all_landed),
    )
    plan.runs = staging_runs(stale, order)
    return plan


def _spans(positions: list[int], order: list[str]) -> Spans:
    spans: list[list[int]] = []
    for p in positions:
        if spans and p == spans[-1][1] + 1:
            spans[-1][1] = p
        else:
            spans.append([p, p])
    return tuple((order[a], order[b]) for a, b in spans)


def staging_runs(stale: dict[str, list[str]], order: list[str]) -> list[StagingRun]:
    """One run for everything stale (none when nothing is): the range from the first to the last stale day, each
    source's stale days as spans of consecutive partitions."""
    position = {k: i for i, k in enumerate(order)}
    spans = {source: _spans(sorted(position[k] for k in keys), order) for source, keys in stale.items() if keys}
    if not spans:
        return []
    positions = [position[k] for keys in stale.values() for k in keys]
    return [StagingRun(order[min(positions)], order[max(positions)], tuple(spans), tuple(spans.items()))]
