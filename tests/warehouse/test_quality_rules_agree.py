"""The receipt, the mart, the Qualité page and the Thursday synthesis flag the same rows.

The case that used to split them (issue 12): 13 declares 350 follow-ups in 2026-W48, then 900
in W49 with no new signalement and no closure. The receipt warned "350 attendus, 900 déclarés",
while the mart (which only flagged an unexplained fall) and therefore the synthesis ("Aucune
alerte de cohérence") and the Qualité page said nothing. One rule now
(data_contracts.quality_rules.STOCK): the four must name the same (département, week).
"""

from __future__ import annotations

from datetime import datetime, timezone
from dataclasses import dataclass
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


def _weekly(departement: str, week: str, stock: int, locaux: int = 0) -> dict:
    return weekly(departement=departement, semaine=week, suivis_en_cours=str(stock),
                  **{**QUIET, "signalements_locaux": str(locaux)})


@dataclass
class Case:
    settings: Settings
    receipts: list
    weeks: dict[str, list[str]]  # submission id → the file's weeks, row by row

    def warned(self, code: str) -> set[tuple[str, str]]:
        """(département, week) of the rows the receipts warn about with ``code``."""
        return {(r.departement, self.weeks[r.submission_id][w.row - 1])
                for r in self.receipts for w in r.warnings if w.code == code}


def _land_build_publish(settings: Settings) -> None:
    ingest_pending(settings)
    result = build(settings, unit_tests=False)
    assert result.success, [(p.name, p.message) for p in result.problems]
    publish(settings)


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Case:
    """Two builds: 2A's history (W44–W48: 2 to 5 local signalements, stocks chained) is
    published before its W49 (60 local signalements) is uploaded, since the receipt compares
    with the published marts; 13 sends W48 (350) and W49 (900) in one file."""
    settings = Settings(home=tmp_path_factory.mktemp("quality_rules") / "cipd_home", now=NOW)
    history = [("2026-W44", 2), ("2026-W45", 5), ("2026-W46", 3), ("2026-W47", 4), ("2026-W48", 2)]
    stocks = [sum(n for _, n in history[:i + 1]) for i in range(len(history))]
    receipts, weeks = [], {}

    def send(departement: str, rows: list[dict]) -> None:
        receipt = submit("weekly", to_csv(rows), f"hebdo_{departement}.csv", departement, settings=settings)
        assert receipt.status == "accepted", receipt.errors
        receipts.append(receipt)
        weeks[receipt.submission_id] = [row["semaine"] for row in rows]

    send("2A", [_weekly("2A", week, stock, new) for (week, new), stock in zip(history, stocks)])
    _land_build_publish(settings)
    send("2A", [_weekly("2A", "2026-W49", stocks[-1] + 60, 60)])
    send("13", [_weekly("13", "2026-W48", 350), _weekly("13", "2026-W49", 900)])
    _land_build_publish(settings)
    return Case(settings, receipts, weeks)


def _marts(case: Case, condition: str) -> set[tuple[str, str]]:
    with duckdb.connect(str(case.settings.serving_path), read_only=True) as connection:
        return set(connection.execute(
            f"select departement_code, week_code from marts.fct_weekly_reports where {condition}").fetchall())


@pytest.fixture
def dashboard_env(case, monkeypatch):
    """The process environment the Qualité page reads (CIPD_HOME, CIPD_NOW)."""
    monkeypatch.setenv("CIPD_HOME", str(case.settings.home))
    monkeypatch.setenv("CIPD_NOW", NOW.isoformat())
    from dashboards import queries

    return queries


def test_stock_rule_flags_the_same_rows_in_receipt_mart_quality_page_and_synthesis(
        case, dashboard_env, tmp_path):
    by_receipt = case.warned("stock_discontinuity")
    assert any("350 attendus, 900 déclarés" in w.message for r in case.receipts for w in r.warnings)
    by_mart = _marts(case, "has_stock_warning")
    page = dashboard_env.stock_warnings(Role.parse("national"))
    by_page = set(zip(page["departement_code"], page["week_code"]))
    synthesis = produce_weekly_synthesis(case.settings, "2026-W49", tmp_path)
    alerts = _consistency_rows(synthesis.html.read_text(encoding="utf-8"))
    by_synthesis = {(row["departement_code"], row["period"]) for row in alerts}
    assert any("900 déclarés, 350 attendus" in row["detail"] for row in alerts)
    assert by_receipt == by_mart == by_page == by_synthesis == {("13", "2026-W49")}


def test_unusual_value_rule_flags_the_same_rows_in_receipt_mart_and_quality_page(case, dashboard_env):
    by_receipt = case.warned("unusual_value")
    by_mart = _marts(case, "has_unusual_value")
    page = dashboard_env.unusual_values(Role.parse("national"), "2026-W49")
    by_page = set(zip(page["departement_code"], page["week_code"]))
    assert by_receipt == by_mart == by_page == {("2A", "2026-W49")}
    warned_columns = {w.column for r in case.receipts for w in r.warnings if w.code == "unusual_value"}
    assert set(page["unusual_value_columns"][0].split(", ")) == warned_columns
    assert warned_columns == {"signalements_locaux", "suivis_en_cours"}  # 60 ≫ 5 and 76 ≫ 16


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
