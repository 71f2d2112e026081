"""Downloadable tables (CSV for French Excel, XLSX) that cannot carry a formula.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by spreadsheet software (CSV/formula injection). Free text in the marts comes from the
départements' files, so every exported text cell goes through
:func:`data_contracts.safe_text.neutralise_cell`, the rule the documents follow too.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import polars as pl

from data_contracts.safe_text import FORMULA_PREFIXES, neutralise_cell

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "to_csv_bytes", "to_xlsx_bytes"]


def _export_rows(frame: pl.DataFrame) -> list[list[object]]:
    rows = []
    for row in frame.iter_rows():
        cells = []
        for value in row:
            if isinstance(value, datetime):
                value = value.isoformat(sep=" ")
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, (list, tuple, dict)):
                value = str(value)
            cells.append(neutralise_cell(value))
        rows.append(cells)
    return rows


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """``;``-separated UTF-8 with BOM, as French Excel opens it; cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise_cell(c) for c in frame.columns])
    writer.writerows(_export_rows(frame))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx_bytes(frame: pl.DataFrame, sheet: str = "donnees") -> bytes:
    """One sheet; text written as strings (never as formulas), cells neutralised too so the
    file stays safe once re-saved as CSV."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    page = book.add_worksheet(sheet[:31])
    for col, name in enumerate(frame.columns):
        page.write_string(0, col, str(neutralise_cell(name)), bold)
    for r, row in enumerate(_export_rows(frame), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                page.write_boolean(r, c, value)
            elif isinstance(value, (int, float, Decimal)):
                page.write_number(r, c, float(value))
            else:
                page.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()
