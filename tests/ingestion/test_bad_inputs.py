"""One fixture file per bad input: each is rejected with its exact error code(s), nothing
reaches the raw tables, and the file is kept in quarantine with its error report."""

from __future__ import annotations

import pytest

from ingestion.landing import list_landed, list_quarantined
from ingestion.loader import ingest_pending
from ingestion.submit import submit
from bad_input_cases import CASES
from ingestion_helpers import FIXTURES, raw_counts


def test_every_fixture_file_has_a_case():
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_file()}
    assert on_disk == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_rejected_with_its_code(name, settings):
    kind, departement, expected = CASES[name]
    content = (FIXTURES / name).read_bytes()
    receipt = submit(kind, content, name, departement, settings=settings)

    assert receipt.status == "rejected"
    assert {e.code for e in receipt.errors} == expected
    for error in receipt.errors:
        assert " : " in error.message  # "what is wrong : how to fix it", in French
    assert list_landed(settings) == []
    (kept,) = list_quarantined(settings)
    assert kept.submission_id == receipt.submission_id
    assert kept.path is not None and kept.path.read_bytes() == content
    assert kept.receipt().errors == receipt.errors

    result = ingest_pending(settings)
    assert result.loaded == [] and result.rejections_recorded == [receipt.submission_id]
    counts = raw_counts(settings)
    assert counts["weekly_reports"] == counts["monthly_reports"] == counts["good_practices"] == 0
    assert counts["submissions"] == 1  # the département sees its rejection


def test_a_50_mb_file_is_refused_before_parsing_and_not_kept(settings):
    content = b"departement;semaine\r\n" + b"13;2026-W47\r\n" * (50 * 1024 * 1024 // 13)
    receipt = submit("weekly", content, "enorme.csv", "13", settings=settings)
    assert [e.code for e in receipt.errors] == ["file_too_large"]
    assert "50.0 Mo" in receipt.errors[0].message
    (kept,) = list_quarantined(settings)
    assert kept.path is None  # the receipt is kept, 50 MB of junk is not
    ingest_pending(settings)
    assert raw_counts(settings)["weekly_reports"] == 0


def test_errors_name_row_column_and_value(settings):
    receipt = submit("weekly", (FIXTURES / "negative_count.csv").read_bytes(), "f.csv", "13",
                     settings=settings)
    (error,) = receipt.errors
    assert (error.row, error.column, error.value) == (1, "signalements_cnapr", "-2")
    assert "positif ou nul" in error.message
