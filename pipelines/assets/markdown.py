"""Small previews of frames as Markdown tables, for Dagster materialisation metadata."""

import polars as pl


def markdown(frame: pl.DataFrame) -> str:
    with pl.Config(
        tbl_formatting="MARKDOWN",
        tbl_hide_column_data_types=True,
        tbl_hide_dataframe_shape=True,
        tbl_rows=20,
        tbl_cols=30,
        fmt_str_lengths=60,
    ):
        return str(frame)
