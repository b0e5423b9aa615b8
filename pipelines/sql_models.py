"""The SQL models in `sql/<layer>/<table>.sql`: names, dependencies (parsed with sqlglot), and docs.

A model file holds one SELECT. Its first comment line is `-- <table>: <what the table is>`;
`-- column <name>: <meaning>` lines document its columns. Dependencies are read from the SQL itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from graphlib import TopologicalSorter
from pathlib import Path

import sqlglot
from sqlglot import exp

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
LAYERS = ("core", "indicators", "marts")
COLUMN_DOC = re.compile(r"^--\s*column\s+(\w+)\s*:\s*(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class SqlModel:
    layer: str
    name: str
    path: Path
    sql: str
    description: str
    column_docs: tuple[tuple[str, str], ...]
    depends_on: tuple[tuple[str, str], ...]  # (schema, table), staging included

    @property
    def qualified(self) -> str:
        return f"{self.layer}.{self.name}"


def _dependencies(sql: str) -> tuple[tuple[str, str], ...]:
    tree = sqlglot.parse_one(sql, read="duckdb")
    ctes = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    found = set()
    for table in tree.find_all(exp.Table):
        if table.db and table.name not in ctes:
            found.add((table.db, table.name))
    # UNPIVOT's source is not always a Table node in sqlglot's tree; read it from the text.
    for schema, name in re.findall(r"unpivot\s+(\w+)\.(\w+)", sql, flags=re.IGNORECASE):
        found.add((schema, name))
    return tuple(sorted(found))


def _load(path: Path) -> SqlModel:
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
        depends_on=_dependencies(sql),
    )


@cache
def models() -> tuple[SqlModel, ...]:
    """All models in dependency order."""
    found = {f"{p.parent.name}.{p.stem}": _load(p) for layer in LAYERS for p in sorted((SQL_DIR / layer).glob("*.sql"))}
    graph = {name: {f"{s}.{t}" for s, t in m.depends_on if f"{s}.{t}" in found} for name, m in found.items()}
    return tuple(found[name] for name in TopologicalSorter(graph).static_order())
