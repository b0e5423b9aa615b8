"""Side-by-side nightly runs of two code trees: is a change faster, on this host, now?

    python -m bench.ab --base 9c445b3 --pairs 4            # the working tree against a commit

A change that saves a few percent is lost in the host's noise between separate bench runs (10-25 % on a shared
2-core machine). Here the nightly workload's year is published once by each code into its own snapshot home (a
snapshot per code: the incremental state records the code it was built by), then the new day is landed on a copy of
each snapshot and `mutu run` timed, base and head interleaved, `--pairs` times. Both sides run on this checkout's
virtualenv; the base's tree is `git archive`d from the commit. Outputs under OUT (default bench/out/ab, git-ignored).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from bench.landing_days import copy_tree_into, last_day, move_day_out
from bench.measure import Measurement, measure
from bench.run import DEFECTS, REPO_ROOT, SEED, Bench
from bench.workloads import WORKLOADS


def mutu(bench: Bench, code: Path, *arguments: str, log: Path) -> Measurement:
    """`python -m pipelines.cli ...` run from `code`, so that its `pipelines` package is the one imported."""
    found = measure([sys.executable, "-m", "pipelines.cli", *arguments], log, env=bench.env(), cwd=code)
    if not found.ok:
        raise SystemExit(f"{' '.join(arguments[:1])} from {code} exited {found.exit_code}: {found.last_lines(3)}")
    return found


def landing(bench: Bench, out: Path, name: str) -> tuple[Path, Path]:
    """A nightly workload's history and its new day, generated once and kept for later comparisons."""
    year, new_day = out / name / "landing", out / name / "new_day"
    if not year.exists():
        bench.generate(WORKLOADS[name], year, f"generate_{name}.log")
        move_day_out(year, last_day(year), new_day)
        copy_tree_into(year / "reference", new_day / "reference")
    return year, new_day


def base_tree(out: Path, commit: str) -> Path:
    tree = out / "code" / "base"
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", commit], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def nightly(bench: Bench, code: Path, snapshot: Path, year: Path, new_day: Path, trial: Path, log: Path) -> Measurement:
    shutil.rmtree(trial, ignore_errors=True)
    shutil.copytree(snapshot, trial / "home", symlinks=True)
    shutil.copytree(year, trial / "landing", symlinks=True)
    copy_tree_into(new_day, trial / "landing")
    return mutu(bench, code, "run", "--landing", str(trial / "landing"), "--home", str(trial / "home"), log=log)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ab", description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit to compare the working tree with")
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--workload", default="nightly", choices=[w for w in WORKLOADS if w.startswith("nightly")])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "out" / "ab")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    bench = Bench(out, out, False, SEED, DEFECTS)  # its logs go to OUT/logs
    year, new_day = landing(bench, out, args.workload)
    sides = {"base": base_tree(out, args.base), "head": REPO_ROOT}
    for side, code in sides.items():
        snapshot = out / "snapshot" / side
        shutil.rmtree(snapshot, ignore_errors=True)
        mutu(bench, code, "run", "--landing", str(year), "--home", str(snapshot), log=out / f"snapshot_{side}.log")
    runs: dict[str, list[Measurement]] = {side: [] for side in sides}
    for pair in range(1, args.pairs + 1):
        for side, code in sides.items():
            found = nightly(
                bench, code, out / "snapshot" / side, year, new_day, out / "trial", out / f"{side}_{pair}.log"
            )
            runs[side].append(found)
            print(f"pair {pair} {side}: {found.wall_s:.2f} s wall, {found.cpu_s:.2f} s CPU", flush=True)
    for side, found in runs.items():
        walls = [m.wall_s for m in found]
        cpus = [m.cpu_s for m in found]
        print(
            f"{side} ({args.base if side == 'base' else 'working tree'}): wall median {statistics.median(walls):.2f} s "
            f"({', '.join(f'{w:.2f}' for w in walls)}), CPU median {statistics.median(cpus):.2f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
