"""What départements really send: the same report as ``;``/cp1252/decimal comma CSV,
``,``/UTF-8-BOM CSV, XLSX and JSON gives identical raw rows."""

from __future__ import annotations

import pytest

from ingestion.loader import ingest_pending
from ingestion.readers.dispatch import read_table
from ingestion.submit import submit
from ingestion_helpers import MONTHLY, WEEKLY, raw_rows, to_csv, to_json, to_xlsx, weekly

TABLES = {"weekly": "weekly_reports", "monthly": "monthly_reports"}


def _variants(row):
    english = {k: (v.replace(" ", "").replace(",", ".") if k == "fipd_engage_eur" else v)
               for k, v in row.items()}
    return {
        "excel_fr.csv": to_csv([row], delimiter=";", encoding="cp1252"),
        "utf8_bom.csv": to_csv([english], delimiter=",", encoding="utf-8-sig", newline="\n"),
        "classeur.xlsx": to_xlsx([row]),
        "export.json": to_json([row]),
    }


@pytest.mark.parametrize(("kind", "row"), [("weekly", WEEKLY), ("monthly", MONTHLY)])
def test_every_format_gives_the_same_raw_rows(kind, row, settings):
    seen = []
    for name, content in _variants(row).items():
        receipt = submit(kind, content, name, row["departement"], settings=settings)
        assert receipt.status == "accepted", (name, receipt.errors)
        seen.append(receipt.format)
        # each version lands; a period sent again is a correction, kept in raw
    assert seen == ["csv", "csv", "xlsx", "json"]
    ingest_pending(settings)
    rows = raw_rows(settings, TABLES[kind], exclude=("submission_id", "received_at", "source_sha256"))
    assert len(rows) == 4 and len(set(rows)) == 1


def test_decoding_is_strict_utf8_then_cp1252():
    text = "departement;commentaire\r\n13;Réunion à Évry\r\n"
    for encoding in ("utf-8", "utf-8-sig", "cp1252"):
        table = read_table(text.encode(encoding), "f.csv", "weekly", 100)
        assert table.rows == [(1, ["13", "Réunion à Évry"])], encoding
    # "œ" and "€" exist in cp1252 but not latin-1: a latin-1 fallback would garble them
    table = read_table("departement;commentaire\n13;Œuvre 5 €\n".encode("cp1252"), "f.csv", "weekly", 100)
    assert table.rows[0][1][1] == "Œuvre 5 €"


def test_excel_strips_leading_zeros_but_text_cells_keep_them(settings):
    as_number = to_xlsx([weekly(departement="1")], numbers=True)
    table = read_table(as_number, "f.xlsx", "weekly", 100)
    assert table.rows[0][1][0] == "1"  # the contract re-pads it to 01
    corsica = read_table(to_xlsx([weekly(departement="2A")]), "f.xlsx", "weekly", 100)
    assert corsica.rows[0][1][0] == "2A"
    receipt = submit("weekly", to_xlsx([weekly(departement="1")]), "ain.xlsx", "01", settings=settings)
    assert receipt.status == "accepted"


def test_numbers_are_read_as_text_without_float_artefacts():
    table = read_table(to_xlsx([weekly(suivis_en_cours="41")]), "f.xlsx", "weekly", 100)
    header, cells = table.header, table.rows[0][1]
    assert cells[header.index("suivis_en_cours")] == "41"  # not "41.0"


def test_a_sheet_named_after_the_kind_wins_over_the_first_sheet():
    content = to_xlsx([WEEKLY], sheet="Hebdomadaire", extra_sheets=("Notes",))
    table = read_table(content, "f.xlsx", "weekly", 100)
    assert table.sheet == "Hebdomadaire" and table.header[0] == "departement"
    first_only = read_table(to_xlsx([WEEKLY], sheet="Feuil1"), "f.xlsx", "weekly", 100)
    assert first_only.sheet == "Feuil1"


def test_headers_match_without_case_accents_or_spaces(settings):
    header = ["Département", "SEMAINE", "Signalements CNAPR", "signalements-locaux", "Dont mineurs",
              "orientations_judiciaires", "Suivis en cours", "suivis_clos",
              "Familles accompagnées", "Commentaire"]
    rows = [dict(zip(header, WEEKLY.values()))]
    receipt = submit("weekly", to_csv(rows, header=header), "f.csv", "13", settings=settings)
    assert receipt.status == "accepted", receipt.errors


def test_blank_lines_and_trailing_separators_are_tolerated(settings):
    content = to_csv([WEEKLY]) + b";;;;;;;;;\r\n\r\n"
    receipt = submit("weekly", content, "f.csv", "13", settings=settings)
    assert receipt.status == "accepted" and receipt.rows == 1


def test_a_file_without_extension_is_sniffed(settings):
    assert read_table(to_json([WEEKLY]), "export", "weekly", 100).format == "json"
    assert read_table(to_xlsx([WEEKLY]), "export", "weekly", 100).format == "xlsx"
    assert read_table(to_csv([WEEKLY]), "export", "weekly", 100).format == "csv"


def test_all_errors_of_a_file_are_reported_at_once(settings):
    rows = [weekly(semaine="2026-W40", signalements_cnapr="-1"),
            weekly(semaine="2026-W41", dont_mineurs="x"),
            weekly(semaine="2026-W99")]
    receipt = submit("weekly", to_csv(rows), "f.csv", "13", settings=settings)
    assert [(e.row, e.column, e.code) for e in receipt.errors] == [
        (1, "signalements_cnapr", "negative"),
        (2, "dont_mineurs", "invalid_integer"),
        (3, "semaine", "invalid_week"),
    ]


def test_too_many_rows_is_a_file_error(settings, monkeypatch):
    monkeypatch.setenv("CIPD_MAX_ROWS", "3")
    from data_contracts.settings import get_settings

    small = get_settings()
    rows = [weekly(semaine=f"2026-W4{i}") for i in range(4)]
    for content, name in ((to_csv(rows), "f.csv"), (to_xlsx(rows), "f.xlsx"), (to_json(rows), "f.json")):
        receipt = submit("weekly", content, name, "13", settings=small)
        assert [e.code for e in receipt.errors] == ["too_many_rows"], name
