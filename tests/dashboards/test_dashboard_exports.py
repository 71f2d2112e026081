"""Exported tables read as the page does (French headers and words) and cannot smuggle a
formula into a spreadsheet."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

import openpyxl
import polars as pl
import pytest

from dashboards.exports import DICTIONARY_SHEET, neutralise_cell, to_csv_bytes, to_xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_like_text_is_prefixed(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Rhône", "1 234", "", None, -5, 3.5, True])
def test_other_values_are_left_alone(value):
    assert neutralise_cell(value) == value


FRAME = pl.DataFrame({
    "titre": ["=1+1 premiers contrats", "Groupe de parole"],
    "suivis_en_cours": [-3, 12],
    "fipd_engage_eur": [Decimal("1500.50"), None],
    "received_at": [datetime(2026, 11, 26, 10, 0), None],
    "is_on_time": [True, False],
    "status": ["late", "on_time"],
})
FRENCH_HEADERS = ["Titre", "Suivis en cours (stock)", "FIPD engagé (€)", "Reçu le", "À l'heure", "Statut"]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_is_french_excel_friendly_and_neutralised():
    data = to_csv_bytes(FRAME)
    assert data.startswith("\ufeff".encode())
    rows = _csv_rows(data)
    assert rows[0] == FRENCH_HEADERS
    assert rows[1] == ["'=1+1 premiers contrats", "-3", "1500,50", "26/11/2026 11:00 (heure de Paris)",
                       "Oui", "En retard"]
    assert rows[2] == ["Groupe de parole", "12", "", "", "Non", "À l'heure"]


def test_csv_headers_follow_the_page_column_labels_when_given():
    rows = _csv_rows(to_csv_bytes(FRAME.select("titre", "status"), headers={"status": "Statut S48"}))
    assert rows[0] == ["Titre", "Statut S48"]


def test_xlsx_holds_text_not_formulas():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(FRAME)))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == FRENCH_HEADERS
    assert sheet["A2"].value == "'=1+1 premiers contrats" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3 and sheet["C2"].value == 1500.5
    assert sheet["C3"].value is None and sheet["E2"].value == "Oui"


def test_xlsx_dictionary_sheet_explains_every_column():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(FRAME)))
    dictionary = book[DICTIONARY_SHEET]
    entries = [tuple(c.value for c in row) for row in dictionary.iter_rows(min_row=2)]
    assert [e[0] for e in entries] == FRENCH_HEADERS and [e[2] for e in entries] == FRAME.columns
    assert all(e[1] for e in entries)
    assert "à l'heure, en retard" in dict((e[2], e[1]) for e in entries)["status"]
