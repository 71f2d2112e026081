"""The weekly synthesis's annex « Corrections » (issue 17): what was requested, corrected or
confirmed between the previous week's deadline and this week's, read from the marts."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pytest

from orchestration.reports.queries import open_review_requests, review_requests_between
from orchestration.reports.weekly_synthesis import _corrections_table

W47_DEADLINE = datetime(2026, 11, 19, 11, 0)
W48_DEADLINE = datetime(2026, 11, 26, 11, 0)


@pytest.fixture
def marts():
    """The three marts the annex reads, with requests before, inside and after the window."""
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.dim_week as select * from (values "
                "('2026-W47', $w47), ('2026-W48', $w48)) as t(week_code, deadline_at)",
                {"w47": W47_DEADLINE, "w48": W48_DEADLINE})
    con.execute("create table marts.dim_departement as select * from (values "
                "('48', 'Lozère'), ('69', 'Rhône')) as t(departement_code, departement_name)")
    con.execute("""create table marts.fct_review_requests as select * from (values
        ('old', 'weekly', '48', '2026-W45', 'suivis_en_cours', 'stock_incoherent', 'corrige',
         false, timestamp '2026-11-10 10:00', timestamp '2026-11-12 10:00', 2),
        ('closed-now', 'weekly', '48', '2026-W46', 'suivis_en_cours', 'stock_incoherent', 'corrige',
         false, timestamp '2026-11-12 10:00', timestamp '2026-11-21 10:00', 3),
        ('made-now', 'monthly', '69', '2026-10', null, 'other', 'correction_demandee',
         true, timestamp '2026-11-24 10:00', null, null),
        ('after', 'weekly', '69', '2026-W48', null, 'outlier', 'correction_demandee',
         true, timestamp '2026-11-27 10:00', null, null)
        ) as t(request_id, report_kind, departement_code, period_code, field_names, reason_code,
               request_state, is_open, requested_at, closed_at, corrected_version_number)""")
    yield con
    con.close()


def test_review_requests_between_keeps_those_made_or_closed_since_last_deadline(marts):
    rows = review_requests_between(marts, "2026-W47", "2026-W48")
    assert [row["request_id"] for row in rows] == ["closed-now", "made-now"]


def test_review_requests_between_is_empty_without_the_mart():
    with duckdb.connect() as con:
        assert review_requests_between(con, "2026-W47", "2026-W48") == []


def test_corrections_table_names_state_with_corrected_version(marts):
    table = _corrections_table(review_requests_between(marts, "2026-W47", "2026-W48"))
    corrected, requested = table.rows
    assert corrected["state_label"] == "Corrigé (version 3)" and corrected["kind_label"] == "Hebdomadaire"
    assert requested["state_label"] == "Correction demandée" and requested["field_names"] == "rapport entier"
    assert requested["reason_label"] == "Autre motif"


def test_open_review_requests_counts_per_departement(marts):
    assert open_review_requests(marts) == {"69": 2}
