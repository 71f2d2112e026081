"""Blank templates and JSON Schema, generated from the contracts.

The CSV template is what French Excel opens cleanly: ``;`` separator, UTF-8 with BOM. The
XLSX template has the header on its first sheet (named after the kind) and a second sheet
"Aide" with each column's French description.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from data_contracts.registry import columns, contract_for


def json_schema(kind: str) -> dict[str, Any]:
    """The contract's JSON Schema (what a JSON upload must look like: an array of these)."""
    model = contract_for(kind)
    item = model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{model.label} (v{model.version})",
        "type": "array",
        "items": item,
    }


def write_template(kind: str, path: Path) -> Path:
    """Write a blank template; the format follows the file's suffix (.csv, .xlsx, .json)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle, delimiter=";").writerow(columns(kind))
    elif suffix == ".xlsx":
        _write_xlsx(kind, path)
    elif suffix == ".json":
        path.write_text(json.dumps(json_schema(kind), ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        raise ValueError(f"unsupported template format {suffix!r} (use .csv, .xlsx or .json)")
    return path


def _write_xlsx(kind: str, path: Path) -> None:
    import xlsxwriter

    model = contract_for(kind)
    book = xlsxwriter.Workbook(str(path))
    bold = book.add_format({"bold": True})
    text = book.add_format({"num_format": "@"})  # keep 01 and 2A as typed
    sheet = book.add_worksheet(kind)
    for col, name in enumerate(columns(kind)):
        sheet.write_string(0, col, name, bold)
        sheet.set_column(col, col, max(12, len(name) + 2), text)
    help_sheet = book.add_worksheet("Aide")
    help_sheet.write_row(0, 0, ["colonne", "obligatoire", "description"], bold)
    for row, (name, field) in enumerate(model.model_fields.items(), start=1):
        help_sheet.write_row(row, 0, [name, "oui" if field.is_required() else "non",
                                      field.description or ""])
    help_sheet.set_column(0, 0, 34)
    help_sheet.set_column(2, 2, 100)
    book.close()
