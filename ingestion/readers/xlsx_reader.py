"""XLSX, read with calamine after :mod:`ingestion.readers.xlsx_prescan` has vetted it.

Every cell becomes text first: calamine returns numbers as floats, so integral floats lose
their ``.0`` (Excel stored ``01`` typed as a number as 1; the contract re-pads département
codes), while cells typed as text (``01``, ``2A``) come through untouched.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

from ingestion.readers.table import ParsedTable, failed, file_error, is_blank, too_many_rows
from ingestion.readers.xlsx_prescan import PrescanRejection, prescan


def cell_text(value: Any) -> str | None:
    """A calamine cell as the text the agent sees (None when empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, (date, time, int)):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, timedelta):
        return str(value)
    text = str(value)
    return text if text.strip() else None


def read_xlsx(content: bytes, kind: str, label: str, max_rows: int) -> ParsedTable:
    try:
        scan = prescan(content, kind, label, max_rows)
    except PrescanRejection as rejection:
        return failed("xlsx", rejection.code, rejection.message)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        grid = book.get_sheet_by_name(scan.sheet_name).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError):
        return failed("xlsx", "not_a_spreadsheet",
                      "Classeur Excel illisible : ouvrez-le dans Excel, « Enregistrer sous » au "
                      "format « Classeur Excel (.xlsx) », puis déposez-le à nouveau.")
    table = ParsedTable(format="xlsx", sheet=scan.sheet_name)
    formulas_by_row: dict[int, list[tuple[int, str]]] = {}
    for (row, col), formula in scan.formulas.items():
        formulas_by_row.setdefault(row, []).append((col, formula))
    header_index = None
    for index, raw in enumerate(grid):
        cells = [cell_text(v) for v in raw]
        for col, formula in formulas_by_row.get(index, ()):
            if col < len(cells):  # show what was typed, so validation refuses the formula
                cells[col] = "=" + formula.lstrip("=")
        if header_index is None:
            if is_blank(cells):
                continue
            header_index = index
            table.header = [(c or "").strip() for c in cells]
            continue
        if is_blank(cells):
            continue
        if len(table.rows) >= max_rows:
            return too_many_rows("xlsx", max_rows)
        number = index - header_index
        if len(cells) > len(table.header) and not is_blank(cells[len(table.header):]):
            table.errors.append(file_error(
                "extra_cells",
                "Cellules remplies à droite de la dernière colonne nommée : ajoutez un nom de "
                "colonne ou videz ces cellules.", row=number))
        cells = cells[:len(table.header)] + [None] * (len(table.header) - len(cells))
        table.rows.append((number, cells))
    return table
