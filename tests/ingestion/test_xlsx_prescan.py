"""The XLSX pre-scan measures what calamine will read: cell references in any case, and the
sheet's part under any spelling of its path. Each workbook below aborts calamine (a
16384 × 1048576 rectangle) when the pre-scan lets it through."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ingestion.readers.xlsx_prescan import PrescanRejection, canonical_part, prescan
from ingestion.submit import submit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))
from build_bad_inputs import SHEET_OPEN, handmade_xlsx  # noqa: E402

HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>departement</t></is></c></row>'
HARMLESS = f"{SHEET_OPEN}<sheetData>{HEADER_ROW}</sheetData></worksheet>"


def corner_sheet(reference: str = "XFD1048576", row: str = ' r="1048576"') -> str:
    return f'{SHEET_OPEN}<sheetData>{HEADER_ROW}<row{row}><c r="{reference}"><v>1</v></c></row></sheetData></worksheet>'


def refusal(content: bytes) -> str:
    with pytest.raises(PrescanRejection) as rejected:
        prescan(content, "weekly", "Rapport hebdomadaire", 20_000)
    return rejected.value.code


@pytest.mark.parametrize("reference", ["xfd1048576", "Xfd1048576", "$XFD$1048576", "xfd2"])
def test_prescan_measures_a_lower_case_cell_reference(reference):
    assert refusal(handmade_xlsx(corner_sheet(reference, row=""))) == "file_too_complex"


def test_prescan_refuses_a_cell_reference_it_cannot_read():
    assert refusal(handmade_xlsx(corner_sheet("R1048576C16384", row=""))) == "file_too_complex"


@pytest.mark.parametrize("target, hostile_member", [
    ("./worksheets/sheet1.xml", "xl/./worksheets/sheet1.xml"),
    ("../xl/worksheets/sheet1.xml", "xl/../xl/worksheets/sheet1.xml"),
    ("/xl/./worksheets/sheet1.xml", "xl/./worksheets/sheet1.xml"),
    ("worksheets\\sheet1.xml", "xl/worksheets\\sheet1.xml"),
    ("/XL/worksheets/sheet1.xml", "XL/worksheets/sheet1.xml"),
])
def test_prescan_refuses_a_harmless_look_alike_of_the_sheet_calamine_opens(target, hostile_member):
    workbook = handmade_xlsx("", target=target, members={
        "xl/worksheets/sheet1.xml": HARMLESS, hostile_member: corner_sheet()})
    assert refusal(workbook) == "file_too_complex"


@pytest.mark.parametrize("target", ["./worksheets/sheet1.xml", "/xl/./worksheets/sheet1.xml",
                                    "worksheets\\sheet1.xml", "../xl/worksheets/sheet1.xml"])
def test_prescan_follows_an_unusual_spelling_of_the_sheet_path_to_the_sheet(target):
    far_below = corner_sheet("A30000", row=' r="30000"')  # past max_rows, inside MAX_COLUMNS
    assert refusal(handmade_xlsx(far_below, target=target)) == "too_many_rows"


def test_prescan_refuses_entities_in_a_part_whose_extension_is_upper_case():
    laughs = ('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY lol "lol">]>'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    workbook = handmade_xlsx("", members={"xl/worksheets/sheet1.xml": HARMLESS,
                                          "xl/sharedStrings.XML": laughs})
    assert refusal(workbook) == "unsafe_file"


def test_canonical_part_folds_dots_backslashes_slash_and_case():
    assert {canonical_part(name) for name in (
        "xl/worksheets/sheet1.xml", "/xl/./worksheets/sheet1.xml", "xl/../xl/worksheets/sheet1.xml",
        "xl\\worksheets\\sheet1.xml", "XL/Worksheets/Sheet1.xml")} == {"xl/worksheets/sheet1.xml"}


def test_a_lower_case_corner_cell_is_refused_by_the_submit_path_in_french(settings):
    receipt = submit("weekly", handmade_xlsx(corner_sheet("xfd1048576", row="")), "piege.xlsx", "13",
                     settings=settings)
    assert [error.code for error in receipt.errors] == ["file_too_complex"]
    assert "Classeur refusé par mesure de sécurité" in receipt.errors[0].message
