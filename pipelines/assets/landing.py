"""Landing layer: the raw exports as the source systems deliver them (never modified by Mutu)."""

from dagster import AssetSpec

LANDING_SOURCES = {
    "queue": "Queue-machine ticket logs, one export per unit per day, under landing/queue/<profile>/.",
    "survey": "SKM survey exports (CSV or XLSX, wide or long) under landing/survey/<profile>/.",
    "complaints": "Complaint records (JSON Lines) from SP4N-LAPOR!-style systems under landing/complaints/<profile>/.",
    "reference": "Reference data: units.csv, services.csv (published standards), targets.csv under landing/reference/.",
}


def landing_key(source: str) -> list[str]:
    return ["landing", f"{source}_files"]


landing_specs = [
    AssetSpec(
        key=landing_key(source),
        group_name="landing",
        description=description,
        kinds={"file"},
        owners=["data-engineering@mutu.local"],
    )
    for source, description in LANDING_SOURCES.items()
]
