"""Every spreadsheet the hub writes keeps formula-like text as text: the documents' workbooks
(monthly report, weekly synthesis: one writer) and the reminder CSV, with the rule the
dashboards' downloads use."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime, timezone

import openpyxl
import pytest

from orchestration.reports.document import Column, Document, KeyFigure, Table
from orchestration.reports.reminders import Reminder, reminders_csv
from orchestration.reports.render import write_xlsx

AT = datetime(2026, 11, 26, 11, 5, tzinfo=timezone.utc)
HOSTILE = ("+cmd|' /C calc'!A0", "-2+3", "=1+1", "@SUM(A1)")


def hostile_document(text: str) -> Document:
    """``text`` in every place a document's workbook writes text: title, period, recipients,
    key-figure label, note, table title and note, column label, cell, empty-table text."""
    table = Table("comments", "Commentaires", text, (Column("comment", text, "text"), Column("n", "Nombre")),
                  ({"comment": text, "n": -3},), note=text)
    empty = Table("empty", "Vide", "Vide", (Column("comment", "Commentaire", "text"),), (), empty_text=text)
    return Document("t", text, text, (text,), AT, (KeyFigure("n", text, 3, 1),), (table, empty),
                    notes=(text,))


@pytest.mark.parametrize("text", HOSTILE)
def test_document_workbook_writes_formula_like_text_as_neutralised_text(tmp_path, text):
    path = write_xlsx(hostile_document(text), tmp_path / "document.xlsx", AT)
    with zipfile.ZipFile(path) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist()
                  if name.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet for sheet in sheets)  # no formula anywhere
    book = openpyxl.load_workbook(path)
    texts = [cell.value for sheet in book for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)]
    assert texts.count("'" + text) >= 10 and text not in texts


def test_document_workbook_keeps_negative_numbers_as_numbers(tmp_path):
    path = write_xlsx(hostile_document("-2+3"), tmp_path / "document.xlsx", AT)
    sheet = openpyxl.load_workbook(path)["Commentaires"]
    assert [cell.value for cell in sheet[4]] == ["'-2+3", -3]


@pytest.mark.parametrize("text", HOSTILE)
def test_reminder_csv_neutralises_formula_like_text(text):
    reminder = Reminder(departement_code="69", departement_name=text, region_name=text,
                        contact_role=text, reason=text, deadline_at=AT)
    (header, row) = list(csv.reader(io.StringIO(reminders_csv([reminder])), delimiter=";"))
    assert row[:5] == ["69", "'" + text, "'" + text, "'" + text, "'" + text]
