"""A materialization whose metadata Dagster stores once."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext, AssetKey, MaterializeResult


def materialized(
    context: AssetExecutionContext, metadata: Mapping[str, Any], asset_key: AssetKey | None = None, **result
) -> MaterializeResult:
    """The result of materializing `asset_key` (the asset's own key when it has one), its metadata on the
    materialization event only: metadata given to MaterializeResult is copied into the step's output event as
    well, about 1 MB of serialised JSON a warehouse build (column schemas, lineage, previews) stored twice."""
    context.add_asset_metadata(metadata, asset_key=asset_key)
    return MaterializeResult(asset_key=asset_key, **result)
