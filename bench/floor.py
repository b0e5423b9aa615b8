"""The parse floor: how long DuckDB alone takes to read every landed file of a workload.

CSV and JSONL are counted with DuckDB (`select count(*)` over read_csv / read_json) using each profile
folder's delimiter and encoding; XLSX, which DuckDB cannot read offline, is parsed with python-calamine
(the reader the pipeline uses) and reported as its own line. Run as a fresh process:

    python -m bench.floor LANDING --json OUT.json
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import yaml

PROFILES_DIR = Path(__file__).resolve().parents[1] / "data_contracts" / "profiles"
SOURCES = ("queue", "survey", "complaints")
# DuckDB reads only utf-8/utf-16/latin-1 without the `encodings` extension, which needs a download;
# latin-1 has the same byte-per-character cost as Windows-1252.
DUCKDB_ENCODINGS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8",
    "cp1252": "latin-1",
    "windows-1252": "latin-1",
    "latin-1": "latin-1",
}


@dataclass
class FolderFloor:
    folder: str  # <source>/<profile>
    file_type: str
    engine: str
    files: int
    bytes: int
    rows: int
    wall_s: float
    cpu_s: float
    unreadable_files: int


def profile_file_options(source: str, profile: str) -> dict:
    raw = yaml.safe_load((PROFILES_DIR / source / f"{profile}.yaml").read_text(encoding="utf-8")) or {}
    options = raw.get("file") or {}
    return {
        "type": options.get("type", "csv"),
        "delimiter": options.get("delimiter", ","),
        "encoding": options.get("encoding", "utf-8"),
        "sheet": options.get("sheet"),
    }


def landed_folders(landing: Path) -> list[tuple[str, str, list[Path]]]:
    folders = []
    for source in SOURCES:
        root = landing / source
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
            if files:
                folders.append((source, folder.name, files))
    return folders


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def header_of(path: Path, delimiter: str, encoding: str) -> tuple[str, ...]:
    with path.open("rb") as handle:
        first = handle.readline()
    text = first.decode(encoding, errors="replace").removeprefix("\ufeff").rstrip("\r\n")
    return tuple(name.strip().strip('"') for name in text.split(delimiter))


def count_csv(con: duckdb.DuckDBPyConnection, files: list[Path], delimiter: str, encoding: str) -> tuple[int, int]:
    """Rows and unreadable files. Files are grouped by header and given explicit VARCHAR columns, so
    DuckDB spends the time parsing rather than sniffing types file by file."""
    by_header: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for path in files:
        by_header[header_of(path, delimiter, encoding)].append(str(path))
    rows = unreadable = 0
    for header, paths in by_header.items():
        try:
            rows += count_csv_group(con, paths, header, delimiter, encoding)
        except duckdb.Error:
            for path in paths:  # one broken file must not hide the others' rows
                try:
                    rows += count_csv_group(con, [path], header, delimiter, encoding)
                except duckdb.Error:
                    unreadable += 1
    return rows, unreadable


def count_csv_group(
    con: duckdb.DuckDBPyConnection, paths: list[str], header: tuple[str, ...], delimiter: str, encoding: str
) -> int:
    columns = "{" + ", ".join(f"{sql_text(name)}: 'VARCHAR'" for name in header) + "}"
    query = (
        f"select count(*) from read_csv($files, delim={sql_text(delimiter)}, header=true, columns={columns}, "
        f"encoding={sql_text(DUCKDB_ENCODINGS.get(encoding, 'utf-8'))}, quote='\"', ignore_errors=true, "
        "null_padding=true)"
    )
    return con.execute(query, {"files": paths}).fetchall()[0][0]


def count_jsonl(con: duckdb.DuckDBPyConnection, files: list[Path]) -> tuple[int, int]:
    query = "select count(*) from read_json($files, format='newline_delimited', ignore_errors=true)"
    try:
        return con.execute(query, {"files": [str(p) for p in files]}).fetchall()[0][0], 0
    except duckdb.Error:
        rows = unreadable = 0
        for path in files:
            try:
                rows += con.execute(query, {"files": [str(path)]}).fetchall()[0][0]
            except duckdb.Error:
                unreadable += 1
        return rows, unreadable


def count_spreadsheets(files: list[Path], sheet: str | None) -> tuple[int, int]:
    from python_calamine import CalamineWorkbook

    rows = unreadable = 0
    for path in files:
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            name = sheet if sheet in workbook.sheet_names else workbook.sheet_names[0]
            cells = workbook.get_sheet_by_name(name).to_python(skip_empty_area=True)
            rows += max(len(cells) - 1, 0)  # minus the header row
        except Exception:  # a damaged workbook is what the floor must survive, whatever calamine raises
            unreadable += 1
    return rows, unreadable


def folder_floor(con: duckdb.DuckDBPyConnection, source: str, profile: str, files: list[Path]) -> FolderFloor:
    options = profile_file_options(source, profile)
    wall, cpu = time.perf_counter(), time.process_time()
    if options["type"] == "csv":
        engine = "duckdb read_csv"
        rows, unreadable = count_csv(con, files, options["delimiter"], options["encoding"])
    elif options["type"] == "jsonl":
        engine = "duckdb read_json"
        rows, unreadable = count_jsonl(con, files)
    else:
        engine = "python-calamine"
        rows, unreadable = count_spreadsheets(files, options["sheet"])
    return FolderFloor(
        folder=f"{source}/{profile}",
        file_type=options["type"],
        engine=engine,
        files=len(files),
        bytes=sum(p.stat().st_size for p in files),
        rows=rows,
        wall_s=round(time.perf_counter() - wall, 3),
        cpu_s=round(time.process_time() - cpu, 3),
        unreadable_files=unreadable,
    )


def measure_floor(landing: Path) -> dict:
    con = duckdb.connect()
    threads = con.execute("select current_setting('threads')").fetchall()[0][0]
    folders = [folder_floor(con, source, profile, files) for source, profile, files in landed_folders(landing)]
    con.close()
    return {
        "landing": str(landing),
        "duckdb_threads": threads,
        "wall_s": round(sum(f.wall_s for f in folders), 3),
        "duckdb_wall_s": round(sum(f.wall_s for f in folders if f.engine.startswith("duckdb")), 3),
        "calamine_wall_s": round(sum(f.wall_s for f in folders if not f.engine.startswith("duckdb")), 3),
        "rows": sum(f.rows for f in folders),
        "files": sum(f.files for f in folders),
        "bytes": sum(f.bytes for f in folders),
        "folders": [asdict(f) for f in folders],
    }


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(prog="python -m bench.floor")
    args.add_argument("landing", type=Path)
    args.add_argument("--json", type=Path, required=True, help="where to write the floor figures")
    options = args.parse_args(argv)
    options.json.write_text(json.dumps(measure_floor(options.landing.resolve()), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
