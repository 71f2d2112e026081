"""The demo's files are what départements really send, and the hub accepts every one."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from python_calamine import CalamineWorkbook

from data_contracts.registry import columns
from demo.departements import profile
from ingestion.submit import submit


def _format_of(plan, planned):
    prof = profile(plan.seed, planned.departement)
    return prof.weekly_format if planned.kind == "weekly" else prof.monthly_format


def _files(plan, fmt, kind=None, role=None):
    return [s for s in plan.submissions if _format_of(plan, s) == fmt
            and (kind is None or s.kind == kind) and (role is None or s.role == role)]


def _sample(plan):
    """A few files of every (kind, format, role), plus every correction: what could differ."""
    chosen, seen = [], {}
    for planned in plan.submissions:
        key = (planned.kind, _format_of(plan, planned), planned.role)
        if seen.get(key, 0) < 3 or planned.role == "correction":
            seen[key] = seen.get(key, 0) + 1
            chosen.append(planned)
    return chosen


def test_every_kind_format_and_role_is_represented(plan):
    combinations = {(s.kind, _format_of(plan, s), s.role) for s in plan.submissions}
    for kind in ("weekly", "monthly", "practices"):
        for fmt in ("csv_excel", "csv_utf8", "xlsx", "json"):
            assert (kind, fmt, "backfill") in combinations
            assert (kind, fmt, "report") in combinations


def test_the_hub_accepts_the_files_with_the_expected_timeliness(plan, demo_settings):
    for planned in _sample(plan):
        receipt = submit(planned.kind, (plan.out / planned.path).read_bytes(), planned.filename,
                         planned.departement, dry_run=True, received_at=planned.received_at,
                         settings=demo_settings)
        assert receipt.status == "accepted", (planned.path, [str(e) for e in receipt.errors])
        assert receipt.rows == planned.rows
        assert receipt.periods == list(planned.periods)
        if planned.kind in ("weekly", "monthly") and planned.role != "backfill":
            expected = (plan.weekly if planned.kind == "weekly" else plan.monthly)[
                (planned.departement, planned.periods[0])]
            assert receipt.on_time is (planned.received_at <= expected.deadline_at), planned.path


def test_french_excel_csv_is_cp1252_semicolons_crlf_and_decimal_comma(plan):
    practices = _files(plan, "csv_excel", "practices")[0]
    content = (plan.out / practices.path).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # accents are single cp1252 bytes
    text = content.decode("cp1252")
    assert text.startswith(";".join(columns("practices")) + "\r\n")
    assert "é" in text

    amounts = []
    for planned in _files(plan, "csv_excel", "monthly", "backfill"):
        rows = csv.DictReader(io.StringIO((plan.out / planned.path).read_bytes().decode("cp1252")),
                              delimiter=";")
        amounts += [row["fipd_engage_eur"] for row in rows]
    assert all(re.fullmatch(r"\d{1,3}(\u00a0\d{3})*,\d\d|\d+,\d\d", a) for a in amounts)
    assert any(a != "0,00" for a in amounts)
    assert any("\u00a0" in a for a in amounts), "some cells use Excel's thousands separator"
    assert {"oui", "non"} <= {row.lower() for row in _yes_no(plan, "csv_excel")}


def _yes_no(plan, fmt):
    planned = _files(plan, fmt, "monthly", "backfill")[0]
    content = (plan.out / planned.path).read_bytes()
    text = content.decode("utf-8-sig" if fmt == "csv_utf8" else "cp1252")
    rows = csv.DictReader(io.StringIO(text), delimiter=";" if fmt == "csv_excel" else ",")
    return [row["partenaire_spip"] for row in rows]


def test_excel_utf8_csv_has_a_bom_commas_and_decimal_points(plan):
    planned = _files(plan, "csv_utf8", "monthly", "backfill")[0]
    content = (plan.out / planned.path).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf" + ",".join(columns("monthly")).encode() + b"\r\n")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert all(re.fullmatch(r"\d+\.\d\d", row["fipd_engage_eur"]) for row in rows)
    assert {"oui", "non"} <= {v.lower() for v in _yes_no(plan, "csv_utf8")}


def test_xlsx_is_the_filled_template_with_numbers_as_numbers(plan):
    planned = _files(plan, "xlsx", "weekly", "backfill")[0]
    book = CalamineWorkbook.from_filelike(io.BytesIO((plan.out / planned.path).read_bytes()))
    assert book.sheet_names == ["weekly"]
    header, *rows = book.get_sheet_by_name("weekly").to_python()
    assert header == columns("weekly")
    assert len(rows) == planned.rows
    first = dict(zip(header, rows[0]))
    assert first["departement"] == planned.departement and first["semaine"] == planned.periods[0]
    assert isinstance(first["suivis_en_cours"], (int, float))


def test_json_is_an_array_of_flat_objects_with_native_values(plan):
    planned = _files(plan, "json", "monthly", "backfill")[0]
    rows = json.loads((plan.out / planned.path).read_bytes().decode("utf-8"))
    assert isinstance(rows, list) and len(rows) == planned.rows
    assert list(rows[0]) == columns("monthly")
    assert isinstance(rows[0]["suivis_engages"], int)
    assert isinstance(rows[0]["partenaire_spip"], bool)
    assert all(isinstance(r["fipd_engage_eur"], (int, float)) for r in rows)
