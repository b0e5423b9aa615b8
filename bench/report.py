"""Targets (reported, never asserted) and the Markdown rendering of results.json."""

from __future__ import annotations

STAGES = ("parse", "validate", "transform", "write", "publish")
GIB_MB = 1024.0


# --- targets -------------------------------------------------------------------------------------


def _run(results: dict, workload: str, run: str) -> dict | None:
    entry = results["workloads"].get(workload) or {}
    found = [r for r in entry.get("runs", []) if r["name"] == run and r["process"]["exit_code"] == 0]
    return found[0] if found else None


def _floor_of(results: dict, workload: str, run: dict) -> float | None:
    floor = results["workloads"][workload]["floors"].get(run["floor"])
    return floor["wall_s"] if floor else None


def _target(text: str, limit: str, measured: float | None, shown: str, met: bool | None) -> dict:
    return {
        "target": text,
        "limit": limit,
        "measured": measured,
        "shown": shown if measured is not None else "not measured",
        "met": met,
    }


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _medians(run: dict, other: dict | None) -> str:
    """The ratio of the medians beside the fastest tries' (the judged figure), when both sides were repeated."""
    theirs = (other or {}).get("median_wall_s")
    if "median_wall_s" not in run or not theirs:
        return ""
    return f"; medians {run['median_wall_s']:.1f} s vs {theirs:.2f} s: {run['median_wall_s'] / theirs:.2f}x"


def _validator_floor(results: dict, demo: dict) -> str:
    """Great Expectations' import beside a ratio to the demo's full run: a restate cannot publish before its side
    process has imported GX and judged the restated day."""
    floor = results.get("validator_floor")
    if not floor:
        return ""
    return (
        f"; a fresh `{floor['command']}` alone takes {floor['wall_s']:.2f} s, "
        f"{floor['wall_s'] / demo['process']['wall_s']:.2f}x the full run"
    )


def _stage_wall(run: dict | None, stage: str) -> float | None:
    if run is None:
        return None
    return (run["pipeline"].get("stages", {}).get(stage) or {}).get("wall_s", 0.0)


def targets(results: dict) -> list[dict]:
    m_run = _run(results, "M", "full")
    m3_run = _run(results, "M3", "full")
    nightly, one_day = _run(results, "nightly", "nightly"), _run(results, "nightly", "one_day_on_empty")
    small, small_day = _run(results, "nightly_small", "nightly"), _run(results, "nightly_small", "one_day_on_empty")
    small_ratio = _ratio(small["process"]["wall_s"], small_day["process"]["wall_s"]) if small and small_day else None
    m_gen = (results["workloads"].get("M") or {}).get("generate")

    full_vs_floor = _ratio(m_run["process"]["wall_s"], _floor_of(results, "M", m_run)) if m_run else None
    validate_share = _ratio(_stage_wall(m_run, "validate"), m_run["process"]["wall_s"]) if m_run else None
    nightly_ratio = _ratio(nightly["process"]["wall_s"], one_day["process"]["wall_s"]) if nightly and one_day else None
    m_rss = m_run["process"]["max_rss_mb"] if m_run else None
    m3_rss_ratio = _ratio(m3_run["process"]["max_rss_mb"], m_rss) if m3_run else None
    gen_wall = m_gen["wall_s"] if m_gen and m_gen["exit_code"] == 0 else None

    def met(value, limit):
        return None if value is None else value <= limit

    # The pack's own Dagster step (reports/review_pack) of the M run: a cold pack, the run starts on an empty home.
    pack_s = (m_run["pipeline"].get("steps") or {}).get("reports__review_pack") if m_run else None
    pack_share = _ratio(pack_s, m_run["process"]["wall_s"]) if m_run else None
    m_peer = _peer_wall(results, "M")
    vs_peer = _ratio(m_run["process"]["wall_s"], m_peer) if m_run else None
    import_floor = (results.get("import_floor") or {}).get("wall_s")
    vs_imports = _ratio(nightly["process"]["wall_s"], import_floor) if nightly else None
    parse_vs_floor = _ratio(_stage_wall(m_run, "parse"), _floor_of(results, "M", m_run)) if m_run else None
    demo, restated = _run(results, "restate", "full"), _run(results, "restate", "restate")
    restate_ratio = _ratio(restated["process"]["wall_s"], demo["process"]["wall_s"]) if demo and restated else None

    return [
        _target(
            "M: full `mutu run` within 12x its DuckDB floor (issue 19)",
            "<= 12.0x",
            full_vs_floor,
            f"{full_vs_floor:.1f}x" if full_vs_floor is not None else "",
            met(full_vs_floor, 12.0),
        ),
        _target(
            "restate: one day of the demo restated, against the demo's full run (issue 19)",
            "<= 0.25x",
            restate_ratio,
            f"{restate_ratio:.2f}x ({restated['process']['wall_s']:.1f} s vs {demo['process']['wall_s']:.1f} s"
            f"{_medians(restated, demo)}){_validator_floor(results, demo)}"
            if restate_ratio is not None
            else "",
            met(restate_ratio, 0.25),
        ),
        _target(
            "M: parse stage within 3x its DuckDB floor (issue 19)",
            "<= 3.0x",
            parse_vs_floor,
            f"{parse_vs_floor:.1f}x" if parse_vs_floor is not None else "",
            met(parse_vs_floor, 3.0),
        ),
        _target(
            "M: validation at most 15 % of the run (issue 19)",
            "<= 15%",
            validate_share,
            f"{validate_share:.0%}" if validate_share is not None else "",
            met(validate_share, 0.15),
        ),
        _target(
            "M: peak RSS of `mutu run` at most 1.5 GB (issue 19)",
            "<= 1500 MB",
            m_rss,
            f"{m_rss:,.0f} MB" if m_rss is not None else "",
            met(m_rss, 1500.0),
        ),
        _target(
            "M3: peak RSS within 1.2x M's (issue 19)",
            "<= 1.2x",
            m3_rss_ratio,
            f"{m3_rss_ratio:.2f}x" if m3_rss_ratio is not None else "",
            met(m3_rss_ratio, 1.2),
        ),
        _target(
            "M: full `mutu run` faster than the pandas + GX peer script (issue 19)",
            "< 1.0x",
            vs_peer,
            f"{vs_peer:.1f}x" if vs_peer is not None else "",
            None if vs_peer is None else vs_peer < 1.0,
        ),
        _target(
            "nightly: one new day on a published year within 3x the import floor (issue 19)",
            "<= 3.0x",
            vs_imports,
            f"{vs_imports:.1f}x ({nightly['process']['wall_s']:.1f} s vs {import_floor:.2f} s"
            f"{_medians(nightly, results.get('import_floor'))})"
            if vs_imports is not None
            else "",
            met(vs_imports, 3.0),
        ),
        _target(
            "M: the cold review pack at most 10 % of the run (issue 19)",
            "<= 10%",
            pack_share,
            f"{pack_share:.0%} ({pack_s:.1f} s)" if pack_share is not None else "",
            met(pack_share, 0.10),
        ),
        _target(
            "M: full `mutu run` within 6x its DuckDB floor (issue 8)",
            "<= 6.0x",
            full_vs_floor,
            f"{full_vs_floor:.1f}x" if full_vs_floor is not None else "",
            met(full_vs_floor, 6.0),
        ),
        _target(
            "M: validation at most a third of the run (issue 8)",
            "<= 33%",
            validate_share,
            f"{validate_share:.0%}" if validate_share is not None else "",
            met(validate_share, 1 / 3),
        ),
        _target(
            "nightly: one new day on a published year within 1.5x the same day on an empty home (issue 8)",
            "<= 1.5x",
            nightly_ratio,
            f"{nightly_ratio:.1f}x" if nightly_ratio is not None else "",
            met(nightly_ratio, 1.5),
        ),
        *(
            [
                _target(
                    "nightly_small (10 units x 90 days + 1; a proxy, not the issue's workload)",
                    "<= 1.5x",
                    small_ratio,
                    f"{small_ratio:.1f}x",
                    met(small_ratio, 1.5),
                )
            ]
            if small_ratio is not None
            else []
        ),
        _target(
            "M: peak RSS of `mutu run` under 4 GiB (issue 8)",
            "< 4096 MB",
            m_rss,
            f"{m_rss:,.0f} MB" if m_rss is not None else "",
            None if m_rss is None else m_rss < 4 * GIB_MB,
        ),
        _target(
            "M3: peak RSS under 1.5x M's (issue 8)",
            "< 1.5x",
            m3_rss_ratio,
            f"{m3_rss_ratio:.2f}x" if m3_rss_ratio is not None else "",
            None if m3_rss_ratio is None else m3_rss_ratio < 1.5,
        ),
        _target(
            "M: `mutu generate` within a minute (issue 8)",
            "<= 60 s",
            gen_wall,
            f"{gen_wall:.1f} s" if gen_wall is not None else "",
            met(gen_wall, 60.0),
        ),
    ]


def _peer_wall(results: dict, workload: str) -> float | None:
    peer = (results["workloads"].get(workload) or {}).get("peer") or {}
    return peer["process"]["wall_s"] if peer and not peer.get("error") else None


# --- markdown ------------------------------------------------------------------------------------


def _num(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:,.{digits}f}"


def _int(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f}"


def _met(flag: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "n/a"}[flag]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def targets_section(results: dict) -> list[str]:
    rows = [[t["target"], t["limit"], t["shown"], _met(t["met"])] for t in results["targets"]]
    return ["## Targets (reported, not asserted)", "", *_table(["target", "limit", "measured", "met?"], rows), ""]


DEFINITIONS = (
    "Where the definitions differ (read from `audit.quarantine` of an S run): Mutu quarantines rows the peer keeps "
    "— tickets and responses whose service has no standard valid on the day (the peer keeps them in the mean wait "
    "and counts a served one as outside the SLA), both rows of a key landed twice with different content (the peer "
    "keeps the last), rows with an unreadable timestamp or fee (the peer reads the time as missing and keeps the row); "
    "an answer outside 1..4 quarantines Mutu's whole response, the peer drops that answer only. Both reject the "
    "damaged workbook and the broken JSON line. The same in both: wait = called - issued over every called ticket, "
    "SLA share over served tickets against the maximum wait valid that day, the survey method per file (any u10..u14 "
    "answer: KepMenPAN 25/2004, 14 unsur), IKM = mean of the unsur NRR x 25 with exact weights, complaints by the "
    "month they were submitted."
)


def _versus(workload: str, what: str, mutu: dict, other: dict) -> list[str]:
    return [
        workload,
        what,
        _num(mutu["wall_s"]),
        _num(other["wall_s"]),
        f"**{mutu['wall_s'] / other['wall_s']:.1f}x**",
        _ratio_text(mutu.get("cpu_s"), other.get("cpu_s")),
        f"{mutu['max_rss_mb']:,.0f} / {other['max_rss_mb']:,.0f}",
    ]


def _ratio_text(numerator: float | None, denominator: float | None) -> str:
    value = _ratio(numerator, denominator)
    return "" if value is None else f"{value:.1f}x"


def peer_lines(results: dict) -> list[str]:
    """Mutu against the tool a user would otherwise pick (the peer) and against importing its libraries."""
    floor = results.get("import_floor")
    rows = []
    for entry in results["workloads"].values():
        peer = entry.get("peer") or {}
        for run in entry.get("runs", []):
            if run["process"]["exit_code"] != 0:
                continue
            if run["name"] == "full" and peer and not peer.get("error"):
                rows.append(
                    _versus(entry["name"], "`mutu run` (full) vs the pandas + GX peer", run["process"], peer["process"])
                )
            # The restate too: what is left of it is mostly the fixed cost this floor measures.
            if run["name"] in ("full", "nightly", "restate") and floor:
                rows.append(
                    _versus(
                        entry["name"],
                        f"`mutu run` ({run['name']}) vs the import floor",
                        run["process"],
                        floor["process"],
                    )
                )
    lines = ["## Mutu against the peer script and the import floor (issue 19)", ""]
    if floor:
        lines += [
            f'Import floor: a fresh `python -c "{floor["command"]}"`, best of {len(floor["tries"])}: '
            f"**{floor['wall_s']:.2f} s** (tries {', '.join(f'{t:.2f}' for t in floor['tries'])}), "
            f"peak RSS {floor['max_rss_mb']:,.0f} MB.",
            "",
        ]
    validator = results.get("validator_floor")
    if validator:
        lines += [
            f'Validator floor: a fresh `python -c "{validator["command"]}"`, best of {len(validator["tries"])}: '
            f"**{validator['wall_s']:.2f} s** (tries {', '.join(f'{t:.2f}' for t in validator['tries'])}). "
            "`mutu run` imports Great Expectations in a side process from its first moment and publishes once it "
            "has judged the staged days: no run that stages a day publishes sooner.",
            "",
        ]
    if rows:
        header = [
            "workload",
            "comparison",
            "Mutu wall s",
            "other wall s",
            "wall ratio",
            "CPU ratio",
            "peak RSS MB (Mutu / other)",
        ]
        lines += [
            *_table(header, rows),
            "",
            "On a shared host the CPU ratio is the steadier figure: wall times stretch with other work.",
            "",
        ]
    return lines


def peer_section(peer: dict) -> list[str]:
    lines = [
        "Peer (`bench/peer.py`: pandas reads every landed file, GX 1.x validates 3 expectations per source, "
        "pandas computes the headline KPIs):",
        "",
    ]
    if peer.get("error"):
        return [*lines, f"**failed**: `{peer['error']}`", ""]
    process = peer["process"]
    read = ", ".join(f"{_int(n)} {source}" for source, n in peer["rows_read"].items())
    unexpected = sum(n or 0 for source in peer["unexpected"].values() for n in source.values())
    lines += [
        f"**{process['wall_s']:.2f} s** wall, {process['cpu_s']:.2f} s CPU, "
        f"peak RSS {process['max_rss_mb']:,.0f} MB; "
        f"read {read} rows; {unexpected:,} unexpected values; {len(peer['skipped_files'])} file(s) or line(s) "
        "pandas could not read. " + contention(process),
        "",
    ]
    if peer.get("folders_not_read"):
        missed = ", ".join(peer["folders_not_read"])
        lines += [f"Landed folders the peer does not read (its KPIs miss them): {missed}.", ""]
    comparison = peer.get("comparison") or {}
    if comparison.get("error"):
        return [*lines, f"No comparison: {comparison['error']}.", ""]
    rows = []
    for table, found in comparison.items():
        for sample in found["samples"]:
            for measure, value in sample["peer"].items():
                key = " ".join(map(str, sample["key"]))
                rows.append([table, key, measure, _fmt(value), _fmt(sample["mutu"][measure])])
        for measure, largest in found["largest_diff"].items():
            if largest["key"]:
                rows.append(
                    [
                        table,
                        f"largest gap of {found['matched']} matched ({' '.join(map(str, largest['key']))})",
                        measure,
                        "",
                        f"diff {_fmt(largest['abs_diff'])}",
                    ]
                )
        if found["peer_only"] or found["mutu_only"]:
            rows.append(
                [
                    table,
                    "unmatched keys",
                    "",
                    f"{len(found['peer_only'])} peer only",
                    f"{len(found['mutu_only'])} Mutu only",
                ]
            )
    return [
        *lines,
        "The peer's KPIs next to Mutu's marts:",
        "",
        *_table(["KPI table", "key", "measure", "peer", "Mutu"], rows),
        "",
        DEFINITIONS,
        "",
    ]


def _fmt(value) -> str:
    if value is None:
        return ""
    return f"{value:,}" if isinstance(value, int) else f"{value:,.4f}"


def floor_section(name: str, floor: dict) -> list[str]:
    rows = [
        [
            f["folder"],
            f["engine"],
            _int(f["files"]),
            _mb(f["bytes"]),
            _int(f["rows"]),
            _num(f["wall_s"], 3),
            _int(f["unreadable_files"]),
        ]
        for f in floor["folders"]
    ]
    rows.append(
        [
            "**total**",
            f"{floor['duckdb_threads']} DuckDB threads",
            _int(floor["files"]),
            _mb(floor["bytes"]),
            _int(floor["rows"]),
            f"**{floor['wall_s']:.3f}**",
            "",
        ]
    )
    return [
        f"Floor `{name}` (DuckDB alone; XLSX with python-calamine):",
        "",
        *_table(["folder", "engine", "files", "MB", "rows", "wall s", "unreadable files"], rows),
        "",
    ]


def _rate(rows: int | None, wall: float | None) -> str:
    return f"{rows / wall:,.0f}" if rows and wall else ""


def _times_floor(wall: float | None, floor: float | None) -> str:
    return f"{wall / floor:,.1f}x" if wall is not None and floor else ""


def run_section(run: dict, floor_wall: float | None) -> list[str]:
    process, stats = run["process"], run["pipeline"]
    lines = [f"### run `{run['name']}` — {run['description']}", ""]
    if process["exit_code"] != 0:
        return [*lines, f"**failed** (exit {process['exit_code']}): `{run.get('error', '')}`", ""]
    stages = stats.get("stages", {})
    rows = []
    for stage in STAGES:
        s = stages.get(stage)
        if s:
            rows.append(
                [
                    stage,
                    _num(s["wall_s"]),
                    _num(s["cpu_s"]),
                    _int(s["rows"]),
                    _rate(s["rows"], s["wall_s"]),
                    _times_floor(s["wall_s"], floor_wall),
                ]
            )
    in_stages = sum(s["wall_s"] for s in stages.values())
    other = stats["wall_s"] - in_stages
    parsed = (stages.get("parse") or {}).get("rows")
    rows.append(
        [
            "outside the stages (Dagster runs, asset setup, lake reads)",
            _num(other),
            "",
            "",
            "",
            _times_floor(other, floor_wall),
        ]
    )
    rows.append(
        [
            "pipeline total (`run_stats.json` wall_s)",
            _num(stats["wall_s"]),
            "",
            _int(parsed),
            _rate(parsed, stats["wall_s"]),
            _times_floor(stats["wall_s"], floor_wall),
        ]
    )
    rows.append(
        [
            "**`mutu run` process** (incl. interpreter start and imports)",
            f"**{process['wall_s']:,.2f}**",
            _num(process["cpu_s"]),
            _int(parsed),
            _rate(parsed, process["wall_s"]),
            f"**{_times_floor(process['wall_s'], floor_wall)}**",
        ]
    )
    plan = stats.get("plan")
    if plan:
        runs = ", ".join(
            f"{'..'.join(dict.fromkeys(r['range']))} ({'+'.join(r['sources'])})" for r in plan["staging_runs"][:6]
        )
        more = len(plan["staging_runs"]) - 6
        lines += [
            f"Plan: {'everything staged' if plan['restage_all'] else 'changed partitions only'}; "
            f"{len(plan['staging_runs'])} staging run(s){': ' + runs if runs else ''}"
            f"{f' and {more} more' if more > 0 else ''}; "
            f"warehouse {plan['warehouse']}.",
            "",
        ]
    return [
        *lines,
        *_table(["stage", "wall s", "CPU s", "rows", "rows/s", "x floor"], rows),
        "",
        f"Peak RSS: **{process['max_rss_mb']:,.0f} MB**. Floor used for ratios: `{run['floor']}` "
        f"({_num(floor_wall, 3)} s). " + tries_text(run) + contention(process),
        "",
    ]


def tries_text(run: dict) -> str:
    """A repeated run's tries: the table above is its fastest, the figure the targets use."""
    if "tries" not in run:
        return ""
    walls = ", ".join(f"{t:.2f}" for t in run["tries"])
    return f"Fastest of {len(run['tries'])} tries (wall s: {walls}; median {run['median_wall_s']:.2f}). "


def contention(process: dict) -> str:
    if "others_cpu_s" not in process:
        return ""
    return (
        f"Meanwhile other processes on the host used {process['others_cpu_s']:,.0f} CPU s "
        f"(host busy {process['host_busy_share']:.0%})."
    )


def generate_line(generate: dict) -> str:
    summary = generate.get("summary") or {}
    counts = ", ".join(
        f"{_int(summary[k])} {k.replace('_', ' ')}"
        for k in ("queue_tickets", "survey_respondents", "complaints")
        if k in summary
    )
    return (
        f"`mutu generate`: **{generate['wall_s']:.1f} s** wall, {generate['cpu_s']:.1f} s CPU, peak RSS "
        f"{generate['max_rss_mb']:,.0f} MB; {counts}. " + contention(generate)
    )


def nightly_observation(entry: dict) -> list[str]:
    """What the nightly run actually re-did: its parsed rows against the new day's own rows."""
    runs = {r["name"]: r for r in entry.get("runs", []) if r["process"]["exit_code"] == 0}
    if "nightly" not in runs or "one_day_on_empty" not in runs:
        return []
    nightly = (runs["nightly"]["pipeline"].get("stages", {}).get("parse") or {}).get("rows", 0)
    one_day = (runs["one_day_on_empty"]["pipeline"].get("stages", {}).get("parse") or {}).get("rows", 0)
    ratio = runs["nightly"]["process"]["wall_s"] / runs["one_day_on_empty"]["process"]["wall_s"]
    redone = nightly / max(one_day, 1)
    verdict = (
        "it re-processed the published partitions, not just the new day"
        if redone > 2
        else "it processed about the new day only"
    )
    return [
        f"Observed: the nightly run parsed {nightly:,} rows where the new day alone has {one_day:,} "
        f"({redone:,.0f}x): {verdict}; it took {ratio:.1f}x the one-day run on an empty home.",
        "",
    ]


def workload_section(entry: dict) -> list[str]:
    lines = [
        f"## Workload {entry['name']} — {entry['description']}",
        "",
        f"{entry['units']} units x {entry['days']} days from {entry['start']}, seed {entry['seed']}, defects "
        f"{entry['defects']}.",
        "",
    ]
    if entry.get("generate"):
        lines += [generate_line(entry["generate"]), ""]
    lines += entry.get("notes", [])
    if entry.get("notes"):
        lines.append("")
    for name, floor in entry.get("floors", {}).items():
        lines += floor_section(name, floor)
    for run in entry.get("runs", []):
        floor = entry["floors"].get(run["floor"])
        lines += run_section(run, floor["wall_s"] if floor else None)
    if entry.get("peer"):
        lines += peer_section(entry["peer"])
    lines += nightly_observation(entry)
    if entry.get("error"):
        lines += [f"**Workload stopped:** {entry['error']}", ""]
    return lines


def markdown(results: dict) -> str:
    host = results["host"]
    lines = [
        "# Mutu benchmark",
        "",
        f"Started {results['started_at']}, finished {results['finished_at'] or 'not yet'}; workloads: "
        f"{', '.join(results['workloads'])}.",
        f"Host: {host['cpus']} CPUs, {host['memory_gb']} GB RAM, Python {host['python']}; "
        + ", ".join(f"{k} {v}" for k, v in host["versions"].items())
        + ".",
        "Every `mutu generate`, `mutu run` and floor measurement is a fresh child process (wall: perf_counter; "
        "CPU and peak RSS: wait4 on that child). Stage figures come from the run's `run_stats.json`.",
        "",
        *targets_section(results),
        *peer_lines(results),
    ]
    for entry in results["workloads"].values():
        lines += workload_section(entry)
        if entry["name"] == "M3":
            lines += scale_observation(results)
    return "\n".join(lines) + "\n"


def scale_observation(results: dict) -> list[str]:
    """How close M3 came to three times M, in landed rows, and what that cost."""
    m, m3 = results["workloads"].get("M"), results["workloads"]["M3"]
    if not m or "landing" not in m.get("floors", {}) or "landing" not in m3.get("floors", {}):
        return []
    rows = m3["floors"]["landing"]["rows"] / m["floors"]["landing"]["rows"]
    line = f"Scale: M3 landed {rows:.2f}x M's rows"
    m_run, m3_run = _run(results, "M", "full"), _run(results, "M3", "full")
    if m_run and m3_run:
        line += (
            f"; its run took {m3_run['process']['wall_s'] / m_run['process']['wall_s']:.2f}x M's wall time "
            f"and {m3_run['process']['max_rss_mb'] / m_run['process']['max_rss_mb']:.2f}x M's peak RSS"
        )
    return [line + ".", ""]


def main(argv: list[str] | None = None) -> int:
    """Re-render results.md from a results.json: `python -m bench.report bench/out/results.json`."""
    import json
    import sys
    from pathlib import Path

    source = Path((argv or sys.argv[1:] or ["bench/out/results.json"])[0])
    results = json.loads(source.read_text())
    results["targets"] = targets(results)
    source.with_name("results.md").write_text(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
