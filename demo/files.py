"""Demo reports written the way départements really send them, byte-for-byte reproducible.

- ``csv_excel``: what French Excel saves as « CSV (séparateur : point-virgule) »: Windows-1252,
  ``;``, CRLF, decimal comma, sometimes a no-break space between thousands;
- ``csv_utf8``: Excel's « CSV UTF-8 »: a BOM, ``,`` separator, decimal point;
- ``xlsx``: the template filled in (numbers as numbers, codes as text), written with
  xlsxwriter with a fixed creation date so the bytes do not depend on the wall clock;
- ``json``: an array of objects, as a local tool would export them (numbers, ``true``/``false``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from data_contracts.registry import columns

SUFFIXES = {"csv_excel": ".csv", "csv_utf8": ".csv", "xlsx": ".xlsx", "json": ".json"}
#: Written in every XLSX's properties instead of "now", for reproducible bytes.
XLSX_CREATED = datetime(2014, 12, 1)
NBSP = "\u00a0"


def _french_amount(value: Decimal, thousands: bool) -> str:
    text = f"{value:,.2f}" if thousands else f"{value:.2f}"
    return text.replace(",", NBSP).replace(".", ",")


def _cell_text(value: Any, *, decimal_comma: bool, thousands: bool, capitalised: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        word = "oui" if value else "non"
        return word.capitalize() if capitalised else word
    if isinstance(value, Decimal):
        return _french_amount(value, thousands) if decimal_comma else f"{value:.2f}"
    return str(value)


def _csv(kind: str, rows: list[dict[str, Any]], *, delimiter: str, encoding: str,
         decimal_comma: bool, thousands: bool, capitalised: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    header = columns(kind)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell_text(row.get(name), decimal_comma=decimal_comma, thousands=thousands,
                                    capitalised=capitalised) for name in header])
    return buffer.getvalue().encode(encoding)


def _json_value(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _json(kind: str, rows: list[dict[str, Any]]) -> bytes:
    header = columns(kind)
    data = [{name: _json_value(row.get(name)) for name in header} for row in rows]
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _xlsx(kind: str, rows: list[dict[str, Any]], capitalised: bool) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"created": XLSX_CREATED, "author": "Cellule départementale"})
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})
    euros = book.add_format({"num_format": "#,##0.00"})
    sheet = book.add_worksheet(kind)
    header = columns(kind)
    for col, name in enumerate(header):
        sheet.write_string(0, col, name, bold)
        sheet.set_column(col, col, max(12, len(name) + 2))
    for line, row in enumerate(rows, start=1):
        for col, name in enumerate(header):
            value = row.get(name)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_string(line, col, _cell_text(value, decimal_comma=True, thousands=False,
                                                         capitalised=capitalised))
            elif isinstance(value, Decimal):
                sheet.write_number(line, col, float(value), euros)
            elif isinstance(value, int):
                sheet.write_number(line, col, value)
            else:
                sheet.write_string(line, col, value, text)
    book.close()
    return buffer.getvalue()


def render(kind: str, rows: list[dict[str, Any]], fmt: str, *, thousands: bool = False,
           capitalised: bool = False) -> bytes:
    """The bytes of a file of ``rows`` (contract values) in one of the formats above."""
    if fmt == "csv_excel":
        return _csv(kind, rows, delimiter=";", encoding="cp1252", decimal_comma=True,
                    thousands=thousands, capitalised=capitalised)
    if fmt == "csv_utf8":
        return _csv(kind, rows, delimiter=",", encoding="utf-8-sig", decimal_comma=False,
                    thousands=False, capitalised=capitalised)
    if fmt == "xlsx":
        return _xlsx(kind, rows, capitalised)
    if fmt == "json":
        return _json(kind, rows)
    raise ValueError(f"unknown demo file format {fmt!r}; expected one of {', '.join(SUFFIXES)}")
