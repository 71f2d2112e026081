"""Builders of upload files for the ingestion tests (one valid row per kind, in every format)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from data_contracts.settings import Settings
from valid_rows import MONTHLY, PRACTICE, WEEKLY  # noqa: F401 - re-exported to the ingestion tests

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bad_inputs"


def weekly(**changes: Any) -> dict[str, Any]:
    return {**WEEKLY, **changes}


def to_csv(rows: list[dict[str, Any]], *, delimiter: str = ";", encoding: str = "utf-8",
           newline: str = "\r\n", header: list[str] | None = None) -> bytes:
    import csv

    header = header or list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row.get(c) for c in header])
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows: list[dict[str, Any]], *, sheet: str = "Feuil1", numbers: bool = True,
            extra_sheets: tuple[str, ...] = ()) -> bytes:
    """An XLSX as Excel users make it: counts as numbers, codes typed as text."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name in extra_sheets:
        book.add_worksheet(name).write_row(0, 0, ["autre", "chose"])
    page = book.add_worksheet(sheet)
    header = list(rows[0])
    page.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(header):
            value = row[name]
            if numbers and isinstance(value, str) and value.replace(" ", "").isdigit() \
                    and name != "departement":
                page.write_number(r, c, int(value.replace(" ", "")))
            elif value not in (None, ""):
                page.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def to_json(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def raw_counts(settings: Settings) -> dict[str, int]:
    """Rows in every raw data table (empty dict when the warehouse does not exist yet)."""
    import duckdb

    if not settings.warehouse_path.exists():
        return {}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0]
                for t in ("weekly_reports", "monthly_reports", "good_practices", "submissions")}


def raw_rows(settings: Settings, table: str, exclude: tuple[str, ...] = (
        "submission_id", "received_at", "source_sha256")) -> list[tuple]:
    import duckdb

    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        names = [r[0] for r in con.execute(f"describe raw.{table}").fetchall() if r[0] not in exclude]
        return con.execute(f"select {', '.join(names)} from raw.{table} order by all").fetchall()
