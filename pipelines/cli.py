"""`mutu`: generate a demo landing zone, run the pipeline through Dagster, print what was published."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
import warnings
from datetime import date
from pathlib import Path


def _generate(args: argparse.Namespace) -> int:
    from pipelines.generate import generate_landing

    summary = generate_landing(
        Path(args.out), units=args.units, days=args.days, start=args.start, seed=args.seed, defects=args.defects
    )
    print(
        f"landing zone written to {args.out}: {summary['files']} files, {summary['queue_rows']} queue tickets, "
        f"{summary['survey_rows']} survey respondents, {summary['complaint_rows']} complaints "
        f"({summary['first_date']} .. {summary['last_date']}, {len(summary['units'])} units)"
    )
    return 0


EXAMPLE_QUERY = (
    "select unit_name, quarter, respondents, round(ikm_converted, 2) as ikm, mutu, weakest_unsur "
    "from marts.mart_ikm_unit_quarter order by quarter, unit_name limit 5"
)


FILES_LISTED = 40  # up to this many landed files, the summary lists each; beyond, those that need a look


def _file_lines(files: list[tuple]) -> list[str]:
    """One line per landed file (audit.row_accounting): its days, its rows, or why it was rejected."""

    def line(source_file, status, error, rows_in, loaded, quarantined, first, last, days) -> str:
        if status == "rejected":  # the reader's message names the file's full path first: named once here
            return f"  REJECTED {source_file}: {(error or '').split(f'{source_file}: ', 1)[-1]}"
        span = f"{first}" if days == 1 else f"{first}..{last} ({days} days)"
        return f"  {source_file}  {span}  in {rows_in:,}  loaded {loaded:,}  quarantined {quarantined:,}"

    if len(files) <= FILES_LISTED:
        return ["", "files (audit.row_accounting):", *(line(*f) for f in files)]
    # Many files: each rejected or multi-day one by name, the one-day files as counts.
    notable = [f for f in files if f[1] == "rejected" or f[8] > 1]
    daily = [f for f in files if f not in notable]
    out = ["", f"files (audit.row_accounting): {len(files):,} landed; rejected or spanning several days:"]
    out += [line(*f) for f in notable[:FILES_LISTED]]
    if len(notable) > FILES_LISTED:
        out.append(f"  ... and {len(notable) - FILES_LISTED:,} more: select * from audit.row_accounting")
    with_quarantine = sum(1 for f in daily if f[5])
    out.append(
        f"  {len(daily):,} one-day files loaded, {with_quarantine:,} of them with quarantined rows "
        "(audit.quarantine says which rows and rules)"
    )
    return out


def _summary(warehouse: Path) -> str:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            """
            select dataset, sum(rows_in), sum(rows_loaded), sum(rows_quarantined),
                   count(*) filter (where file_status = 'rejected')
            from audit.row_accounting group by dataset order by dataset
            """
        ).fetchall()
        files = con.execute(
            """
            select source_file, file_status, error, rows_in, rows_loaded, rows_quarantined, first_day, last_day, days
            from audit.row_accounting where dataset in ('queue_tickets', 'survey_responses', 'complaints')
            order by file_status desc, source_file
            """
        ).fetchall()
        marts = con.execute(
            "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts' order by table_name"
        ).fetchall()
        example = str(con.sql(EXAMPLE_QUERY))
    finally:
        con.close()
    lines = ["", "rows per source (in = loaded + quarantined):"]
    lines += [
        f"  {dataset:<18} in {rows_in:>9,}  loaded {loaded:>9,}  quarantined {quarantined:>7,}  "
        f"files rejected {rejected}"
        for dataset, rows_in, loaded, quarantined, rejected in rows
    ]
    lines += _file_lines(files)
    lines += ["", f"warehouse: {warehouse}", "marts: " + ", ".join(f"{n} ({s:,} rows)" for n, s in marts)]
    lines += [
        "",
        "example query (any DuckDB client, read-only):",
        f"  {EXAMPLE_QUERY}",
        example,
        "Dagster UI on this home (loopback only): make dev, then open http://127.0.0.1:3000",
    ]
    return "\n".join(lines)


def _run(args: argparse.Namespace) -> int:
    from pipelines import gx_checks
    from pipelines.errors import MutuError
    from pipelines.run_lock import held_by_another
    from pipelines.settings import require_runnable

    landing = Path(args.landing).resolve()
    try:
        require_runnable(landing)
        # A home another run holds stops this one at once: no side process to start (and leave behind) then.
        if not held_by_another(Path(args.home).resolve()):
            gx_checks.start()  # the run will stage: Great Expectations loads on the other core during the imports
    except MutuError:
        pass  # the run stops on it below, with its message
    try:
        from pipelines.orchestration import run_everything
        from pipelines.settings import complaint_auto_close_workdays, ikm_weight_mode

        home = Path(args.home).resolve()
        try:
            weight_mode = ikm_weight_mode(args.ikm_weight_mode)
            complaint_auto_close_workdays()  # a malformed setting stops the run here, in one line
            published = run_everything(landing, home, weight_mode=weight_mode)
        except MutuError as exc:
            print(f"mutu run: {exc}", file=sys.stderr)
            return 2
    finally:
        gx_checks.release()
    print(_summary(published))
    return 0


def _report(args: argparse.Namespace) -> int:
    from pipelines.errors import MutuError
    from pipelines.report.render import render_pack
    from pipelines.settings import Paths

    home = Path(args.home).resolve()
    out = Path(args.out).resolve() if args.out else home / "reports"
    try:
        written = render_pack(
            Paths(home).warehouse, out, periods=[args.period], unit=args.unit, agency=args.agency, lang=args.lang
        )
    except MutuError as exc:
        print(f"mutu report: {exc}", file=sys.stderr)
        return 2
    reports = [p for p in written if p.suffix == ".html"]
    print(f"{len(reports)} report(s) for {args.period} ({args.lang}) in {reports[0].parent if reports else out}")
    for path in written:
        print(f"  {path}")
    return 0


def _stages(args: argparse.Namespace) -> int:
    """Stage timings of the latest runs on a home's Dagster instance, however they were launched."""
    from dagster import DagsterInstance

    from pipelines.settings import Paths
    from pipelines.stage_timer import run_stages

    dagster_home = Paths(Path(args.home).resolve()).dagster_home
    if not (dagster_home / "dagster.yaml").exists():
        print(f"mutu stages: no Dagster instance in {dagster_home}; run `mutu run --home {args.home}` first")
        return 2
    instance = DagsterInstance.from_config(str(dagster_home))
    records = instance.get_run_records(limit=args.runs)
    if not records:
        print(f"no runs on the instance in {dagster_home}")
        return 0
    timings = run_stages(instance, [r.dagster_run.run_id for r in records])
    print(f"the last {len(records)} run(s) on {dagster_home}:")
    for r in reversed(records):
        run = r.dagster_run
        print(f"  {run.run_id[:8]} {run.job_name:<16} {run.status.value:<8} {run.tags.get('mutu/trigger', '')}")
    print("stages (wall s, CPU s, rows):")
    for name, t in timings["stages"].items():
        print(f"  {name:<10} {t['wall_s']:>9.2f} {t['cpu_s']:>9.2f} {t['rows']:>12,}")
    slowest = sorted(timings["steps"].items(), key=lambda item: -item[1])[:10]
    print("slowest steps (wall s, Dagster's own timing):")
    for step, seconds in slowest:
        print(f"  {seconds:>9.2f}  {step}")
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="mutu", description="Public-service quality warehouse.")
    commands = root.add_subparsers(dest="command", required=True)

    gen = commands.add_parser("generate", help="write a deterministic, realistic demo landing zone")
    gen.add_argument("--out", required=True, help="landing zone folder to write")
    gen.add_argument("--units", type=int, default=8)
    gen.add_argument("--days", type=int, default=92)
    gen.add_argument("--start", type=_iso_date, default=date(2026, 7, 1), help="first day, YYYY-MM-DD")
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument(
        "--defects", type=float, default=0.0, help="share of rows with the defects real exports have (0..1)"
    )
    gen.set_defaults(handler=_generate)

    run = commands.add_parser(
        "run", help="materialise every asset for every landed partition and publish the warehouse"
    )
    run.add_argument("--landing", required=True, help="landing zone folder")
    run.add_argument("--home", required=True, help="Mutu home: lake, build, warehouse and Dagster instance")
    run.add_argument(
        "--ikm-weight-mode",
        help="exact (1/9, 1/14), three_decimals (0.111, 0.071) or two_decimals (0.11, 0.071); "
        "default MUTU_IKM_WEIGHT_MODE or exact",
    )
    run.set_defaults(handler=_run)

    report = commands.add_parser(
        "report", help="render the management review pack (HTML per scope, Excel workbook) from the published warehouse"
    )
    report.add_argument(
        "--period", required=True, help="period label as in the marts: 2026-07, 2026-Q3, 2026-S2 or 2026"
    )
    scope = report.add_mutually_exclusive_group()
    scope.add_argument(
        "--unit", help="one unit's report (unit_id); default: the organisation, every agency and every unit"
    )
    scope.add_argument("--agency", help="one agency's report")
    report.add_argument("--lang", choices=("id", "en"), default="id", help="Bahasa Indonesia (default) or English")
    report.add_argument(
        "--home", default=os.environ.get("MUTU_HOME", "data"), help="Mutu home holding warehouse/mutu.duckdb"
    )
    report.add_argument("--out", help="output folder (default HOME/reports)")
    report.set_defaults(handler=_report)

    stages = commands.add_parser(
        "stages", help="stage timings of the latest runs, from the Dagster event log (any launcher, any process)"
    )
    stages.add_argument(
        "--home", default=os.environ.get("MUTU_HOME", "data"), help="Mutu home holding the Dagster instance"
    )
    stages.add_argument("--runs", type=int, default=10, help="how many of the latest runs (default 10)")
    stages.set_defaults(handler=_stages)
    return root


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore")
    args = parser().parse_args(argv)
    return args.handler(args)


def entry() -> None:
    """The `mutu` console script: `main`, then an exit that skips the interpreter's teardown.

    Tearing down a process that imported Dagster, Great Expectations, Polars and DuckDB is a garbage collection
    of every module's objects: 1.4 s after a nightly run had finished its work, measured. Everything the run
    writes is closed and renamed into place before `main` returns (the lake, the warehouse, Dagster's SQLite
    files, whose write-ahead logs SQLite replays on the next open); the exit handlers still run, and the
    output is flushed."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped reading (`mutu stages | head`): the rest goes nowhere, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


if __name__ == "__main__":
    entry()
