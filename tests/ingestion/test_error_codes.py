"""The rarer file-level error codes, each produced once (codes are a stable interface: the
upload page, dashboards and départements' own scripts match on them)."""

from __future__ import annotations

from ingestion.readers.dispatch import read_table
from ingestion.validate import MAX_LISTED_ERRORS, validate_table
from ingestion_helpers import WEEKLY, to_csv, to_json, to_xlsx, weekly
from tests_now import FROZEN_NOW


def _codes(table):
    return [e.code for e in table.errors]


def test_a_password_protected_workbook_says_so():
    # Excel encrypts a workbook into an OLE2 container with an "EncryptionInfo" stream
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200) + "EncryptionInfo".encode("utf-16-le") + bytes(300)
    assert _codes(read_table(ole, "f.xlsx", "weekly", 10)) == ["encrypted_file"]
    # a zip whose entries declare encryption (flag bit 0) is refused before reading
    data = bytearray(to_xlsx([WEEKLY]))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flag_offset] |= 0x1
            start = data.find(signature, start + 4)
    assert _codes(read_table(bytes(data), "f.xlsx", "weekly", 10)) == ["encrypted_file"]


def test_json_must_be_utf8():
    assert _codes(read_table(to_json([WEEKLY]).decode().encode("utf-16"), "f.json", "weekly", 10)) \
        in (["encoding_error"], ["invalid_json"])
    latin = '[{"commentaire": "Réunion"}]'.encode("cp1252")
    assert _codes(read_table(latin, "f.json", "weekly", 10)) == ["encoding_error"]


def test_a_nested_json_value_is_refused_by_cell():
    table = read_table(to_json([weekly(commentaire=["a", "b"])]), "f.json", "weekly", 10)
    assert [(e.row, e.column, e.code) for e in table.errors] == [(1, "commentaire", "invalid_value")]


def test_errors_beyond_the_listing_limit_are_counted_and_summarised():
    rows = [weekly(semaine="2026-W60", signalements_cnapr="-1")] * (MAX_LISTED_ERRORS // 2 + 10)
    table = read_table(to_csv(rows), "f.csv", "weekly", 10_000)
    checked = validate_table("weekly", table, "13", now=FROZEN_NOW)
    assert checked.error_count == 2 * len(rows)
    assert len(checked.errors) == MAX_LISTED_ERRORS + 1
    assert checked.errors[-1].code == "more_errors" and "20 autres erreurs" in checked.errors[-1].message


def test_a_lone_surrogate_escape_in_json_is_refused_cleanly():
    lone = to_json([weekly(commentaire="PLACEHOLDER")]).replace(b"PLACEHOLDER", b"a\\ud800b")
    assert _codes(read_table(lone, "f.json", "weekly", 10)) == ["invalid_text"]
    pair = to_json([weekly(commentaire="PLACEHOLDER")]).replace(b"PLACEHOLDER", b"\\ud83d\\ude00")
    table = read_table(pair, "f.json", "weekly", 10)
    assert table.ok and "\U0001F600" in table.rows[0][1]
