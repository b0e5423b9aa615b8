"""Two vendor exports the field really sends: the `antrian_id` queue CSV and the e-SKM XLSX."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import polars as pl
from openpyxl import Workbook

from .defects import VENDOR_BAD_TIMESTAMPS, TableDefects

# ---- queue/antrian_id: `;`, Windows-1252, dd/mm/yyyy HH:MM, decimal comma, Indonesian status words
ANTRIAN_COLUMNS = (
    "No Antrian",
    "Kode Layanan",
    "Loket",
    "Prioritas",
    "Jalur",
    "Waktu Ambil",
    "Waktu Panggil",
    "Mulai Layanan",
    "Selesai Layanan",
    "Status",
    "Biaya (Rp)",
)
ANTRIAN_SEPARATOR = ";"
ANTRIAN_LINE_END = "\r\n"  # written on Windows
ANTRIAN_ENCODING = "cp1252"
ANTRIAN_STATUS = {
    "served": "selesai",
    "no_show": "dilewati",
    "abandoned": "menunggu",
    "cancelled": "batal",
    "redirected": "dialihkan",
}
# The machine leaves a skipped ticket as "dipanggil" when the officer never presses "lewati".
UNSKIPPED_NO_SHOW_RATE = 0.25
ANTRIAN_DEFECTS = TableDefects(
    name="queue/antrian_id",
    id_column="No Antrian",
    timestamp_columns=("Waktu Ambil", "Waktu Panggil", "Mulai Layanan", "Selesai Layanan"),
    number_columns=("Biaya (Rp)",),
    service_column="Kode Layanan",
    ordered_pair=("Waktu Ambil", "Waktu Panggil"),
    bad_timestamps=VENDOR_BAD_TIMESTAMPS,
)


def antrian_text(tickets: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Typed tickets as antrian_id cells (minute resolution: the vendor drops the seconds)."""
    minutes = "%d/%m/%Y %H:%M"
    unskipped = pl.Series(rng.random(tickets.height) < UNSKIPPED_NO_SHOW_RATE)
    return tickets.with_columns(_unskipped=unskipped).select(
        "_day",
        (pl.int_range(pl.len(), dtype=pl.Int64) * 4).alias("_order"),
        pl.col("ticket_id").alias("No Antrian"),
        pl.col("service_code").alias("Kode Layanan"),
        pl.col("counter_id").alias("Loket"),
        pl.when(pl.col("priority")).then(pl.lit("Ya")).otherwise(pl.lit("Tidak")).alias("Prioritas"),
        pl.when(pl.col("channel") == "online").then(pl.lit("Online")).otherwise(pl.lit("Langsung")).alias("Jalur"),
        pl.col("issued_at").dt.strftime(minutes).alias("Waktu Ambil"),
        pl.col("called_at").dt.strftime(minutes).alias("Waktu Panggil"),
        pl.col("service_start_at").dt.strftime(minutes).alias("Mulai Layanan"),
        pl.col("service_end_at").dt.strftime(minutes).alias("Selesai Layanan"),
        pl.when((pl.col("outcome") == "no_show") & pl.col("_unskipped"))
        .then(pl.lit("dipanggil"))
        .otherwise(pl.col("outcome").replace_strict(ANTRIAN_STATUS))
        .alias("Status"),
        pl.format("{},00", pl.col("fee_paid_idr")).alias("Biaya (Rp)"),
    )


def antrian_file_name(unit_id: str, day: date) -> str:
    return f"antrian_{unit_id}_{day:%d-%m-%Y}.csv"


# ---- survey/eskm_xlsx: sheet "Responden", answers as letters a–d, name and WhatsApp in their own columns
ESKM_SHEET = "Responden"
ESKM_ANSWERS = tuple(f"U{i}" for i in range(1, 10))
ESKM_COLUMNS = (
    "No",
    "Tanggal",
    "Kode Layanan",
    "Jenis Kelamin",
    "Umur",
    "Pendidikan",
    "Pekerjaan",
    "Nama",
    "No WhatsApp",
    *ESKM_ANSWERS,
    "Saran",
)
ESKM_LETTERS = {"1": "a", "2": "b", "3": "c", "4": "d"}
ESKM_GENDER = {"L": "Laki-laki", "P": "Perempuan"}
ESKM_DEFECTS = TableDefects(
    name="survey/eskm_xlsx",
    id_column="No",
    timestamp_columns=("Tanggal",),
    number_columns=("Umur",),
    service_column="Kode Layanan",
    answer_columns=ESKM_ANSWERS,
    out_of_range_answers=("e", "f", "5"),
    bad_answers=("x", "-", "?"),
    bad_timestamps=VENDOR_BAD_TIMESTAMPS,
)
# Fixed package metadata and zip entry times, so the same data gives the same bytes.
XLSX_TIMESTAMP = datetime(2026, 1, 1, 0, 0, 0)


def eskm_cells(respondents: pl.DataFrame) -> pl.DataFrame:
    """Canonical survey cells of one unit (9 unsur) as the e-SKM app exports them."""
    return respondents.select(
        "_day",
        "_order",
        (pl.int_range(pl.len()).over("_day") + 1).cast(pl.String).alias("No"),
        pl.col("submitted_at")
        .str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M:%S")
        .dt.strftime("%d/%m/%Y %H:%M")
        .alias("Tanggal"),
        pl.col("service_code").alias("Kode Layanan"),
        pl.col("gender").replace_strict(ESKM_GENDER).alias("Jenis Kelamin"),
        pl.col("age").alias("Umur"),
        pl.col("education").alias("Pendidikan"),
        pl.col("occupation").alias("Pekerjaan"),
        pl.col("_name").alias("Nama"),
        pl.col("_whatsapp").alias("No WhatsApp"),
        *[pl.col(f"u{i}").replace_strict(ESKM_LETTERS, default=None).alias(f"U{i}") for i in range(1, 10)],
        pl.col("suggestion").alias("Saran"),
    )


def eskm_file_name(unit_id: str, day: date) -> str:
    return f"eskm_{unit_id}_{day:%Y-%m-%d}.xlsx"


def _cell(column: str, value: str | None):
    # The app stores counters and ages as numbers, everything else (phone numbers too) as text.
    if value is not None and column in {"No", "Umur"} and value.isdigit():
        return int(value)
    return value


def eskm_bytes(cells: pl.DataFrame) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ESKM_SHEET)
    sheet.append(list(ESKM_COLUMNS))
    for row in cells.select(ESKM_COLUMNS).iter_rows():
        sheet.append([_cell(column, value) for column, value in zip(ESKM_COLUMNS, row, strict=False)])
    workbook.properties.creator = "e-SKM"
    workbook.properties.created = XLSX_TIMESTAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the XLSX package with fixed entry times and a fixed `modified` property."""
    stamp = XLSX_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    target_buffer = io.BytesIO()
    with zipfile.ZipFile(target_buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", content
                )
            entry = zipfile.ZipInfo(item.filename, date_time=XLSX_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, content)
    return target_buffer.getvalue()


def write_bytes(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
