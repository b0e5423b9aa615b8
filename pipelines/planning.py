"""One plan of what must run: `mutu run`, the landing sensor and the nightly schedule all act on `make_plan`.

A daily partition is stale when its files changed (added, removed, new content: `changes.find_changes`)
or when it was staged by other staging inputs than today's: contracts, profiles, vocabularies, name lists,
staging code, the PII key, or the reference data (units and service standards feed validation). The row
accounting records, per partition, the build id it was staged with; any change of those inputs makes the
whole history stale, for every planner alike.

Stale partitions become staging runs of the declared `staging` job over partition ranges: sources with the
same range share a run, ranges closer than MAX_GAP join (re-staging a few unchanged days is cheaper than
another run and is idempotent), and no run holds more than MAX_RUN_PARTITIONS days, so a year landed at once
is a handful of runs and a failed run re-runs only its quarter.
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
MAX_GAP = 3
MAX_RUN_PARTITIONS = 92  # about a quarter of days per staging run
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


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


@dataclass(frozen=True)
class StagingRun:
    first: str
    last: str
    sources: tuple[str, ...]

    def tags(self) -> dict[str, str]:
        return {RANGE_START: self.first, RANGE_END: self.last}


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
    plan.runs = staging_runs(stale, order, changes.landed)
    return plan


def _ranges(stale: list[int], busy: set[int], max_gap: int, chunk: int) -> list[list[int]]:
    ranges: list[list[int]] = []
    for p in stale:
        last = ranges[-1][1] if ranges else None
        if last is not None and p // chunk == last // chunk and sum(last < b < p for b in busy) <= max_gap:
            ranges[-1][1] = p
        else:
            ranges.append([p, p])
    return ranges


def staging_runs(
    stale: dict[str, list[str]],
    order: list[str],
    landed: dict[str, set[str]] | None = None,
    max_gap: int = MAX_GAP,
    chunk: int = MAX_RUN_PARTITIONS,
) -> list[StagingRun]:
    """One run per partition range; sources with the same range share it. A source's range grows to another
    source's range when it gains only days the source has no up-to-date file on: one run instead of two, and a year
    landed at once is one run per chunk for all sources."""
    position = {k: i for i, k in enumerate(order)}
    busy, ranges = {}, {}
    for source, keys in stale.items():
        positions = sorted({position[k] for k in keys})
        busy[source] = {position[k] for k in (landed or {}).get(source, set()) if k in position} - set(positions)
        ranges[source] = _ranges(positions, busy[source], max_gap, chunk)
    for source, own in ranges.items():
        others = [q for other, theirs in ranges.items() if other != source for q in theirs]
        for span in own:
            wider = [
                q
                for q in others
                if q[0] <= span[0]
                and span[1] <= q[1]
                and q[0] // chunk == span[0] // chunk
                and not any(q[0] <= b <= q[1] for b in busy[source])
            ]
            if wider:
                span[:] = max(wider, key=lambda q: q[1] - q[0])
    runs: dict[tuple[int, int], list[str]] = {}
    for source, own in ranges.items():
        for first, last in own:
            if source not in runs.setdefault((first, last), []):
                runs[(first, last)].append(source)
    return [StagingRun(order[a], order[b], tuple(sources)) for (a, b), sources in sorted(runs.items())]
