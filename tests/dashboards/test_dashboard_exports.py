"""Exported tables cannot smuggle a formula into a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from dashboards.exports import neutralise_cell, to_csv_bytes, to_xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_like_text_is_prefixed(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Rhône", "1 234", "", None, -5, 3.5, True])
def test_other_values_are_left_alone(value):
    assert neutralise_cell(value) == value


FRAME = pl.DataFrame({
    "titre": ["=1+1 premiers contrats", "Groupe de parole"],
    "suivis": [-3, 12],
    "fipd": [Decimal("1500.50"), None],
    "recu": [datetime(2026, 11, 26, 10, 0), None],
})


def test_csv_is_french_excel_friendly_and_neutralised():
    data = to_csv_bytes(FRAME)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["titre", "suivis", "fipd", "recu"]
    assert rows[1] == ["'=1+1 premiers contrats", "-3", "1500.50", "2026-11-26 10:00:00"]
    assert rows[2] == ["Groupe de parole", "12", "", ""]


def test_xlsx_holds_text_not_formulas():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(FRAME)))
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["titre", "suivis", "fipd", "recu"]
    assert sheet["A2"].value == "'=1+1 premiers contrats" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3 and sheet["C2"].value == 1500.5
    assert sheet["C3"].value is None
