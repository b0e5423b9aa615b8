"""`make bench`: generate each workload with `mutu generate`, run it with `mutu run` in fresh processes,
measure DuckDB's parse floor, the pandas + GX peer script (bench/peer.py) and the import floor in the same
run, and write OUT/results.json and OUT/results.md.

    python -m bench.run --workloads S --out bench/out          # CI smoke, about a minute
    python -m bench.run --workloads all --out bench/out        # S, M, nightly, M3, restate
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

from bench import report
from bench.landing_days import copy_tree_into, day_of, folder_counts, last_day, move_day_out, restate_day
from bench.measure import Measurement, measure
from bench.peer_compare import compare
from bench.workloads import Workload, selected

REPO_ROOT = Path(__file__).resolve().parents[1]
SEED = 7
DEFECTS = 0.01  # the demo's rate: quarantine paths are part of the cost
BENCH_KEY = "bench-only-pseudonym-key-synthetic-data"  # synthetic data only; never a real key
IMPORT_FLOOR = "import dagster, great_expectations, polars, duckdb"
# Great Expectations alone: the import `mutu run`'s side process makes before it can judge a staged day, so no run
# that stages a day publishes sooner (the restate's floor).
VALIDATOR_FLOOR = "import great_expectations"
IMPORT_FLOOR_TRIES = 3
# The nightly and the restate are timed as often as the import floor and judged by their fastest try, the floor's
# own estimator: a single run against the floor's best of three counted the host's bad seconds on one side only.
RUN_TRIES = IMPORT_FLOOR_TRIES
SUMMARY = re.compile(r"(\d+) files, (\d+) queue tickets, (\d+) survey respondents, (\d+) complaints")


class StepFailed(Exception):
    pass


class Bench:
    """Where a benchmark writes, and the commands it runs."""

    def __init__(self, out: Path, work: Path, keep: bool, seed: int, defects: float):
        self.out, self.work, self.keep, self.seed, self.defects = out, work, keep, seed, defects
        self.logs = out / "logs"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("MUTU_PII_KEY_FILE", "DAGSTER_HOME")}
        return {**env, "MUTU_PII_KEY": BENCH_KEY, "PYTHONUNBUFFERED": "1"}

    def mutu(self) -> list[str]:
        script = Path(sys.executable).with_name("mutu")
        return [str(script)] if script.exists() else [sys.executable, "-m", "pipelines.cli"]

    def generate(self, workload: Workload, landing: Path, log: str) -> dict:
        command = [
            *self.mutu(),
            "generate",
            "--out",
            str(landing),
            "--units",
            str(workload.units),
            "--days",
            str(workload.days),
            "--start",
            workload.start.isoformat(),
            "--seed",
            str(self.seed),
            "--defects",
            str(self.defects),
        ]
        result = self.checked(measure(command, self.logs / log, env=self.env(), cwd=REPO_ROOT), "mutu generate")
        return {**result.as_dict(), "summary": generated_summary(Path(result.log).read_text(errors="replace"))}

    def floor(self, landing: Path, log: str) -> dict:
        figures = self.logs / f"{log}.json"
        command = [sys.executable, "-m", "bench.floor", str(landing), "--json", str(figures)]
        result = self.checked(measure(command, self.logs / f"{log}.log", env=self.env(), cwd=REPO_ROOT), "floor")
        return {**json.loads(figures.read_text()), "process": result.as_dict()}

    def peer(self, landing: Path, home: Path, log: str) -> dict:
        """The pandas + GX script on the same landing zone, and its KPIs next to the marts of Mutu's run."""
        figures = self.logs / f"{log}.json"
        command = [sys.executable, "-m", "bench.peer", str(landing), "--json", str(figures)]
        result = measure(command, self.logs / f"{log}.log", env=self.env(), cwd=REPO_ROOT)
        entry = {"process": result.as_dict()}
        if not result.ok:
            return {**entry, "error": result.last_lines(1)}
        output = json.loads(figures.read_text())
        kept = ("rows_read", "unexpected", "skipped_files", "folders_not_read")
        return {**entry, **{k: output[k] for k in kept}, "comparison": compare(output["kpis"], home)}

    def import_floor(self, command: str = IMPORT_FLOOR, log: str = "import_floor") -> dict:
        """A fresh interpreter running `command` (importing the four libraries Mutu cannot start without); best of a
        few."""
        tries = [
            measure([sys.executable, "-c", command], self.logs / f"{log}_{n}.log", env=self.env(), cwd=REPO_ROOT)
            for n in range(IMPORT_FLOOR_TRIES)
        ]
        for attempt in tries:
            self.checked(attempt, log.replace("_", " "))
        best = min(tries, key=lambda m: m.wall_s)
        return {
            "command": command,
            "tries": [t.wall_s for t in tries],
            "wall_s": best.wall_s,
            "median_wall_s": statistics.median(t.wall_s for t in tries),
            "max_rss_mb": best.max_rss_mb,
            "process": best.as_dict(),
        }

    def run(self, name: str, description: str, landing: Path, home: Path, floor: str, log: str) -> dict:
        command = [*self.mutu(), "run", "--landing", str(landing), "--home", str(home)]
        result = measure(command, self.logs / log, env=self.env(), cwd=REPO_ROOT)
        stats_file = home / "run_stats.json"
        entry = {
            "name": name,
            "description": description,
            "landing": str(landing),
            "home": str(home),
            "floor": floor,
            "process": result.as_dict(),
            "pipeline": json.loads(stats_file.read_text()) if result.ok and stats_file.exists() else {},
        }
        if not result.ok:
            entry["error"] = result.last_lines(1)
        return entry

    def fastest(self, attempts: list[dict]) -> dict:
        """The fastest of repeated runs, with every try's wall time; the first failed try if one failed."""
        failed = next((a for a in attempts if a["process"]["exit_code"] != 0), None)
        if failed is not None:
            return failed
        walls = [a["process"]["wall_s"] for a in attempts]
        best = min(attempts, key=lambda a: a["process"]["wall_s"])
        return {**best, "tries": walls, "median_wall_s": statistics.median(walls)}

    def run_again(self, name: str, description: str, landing: Path, home: Path, floor: str, log: str) -> dict:
        """`RUN_TRIES` runs on the home as it is now, each from a fresh copy of it (the fastest counts)."""
        before = home.with_name(f"{home.name}_before_{name}")
        shutil.rmtree(before, ignore_errors=True)
        shutil.copytree(home, before, symlinks=True)
        attempts = []
        for n in range(1, RUN_TRIES + 1):
            if n > 1:
                shutil.rmtree(home)
                shutil.copytree(before, home, symlinks=True)
            attempts.append(self.run(name, description, landing, home, floor, numbered(log, n)))
        shutil.rmtree(before, ignore_errors=True)
        return self.fastest(attempts)

    def run_fresh(self, name: str, description: str, landing: Path, home: Path, floor: str, log: str) -> dict:
        """`RUN_TRIES` runs into empty homes (the fastest counts); `home` is the first's, the others are removed."""
        attempts = []
        for n in range(1, RUN_TRIES + 1):
            target = home if n == 1 else home.with_name(f"{home.name}_{n}")
            attempts.append(self.run(name, description, landing, target, floor, numbered(log, n)))
            if n > 1:
                shutil.rmtree(target, ignore_errors=True)
        return {**self.fastest(attempts), "home": str(home)}

    def checked(self, result: Measurement, what: str) -> Measurement:
        if not result.ok:
            raise StepFailed(f"{what} exited {result.exit_code}: {result.last_lines(1)} (log {result.log})")
        return result


def numbered(log: str, n: int) -> str:
    stem, dot, suffix = log.rpartition(".")
    return f"{stem}_{n}.{suffix}" if dot else f"{log}_{n}"


def generated_summary(text: str) -> dict:
    match = SUMMARY.search(text)
    if not match:
        return {}
    files, tickets, respondents, complaints = map(int, match.groups())
    return {"files": files, "queue_tickets": tickets, "survey_respondents": respondents, "complaints": complaints}


def landing_figures(landing: Path) -> dict:
    folders = folder_counts(landing)
    return {
        "files": sum(f["files"] for f in folders.values()),
        "bytes": sum(f["bytes"] for f in folders.values()),
        "folders": folders,
    }


def workload_entry(bench: Bench, workload: Workload) -> dict:
    return {
        "name": workload.name,
        "description": workload.description,
        "units": workload.units,
        "days": workload.days,
        "start": workload.start.isoformat(),
        "seed": bench.seed,
        "defects": bench.defects,
        "floors": {},
        "runs": [],
        "notes": [],
    }


def publish_landing(
    bench: Bench, workload: Workload, folder: Path, entry: dict, repeated: bool = False
) -> tuple[Path, Path]:
    """Generate the workload's landing zone, measure its DuckDB floor and run it into an empty home (`repeated`: into
    `RUN_TRIES` empty homes, the fastest counting)."""
    landing, home = folder / "landing", folder / "home"
    entry["generate"] = bench.generate(workload, landing, f"{workload.name}/generate.log")
    entry["landing"] = landing_figures(landing)
    entry["floors"]["landing"] = bench.floor(landing, f"{workload.name}/floor")
    entry["runs"].append(
        (bench.run_fresh if repeated else bench.run)(
            "full",
            "the whole landing zone into an empty home",
            landing,
            home,
            "landing",
            f"{workload.name}/run_full.log",
        )
    )
    require_success(entry["runs"][-1])
    return landing, home


def run_full(bench: Bench, workload: Workload, folder: Path, entry: dict) -> None:
    landing, home = publish_landing(bench, workload, folder, entry)
    entry["peer"] = bench.peer(landing, home, f"{workload.name}/peer")


def run_nightly(bench: Bench, workload: Workload, folder: Path, entry: dict) -> None:
    """A published year, then one new day landed on top of it, versus that day alone on an empty home."""
    landing, new_day, day_only = folder / "landing", folder / "new_day", folder / "day_only"
    entry["generate"] = bench.generate(workload, landing, f"{workload.name}/generate.log")
    day = last_day(landing)
    moved = move_day_out(landing, day, new_day)
    copy_tree_into(landing / "reference", new_day / "reference")  # the nightly export lands the reference again
    entry["new_day"] = {"date": day.isoformat(), "files": [str(p) for p in moved]}
    entry["notes"].append(
        f"Generated once ({workload.days} days); the last day, {day.isoformat()}, was moved out ({len(moved)} files) "
        f"so the landing holds the {workload.days - 1} days before it. That year is run into an empty home (`setup`);"
        " then the new day's files and the "
        f"reference are copied into that landing and `mutu run` runs again on the same home (`nightly`, {RUN_TRIES} "
        "times, each on a fresh copy of the published home); the same day's files and reference alone are run into "
        f"an empty home (`one_day_on_empty`, {RUN_TRIES} empty homes). Each counts its fastest try, as the import "
        "floor does."
    )
    home = folder / "home"

    entry["floors"]["year"] = bench.floor(landing, f"{workload.name}/floor_year")
    entry["runs"].append(
        bench.run(
            "setup", "publish the year into an empty home", landing, home, "year", f"{workload.name}/run_setup.log"
        )
    )
    require_success(entry["runs"][-1])

    copy_tree_into(new_day, landing)
    entry["floors"]["year_plus_day"] = bench.floor(landing, f"{workload.name}/floor_year_plus_day")
    entry["runs"].append(
        bench.run_again(
            "nightly",
            "one new day landed on top of the published year (same home)",
            landing,
            home,
            "year_plus_day",
            f"{workload.name}/run_nightly.log",
        )
    )

    copy_tree_into(new_day, day_only)
    entry["floors"]["day"] = bench.floor(day_only, f"{workload.name}/floor_day")
    entry["runs"].append(
        bench.run_fresh(
            "one_day_on_empty",
            "the same day's files and reference into an empty home",
            day_only,
            folder / "home_empty",
            "day",
            f"{workload.name}/run_one_day.log",
        )
    )
    entry["landing"] = landing_figures(landing)


def run_restate(bench: Bench, workload: Workload, folder: Path, entry: dict) -> None:
    """The demo's landing published into an empty home, then one of its days restated and `mutu run` again."""
    landing, home = publish_landing(bench, workload, folder, entry, repeated=True)
    changed = restate_day(landing, workload.start + timedelta(days=workload.days // 2))
    day = day_of(changed)
    entry["notes"].append(
        f"After the full run, one ticket was appended to `{changed.relative_to(landing)}` (a copy of its last ticket "
        f"under a new number) and `mutu run` ran again on the same home (`restate`): {day.isoformat()} is restaged and "
        f"every period holding it recomputed. The full run (into {RUN_TRIES} empty homes) and the restate ({RUN_TRIES} "
        "times, each on a fresh copy of the published home) count their fastest tries, as the import floor does."
    )
    entry["runs"].append(
        bench.run_again(
            "restate",
            f"the same home after one day ({day.isoformat()}) was restated",
            landing,
            home,
            "landing",
            f"{workload.name}/run_restate.log",
        )
    )
    entry["landing"] = landing_figures(landing)  # with the restated file


RUNNERS = {"full": run_full, "nightly": run_nightly, "restate": run_restate}


def require_success(run: dict) -> None:
    if run["process"]["exit_code"] != 0:
        raise StepFailed(f"run `{run['name']}` failed: {run.get('error', '')}")


def run_workload(bench: Bench, workload: Workload) -> dict:
    entry = workload_entry(bench, workload)
    folder = bench.work / workload.name
    shutil.rmtree(folder, ignore_errors=True)  # a leftover of an interrupted bench must not be measured
    try:
        RUNNERS[workload.kind](bench, workload, folder, entry)
        for run in entry["runs"]:
            require_success(run)
    except StepFailed as exc:
        entry["error"] = str(exc)
    finally:
        if not bench.keep:
            shutil.rmtree(folder, ignore_errors=True)  # M3 alone is gigabytes
    return entry


def host() -> dict:
    memory_kb = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    versions = {}
    for package in ("duckdb", "polars", "dagster", "great-expectations", "pyarrow", "python-calamine"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }


def write_results(out: Path, results: dict) -> None:
    results["targets"] = report.targets(results)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    (out / "results.md").write_text(report.markdown(results))


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default="all", help="all, or a comma list of S, M, nightly, M3, restate")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out")
    parser.add_argument("--work", type=Path, help="where landing zones and homes go (default OUT/work)")
    parser.add_argument("--keep", action="store_true", help="keep each workload's landing zone and home")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--defects", type=float, default=DEFECTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workloads = selected(args.workloads)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(out / "logs", ignore_errors=True)
    bench = Bench(out, (args.work or out / "work").resolve(), args.keep, args.seed, args.defects)
    results = {"started_at": now(), "finished_at": None, "host": host(), "workloads": {}}
    print(f"[bench] {now()} import floor: {IMPORT_FLOOR} (best of {IMPORT_FLOOR_TRIES})", flush=True)
    results["import_floor"] = bench.import_floor()
    print(f"[bench] {now()} validator floor: {VALIDATOR_FLOOR} (best of {IMPORT_FLOOR_TRIES})", flush=True)
    results["validator_floor"] = bench.import_floor(VALIDATOR_FLOOR, "validator_floor")
    for workload in workloads:
        print(f"[bench] {now()} workload {workload.name}: {workload.description}", flush=True)
        results["workloads"][workload.name] = run_workload(bench, workload)
        write_results(out, results)  # a long bench leaves usable results behind each workload
    results["finished_at"] = now()
    write_results(out, results)
    print(f"[bench] {now()} results: {out / 'results.md'}", flush=True)
    failed = [name for name, entry in results["workloads"].items() if entry.get("error")]
    if failed:
        print(f"[bench] failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
