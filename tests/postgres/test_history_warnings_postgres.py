"""The upload's history warnings read the published marts on PostgreSQL too (the reader role)."""

from __future__ import annotations

from landing_scenario import _csv, send_weekly, weekly_figures

from data_contracts.settings import get_settings
from ingestion.loader import ingest_pending
from ingestion.submit import submit
from orchestration.warehouse.build import build
from orchestration.warehouse.publish import publish


def test_history_warning_on_postgres_flags_a_stock_that_breaks_the_published_week(pg_home):
    settings = get_settings()
    send_weekly(settings, "75", "2026-W45")
    ingest_pending(settings)
    assert build(settings, unit_tests=False).success
    publish(settings)
    figures = weekly_figures("75", "2026-W46")
    row = {"departement": "75", "semaine": "2026-W46", **figures,
           "suivis_en_cours": figures["suivis_en_cours"] + 500}
    receipt = submit("weekly", _csv(row), "hebdo_75_2026-W46.csv", "75", actor="test", settings=settings)
    assert receipt.status == "accepted", receipt.errors
    assert [w.code for w in receipt.warnings] == ["stock_discontinuity"]
