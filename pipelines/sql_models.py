"""The SQL models in `sql/<layer>/<table>.sql`: names, dependencies (parsed with sqlglot), and docs.

A model file holds one SELECT. Its first comment line is `-- <table>: <what the table is>`;
`-- column <name>: <meaning>` lines document its columns; one `-- grain: col_a, col_b` line names the
columns that make a row unique (checked after every build: `grain_violations_sql`). A grain column may not
be NULL unless it is written `col?`: then NULL is one of its values (e.g. "every service of the unit").
Dependencies are read from the SQL itself, by DuckDB's own parser (the dialect the models are written in, and
a tenth of sqlglot's time), and kept by the digest of each model's text in the home's cache
(`HOME/cache/sql_dependencies.json`: `mutu run` says where, the code location's processes read MUTU_HOME): parsing
the 63 models took 0.22 s of every process that loads the definitions, the kept answer 5-10 ms.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
LAYERS = ("core", "indicators", "marts")
HEADER_LINE = re.compile(r"^--\s*(\w+)\s*:\s*(.+)$")
COLUMN_DOC = re.compile(r"^--\s*column\s+(\w+)\s*:\s*(.+)$", re.MULTILINE)
GRAIN_LINE = re.compile(r"^--\s*grain\s*:(.*)$", re.MULTILINE)
GRAIN_COLUMN = re.compile(r"^(\w+)(\??)$")


@dataclass(frozen=True)
class GrainColumn:
    name: str
    nullable: bool  # written `name?`: NULL is a value of the key, not a defect


@dataclass(frozen=True)
class SqlModel:
    layer: str
    name: str
    path: Path
    sql: str
    description: str
    column_docs: tuple[tuple[str, str], ...]
    depends_on: tuple[tuple[str, str], ...]  # (schema, table), staging included
    grain: tuple[GrainColumn, ...]

    @property
    def qualified(self) -> str:
        return f"{self.layer}.{self.name}"


_cache_dir: Path | None = None


def keep_dependencies_in(folder: Path) -> None:
    """Where `models()` keeps the models' dependencies between processes (`mutu run`: its home's cache)."""
    global _cache_dir
    _cache_dir = folder


def dependency_cache() -> Path | None:
    """The file of kept dependencies; None (parse every time) outside a home: nothing is written outside it."""
    from pipelines.settings import Paths

    folder = _cache_dir or (Paths(Path(os.environ["MUTU_HOME"])).cache if os.environ.get("MUTU_HOME") else None)
    return folder / "sql_dependencies.json" if folder is not None else None


def _read_dependency_cache() -> dict[str, list]:
    path = dependency_cache()
    if path is None:
        return {}
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _keep_dependency_cache(known: dict[str, list]) -> None:
    from pipelines.atomic import write_text_atomically

    path = dependency_cache()
    if path is None:
        return
    try:
        write_text_atomically(path, json.dumps(known, sort_keys=True))
    except OSError:
        pass  # a read-only home: the models are parsed again next time


def _sql_digest(sql: str) -> str:
    return hashlib.sha256(f"{duckdb.__version__}\0{sql}".encode()).hexdigest()


@cache
def _parser() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for its parser, opened only when a model's dependencies are not in the cache."""
    return duckdb.connect()


def _dependencies(path: Path, sql: str, known: dict[str, list] | None = None) -> tuple[tuple[str, str], ...]:
    """The (schema, table) the model reads: every table named with its schema (a CTE's name has none). `known`:
    the dependencies found before, by the digest of the model's text (read and extended)."""
    key = _sql_digest(sql)
    if known is not None and key in known:
        return tuple((schema, table) for schema, table in known[key])
    tree = json.loads(_parser().execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
    if tree.get("error"):
        raise ValueError(f"{path}: DuckDB cannot parse the model: {tree.get('error_message')}")
    found = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("schema_name"):
                found.add((node["schema_name"], node["table_name"]))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    if known is not None:
        known[key] = sorted(found)
    return tuple(sorted(found))


def _grain(path: Path, sql: str) -> tuple[GrainColumn, ...]:
    lines = GRAIN_LINE.findall(sql)
    if len(lines) != 1:
        problem = "has no '-- grain:' line" if not lines else f"has {len(lines)} '-- grain:' lines"
        raise ValueError(
            f"{path}: {problem}; write exactly one beside the header comments, naming the columns that make a row "
            "unique, e.g. '-- grain: unit_id, local_date' (a column that may be NULL: 'service_code?')"
        )
    columns = []
    for item in (part.strip() for part in lines[0].split(",")):
        match = GRAIN_COLUMN.match(item)
        if not match:
            raise ValueError(
                f"{path}: grain column {item!r} is not a column name (letters, digits, _; "
                "a '?' after it if it may be NULL)"
            )
        columns.append(GrainColumn(name=match.group(1), nullable=bool(match.group(2))))
    if len({c.name for c in columns}) != len(columns):
        raise ValueError(f"{path}: the '-- grain:' line names a column twice")
    return tuple(columns)


def grain_violations_sql(model: SqlModel, where: str = "true") -> str:
    """One row: duplicate grain keys (NULLs compare equal, as in GROUP BY), rows with NULL in a grain column
    not marked '?' (among the rows `where` selects)."""
    table = f'(select * from "{model.layer}"."{model.name}" where {where})'
    keys = ", ".join(f'"{c.name}"' for c in model.grain)
    required = [f'"{c.name}" is null' for c in model.grain if not c.nullable]
    null_rows = f"(select count(*) from {table} where {' or '.join(required)})" if required else "0"
    return (
        f"select (select count(*) from (select {keys} from {table} group by all having count(*) > 1)) "
        f"as duplicate_keys, {null_rows} as null_key_rows"
    )


def _load(path: Path, known: dict[str, list] | None = None) -> SqlModel:
    sql = path.read_text(encoding="utf-8")
    match = HEADER_LINE.match(sql.splitlines()[0] if sql else "")
    if not match or match.group(1) != path.stem:
        raise ValueError(f"{path}: the first line must be '-- {path.stem}: <what the table holds>'")
    return SqlModel(
        layer=path.parent.name,
        name=path.stem,
        path=path,
        sql=sql,
        description=match.group(2).strip(),
        column_docs=tuple(COLUMN_DOC.findall(sql)),
        depends_on=_dependencies(path, sql, known),
        grain=_grain(path, sql),
    )


@cache
def models() -> tuple[SqlModel, ...]:
    """All models in dependency order."""
    cached = _read_dependency_cache()
    known = dict(cached)
    paths = [p for layer in LAYERS for p in sorted((SQL_DIR / layer).glob("*.sql"))]
    found = {f"{p.parent.name}.{p.stem}": _load(p, known) for p in paths}
    if known != cached:  # a model new or edited since: keep what the models are now
        used = {_sql_digest(m.sql) for m in found.values()}
        _keep_dependency_cache({key: deps for key, deps in known.items() if key in used})
    graph = {name: {f"{s}.{t}" for s, t in m.depends_on if f"{s}.{t}" in found} for name, m in found.items()}
    return tuple(found[name] for name in TopologicalSorter(graph).static_order())
