"""What a model's columns mean, for their warehouse comments.

A column's comment is its model's own `-- column name: meaning` line; without one, it is the comment of the
column it is passed through from (same name, found by the model's column lineage), so a meaning follows a
column downstream along the path it really takes. Comments are never matched by name alone across the
warehouse: `unit_id` of a survey mart must not read like the complaints contract's `unit_id`.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.catalog import Catalog, catalog, column_types
from pipelines.contracts import contracts
from pipelines.lineage import column_sources
from pipelines.sql_models import SqlModel

# Columns the lake adds to every staged dataset, beside the contract's own.
LAKE_COLUMN_DOCS = {
    "source_file": "Landed file the row came from (relative to the landing zone).",
    "partition_key": "Daily partition (the unit's local date) the row was landed in.",
}

Column = tuple[str, str, str]  # (schema, table, column)


def _upstream_comments(found: Catalog, model: SqlModel) -> dict[Column, str]:
    """Comments of every column the model reads: built tables from DuckDB, staging from the contracts."""
    comments: dict[Column, str] = {}
    specs = contracts()
    for schema, table in model.depends_on:
        if schema == "staging":
            if table in specs:
                comments.update({("staging", table, name): text for name, _, text in specs[table].stored_columns})
                comments.update({("staging", table, name): text for name, text in LAKE_COLUMN_DOCS.items()})
            continue
        columns = found.get((schema, table), {})
        comments.update({(schema, table, name): text for name, (_, text) in columns.items() if text is not None})
    return comments


def _passed_through_from(model: SqlModel, column: str, sources: list[Column]) -> list[Column]:
    same_name = [s for s in sources if s[2] == column]
    if any(not schema for schema, _, _ in same_name):
        # sqlglot stops at some constructs (UNPIVOT) and names the CTE instead of a table:
        # the column then comes from a table the model reads under the same name.
        return [(schema, table, column) for schema, table in model.depends_on]
    return same_name


def model_column_docs(
    con: duckdb.DuckDBPyConnection,
    model: SqlModel,
    columns: list[str],
    lineage_cache: Path | None = None,
    found: Catalog | None = None,
) -> dict[str, str]:
    """Column -> comment for a model whose upstream tables are built in `con` (`found`: its catalog, if read).

    A column neither documented nor passed through unchanged from one meaning (a computed column, or one
    joined from tables that describe it differently) gets none: the tests then ask for a `-- column` line.
    """
    own = dict(model.column_docs)
    found = catalog(con) if found is None else found
    sources = column_sources(model, columns, column_types(found), lineage_cache)
    upstream = _upstream_comments(found, model)
    docs: dict[str, str] = {}
    for column in columns:
        if column in own:
            docs[column] = own[column]
            continue
        meanings = {upstream[s] for s in _passed_through_from(model, column, sources.get(column, [])) if s in upstream}
        if len(meanings) == 1:
            docs[column] = meanings.pop()
    return docs
