"""Column-level lineage of a SQL model, parsed from its SQL with sqlglot (never written by hand)."""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.lineage import lineage

from pipelines.sql_models import SqlModel

Schema = dict[str, dict[str, dict[str, str]]]  # schema -> table -> column -> type


def column_sources(model: SqlModel, columns: list[str], schema: Schema) -> dict[str, list[tuple[str, str, str]]]:
    """Output column -> the (schema, table, column) it is computed from.

    A column made only of count(*) depends on its rows, not on a column, and gets no entry.
    """
    tree = sqlglot.parse_one(model.sql, read="duckdb")
    out: dict[str, list[tuple[str, str, str]]] = {}
    for column in columns:
        try:
            node = lineage(column, tree, schema=schema, dialect="duckdb")
        except SqlglotError:
            continue
        sources = []
        for leaf in node.walk():
            if leaf.downstream or not isinstance(leaf.source, exp.Table):
                continue
            table = leaf.source
            found = (table.db, table.name, leaf.name.split(".")[-1])
            if found not in sources:
                sources.append(found)
        if sources:
            out[column] = sources
    return out
