"""A journal the loader refused reaches the national Qualité page: raw.audit_integrity →
stg_audit_integrity → fct_audit_integrity (published, shared) → a French alert."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from accounts.users import add_user
from dashboard_app import APP, APP_TIMEOUT
from data_contracts.settings import get_settings
from ingestion.loader import ingest_pending
from orchestration.warehouse.build import build
from orchestration.warehouse.publish import publish
from storage import audit
from storage.published import serving_connection


@pytest.fixture
def refused_and_published(cipd_home):
    """One event copied, then a forged back-dated line the loader refuses; built and published."""
    settings = get_settings()
    audit.append_events(settings, [audit.new_event("test", actor="test:loader", outcome="a")])
    ingest_pending(settings)
    forged = {"event_id": "forged", "occurred_at": "2026-01-01T00:00:00.000000Z",
              "actor": "web:demo-national", "action": "test", "outcome": "back-dated"}
    with audit.audit_path(settings).open("ab") as handle:
        handle.write(json.dumps(forged).encode() + b"\n")
    assert ingest_pending(settings).audit_refused is not None
    result = build(settings, unit_tests=False)
    assert result.success, [(p.name, p.message) for p in result.problems]
    publish(settings)
    return settings


def test_refused_journal_is_the_latest_row_of_the_published_mart(refused_and_published):
    with serving_connection(refused_and_published) as connection:
        rows = connection.execute("select is_intact, bad_line, message_fr from marts.fct_audit_integrity "
                                  "where is_latest").fetchall()
    assert len(rows) == 1 and rows[0][0] is False and rows[0][1] == 2 and rows[0][2]


def test_qualite_page_alerts_on_a_refused_journal(refused_and_published):
    add_user(refused_and_published, "analyste", "national", "mot-de-passe-long-123")
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = "analyste"
    at.switch_page("app_pages/qualite.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Journal d'audit refusé" in e.value for e in at.error)
