"""The SQL models in `sql/<layer>/<table>.sql`: names, dependencies (parsed with sqlglot), and docs.

A model file holds one SELECT. Its first comment line is `-- <table>: <what the table is>`;
`-- column <name>: <meaning>` lines document its columns; one `-- grain: col_a, col_b` line names the
columns that make a row unique (checked after every build: `grain_violations_sql`). A grain column may not
be NULL unless it is written `col?`: then NULL is one of its values (e.g. "every service of the unit").
Dependencies are read from the SQL itself, by DuckDB's own parser (the dialect the models are written in, and
a tenth of sqlglot's time: every process that loads the definitions pays it).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
LAYERS = ("core", "indicators", "marts")
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


def _dependencies(parser: duckdb.DuckDBPyConnection, path: Path, sql: str) -> tuple[tuple[str, str], ...]:
    """The (schema, table) the model reads: every table named with its schema (a CTE's name has none)."""
    tree = json.loads(parser.execute("select json_serialize_sql(?)", [sql]).fetchone()[0])
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


def _load(path: Path, parser: duckdb.DuckDBPyConnection | None = None) -> SqlModel:
    sql = path.read_text(encoding="utf-8")
    first = sql.splitlines()[0] if sql else ""
    match = re.match(rf"^--\s*{re.escape(path.stem)}\s*:\s*(.+)$", first)
    if not match:
        raise ValueError(f"{path}: the first line must be '-- {path.stem}: <what the table holds>'")
    return SqlModel(
        layer=path.parent.name,
        name=path.stem,
        path=path,
        sql=sql,
        description=match.group(1).strip(),
        column_docs=tuple(COLUMN_DOC.findall(sql)),
        depends_on=_dependencies(parser or duckdb.connect(), path, sql),
        grain=_grain(path, sql),
    )


@cache
def models() -> tuple[SqlModel, ...]:
    """All models in dependency order."""
    with duckdb.connect() as parser:
        paths = [p for layer in LAYERS for p in sorted((SQL_DIR / layer).glob("*.sql"))]
        found = {f"{p.parent.name}.{p.stem}": _load(p, parser) for p in paths}
    graph = {name: {f"{s}.{t}" for s, t in m.depends_on if f"{s}.{t}" in found} for name, m in found.items()}
    return tuple(found[name] for name in TopologicalSorter(graph).static_order())
