"""The contract's row-level rules compiled into Polars expressions: one pass marks every row with the rules it breaks.

The contract (data_contracts/*.yaml -> pipelines/contracts.py -> validation.rules_for) names each column rule as a
Great Expectations expectation; here each becomes an expression that is True where a row fails it, with the same
meaning as the expectation's pandas implementation in GX 1.x: a missing value passes every rule but `not_null`,
bounds are inclusive, a pattern is searched (not anchored) as `str.contains` does, and a column pair is skipped when
either value is missing. Great Expectations itself checks what it is good at, per partition (validation.py).
"""

from __future__ import annotations

import polars as pl

from pipelines.errors import ContractError

CANDIDATE = "__candidate"  # rows whose values are judged: read, typed, neither an exact duplicate nor a key conflict


def _values(values: list, dtype: pl.DataType) -> pl.Expr:
    return pl.Series(values, dtype=dtype, strict=False).implode()


def _pair(kwargs: dict) -> pl.Expr:
    a, b = pl.col(kwargs["column_A"]), pl.col(kwargs["column_B"])
    if kwargs.get("ignore_row_if", "both_values_are_missing") != "either_value_is_missing":
        raise ContractError(
            f"column pair rule on {kwargs['column_A']}, {kwargs['column_B']}: only ignore_row_if: "
            "either_value_is_missing is supported; a missing value is judged by the column's own not_null rule"
        )
    return (a < b) if kwargs.get("or_equal") else (a <= b)


def failure(expectation: str, kwargs: dict, schema: pl.Schema) -> pl.Expr:
    """True where a row breaks the expectation; null-safe (a missing value is never a failure but for not_null)."""
    column = kwargs.get("column")
    col = pl.col(column) if column else None
    if column and schema[column] in (pl.Float32(), pl.Float64()):
        col = col.fill_nan(None)  # pandas (and so GX) takes NaN for a missing value
    if expectation == "ExpectColumnValuesToNotBeNull":
        return col.is_null()
    if expectation == "ExpectColumnValuesToBeInSet":
        return col.is_in(_values(kwargs["value_set"], schema[column])).not_()
    if expectation == "ExpectColumnValuesToBeBetween":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        outside = pl.lit(False)
        if low is not None:
            outside = outside | (col < low)
        if high is not None:
            outside = outside | (col > high)
        return outside
    if expectation == "ExpectColumnValuesToMatchRegex":
        return col.cast(pl.String).str.contains(kwargs["regex"]).not_()
    if expectation == "ExpectColumnValueLengthsToBeBetween":
        length = col.cast(pl.String).str.len_chars()
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        return (length < (low if low is not None else 0)) | ((length > high) if high is not None else pl.lit(False))
    if expectation == "ExpectColumnPairValuesAToBeGreaterThanB":
        return _pair(kwargs)
    if expectation == "ExpectCompoundColumnsToBeUnique":
        # Among the rows judged (keys of exact duplicates and conflicts are already told apart); nulls are equal,
        # as in pandas' duplicated().
        return pl.struct(kwargs["column_list"]).is_duplicated().over(CANDIDATE)
    raise ContractError(
        f"expectation {expectation} has no row-level form in pipelines/row_rules.py; "
        "use one of the supported expectations or a mutu check in the contract"
    )


def marks(rules: list[tuple[str, str, dict]], schema: pl.Schema) -> list[pl.Expr]:
    """One boolean column per rule (named by the rule), True where a judged row breaks it."""
    return [
        (failure(expectation, kwargs, schema).fill_null(False) & pl.col(CANDIDATE)).alias(name)
        for name, expectation, kwargs in rules
    ]


def violations_where(
    frame: pl.DataFrame, row: str, flagged: pl.Expr, violations: pl.Expr, otherwise: pl.Expr
) -> pl.DataFrame:
    """`frame` with its `violations` list set to `violations` on the flagged rows and to `otherwise` on the others
    (`row`: a column telling the rows apart). The lists are built for the flagged rows only: few rows break a rule,
    and building a Polars list for every row of a batch was most of the time of validation and of the cast."""
    said = frame.filter(flagged).select(row, violations.alias("__said"))
    joined = frame.join(said, on=row, how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("__said", otherwise).alias("violations")).drop("__said")
