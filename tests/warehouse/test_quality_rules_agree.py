"""The receipt, the mart, the Qualité page and the Thursday synthesis flag the same rows.

The case that used to split them (issue 12): 13 declares 350 follow-ups in 2026-W48, then 900
in W49 with no new signalement and no closure. The receipt warned "350 attendus, 900 déclarés",
while the mart (which only flagged an unexplained fall) and therefore the synthesis ("Aucune
alerte de cohérence") and the Qualité page said nothing. One rule now
(data_contracts.quality_rules.STOCK): the four must name the same (département, week).
"""

from __future__ import annotations

from datetime import datetime, timezone
from html.parser import HTMLParser

import duckdb
import pytest
from ingestion_helpers import to_csv, weekly

from accounts.roles import Role
from data_contracts.settings import Settings
from ingestion.loader import ingest_pending
from ingestion.submit import submit
from orchestration.reports.produce import produce_weekly_synthesis
from orchestration.warehouse.build import build
from orchestration.warehouse.publish import publish

#: Thursday 3 December 2026, 09:00 UTC: W49, before its deadline.
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
QUIET = {"signalements_cnapr": "0", "signalements_locaux": "0", "dont_mineurs": "0",
         "orientations_judiciaires": "0", "suivis_clos": "0", "commentaire": ""}


@pytest.fixture(scope="module")
def disagreeing_case(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("stock_rule") / "cipd_home", now=NOW)
    rows = [weekly(semaine="2026-W48", suivis_en_cours="350", **QUIET),
            weekly(semaine="2026-W49", suivis_en_cours="900", **QUIET)]
    receipt = submit("weekly", to_csv(rows), "hebdo_13.csv", "13", settings=settings)
    assert receipt.status == "accepted", receipt.errors
    ingest_pending(settings)
    result = build(settings, unit_tests=False)
    assert result.success, [(p.name, p.message) for p in result.problems]
    publish(settings)
    return settings, receipt


def test_stock_rule_flags_the_same_rows_in_receipt_mart_quality_page_and_synthesis(
        disagreeing_case, tmp_path, monkeypatch):
    settings, receipt = disagreeing_case
    by_receipt = {("13", "2026-W49") for w in receipt.warnings if w.code == "stock_discontinuity"}
    assert any("350 attendus, 900 déclarés" in w.message for w in receipt.warnings)

    with duckdb.connect(str(settings.serving_path), read_only=True) as connection:
        by_mart = set(connection.execute(
            "select departement_code, week_code from marts.fct_weekly_reports where has_stock_warning"
        ).fetchall())

    from dashboards import queries  # reads CIPD_HOME, as the Qualité page does
    monkeypatch.setenv("CIPD_HOME", str(settings.home))
    monkeypatch.setenv("CIPD_NOW", NOW.isoformat())
    page = queries.stock_warnings(Role.parse("national"))
    by_page = set(zip(page["departement_code"], page["week_code"]))

    synthesis = produce_weekly_synthesis(settings, "2026-W49", tmp_path)
    alerts = _consistency_rows(synthesis.html.read_text(encoding="utf-8"))
    by_synthesis = {(row["departement_code"], row["period"]) for row in alerts}
    assert any("900 déclarés, 350 attendus" in row["detail"] for row in alerts)

    assert by_receipt == by_mart == by_page == by_synthesis == {("13", "2026-W49")}


def _consistency_rows(html: str) -> list[dict[str, str]]:
    """The cells (``data-key`` → ``data-value``) of the synthesis's consistency table."""

    class Cells(HTMLParser):
        section, rows = None, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "section":
                self.section = attrs.get("id")
            elif tag == "tr" and self.section == "consistency":
                self.rows.append({})
            elif tag == "td" and self.section == "consistency":
                self.rows[-1][attrs["data-key"]] = attrs["data-value"]

    parser = Cells()
    parser.feed(html)
    return [row for row in parser.rows if row]
