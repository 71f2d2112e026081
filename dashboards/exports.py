"""Downloadable tables as people use them: French headers and words, files French Excel opens.

One function per format, both fed by :mod:`dashboards.display` (the page's own headers and
values): « Oui »/« Non », statuses in French, dates ``dd/mm/yyyy`` and Paris times. The CSV is
``;``-separated UTF-8 with BOM, decimals with a comma; the XLSX keeps numbers as numbers (so
readers can recompute) and adds a « Dictionnaire » sheet explaining each column.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by spreadsheet software (CSV/formula injection). Free text in the marts comes from the
départements' files, so every exported text cell goes through
:func:`data_contracts.safe_text.neutralise_cell`, the rule the documents follow too.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import polars as pl

from dashboards.display import french_cells, header_labels, is_ratio
from data_contracts import labels
from data_contracts.safe_text import FORMULA_PREFIXES, neutralise_cell

__all__ = ["DICTIONARY_SHEET", "FORMULA_PREFIXES", "column_dictionary", "neutralise_cell",
           "to_csv_bytes", "to_xlsx_bytes"]

DICTIONARY_SHEET = "Dictionnaire"


def _headers(frame: pl.DataFrame, headers: dict[str, str] | None) -> list[str]:
    names = {**header_labels(frame), **(headers or {})}
    return [str(neutralise_cell(names[c])) for c in frame.columns]


def _rows(frame: pl.DataFrame) -> list[list[object]]:
    return [[neutralise_cell(value) for value in row] for row in french_cells(frame, numbers=False).iter_rows()]


def _csv_number(value: object) -> object:
    """French Excel reads ``1500,5`` as a number (and ``1500.5`` as text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    return str(value).replace(".", ",")


def column_dictionary(frame: pl.DataFrame, headers: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(header, what the column holds, technical name) for each column of ``frame``."""
    shown = _headers(frame, headers)
    rows = []
    for column, header in zip(frame.columns, shown):
        description = labels.COLUMN_DESCRIPTIONS.get(column) or _contract_description(column) or header
        if is_ratio(column):
            description += " (proportion entre 0 et 1, affichée en pourcentage)"
        rows.append((header, description, column))
    return rows


def _contract_description(column: str) -> str | None:
    from data_contracts.registry import CONTRACTS

    for model in CONTRACTS.values():
        field = model.model_fields.get(column)
        if field is not None and field.description:
            return field.description
    return None


def to_csv_bytes(frame: pl.DataFrame, headers: dict[str, str] | None = None) -> bytes:
    """``;``-separated UTF-8 with BOM, as French Excel opens it; French headers and words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(_headers(frame, headers))
    writer.writerows([[_csv_number(v) for v in row] for row in _rows(frame)])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx_bytes(frame: pl.DataFrame, sheet: str = "Données", headers: dict[str, str] | None = None) -> bytes:
    """The table (text written as strings, never as formulas; numbers as numbers, ratios with a
    percent format) and its « Dictionnaire » sheet. Cells are neutralised too, so the file stays
    safe once re-saved as CSV."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    percent = book.add_format({"num_format": "0.0 %"})
    page = book.add_worksheet(sheet[:31])
    for col, name in enumerate(_headers(frame, headers)):
        page.write_string(0, col, name, bold)
    ratios = {i for i, c in enumerate(frame.columns) if is_ratio(c)}
    for r, row in enumerate(_rows(frame), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                page.write_number(r, c, float(value), percent if c in ratios else None)
            else:
                page.write_string(r, c, str(value))
    dictionary = book.add_worksheet(DICTIONARY_SHEET)
    for col, name in enumerate(("Colonne", "Description", "Nom technique")):
        dictionary.write_string(0, col, name, bold)
    for r, entry in enumerate(column_dictionary(frame, headers), start=1):
        for c, text in enumerate(entry):
            dictionary.write_string(r, c, str(neutralise_cell(text)))
    dictionary.set_column(0, 0, 30)
    dictionary.set_column(1, 1, 80)
    book.close()
    return buffer.getvalue()
