"""Review events (issue 17): one recording path, insert-only records, audited, loaded once."""

from __future__ import annotations

import duckdb
import pytest
from pydantic import ValidationError

from ingestion.loader import ingest_pending
from ingestion.review import record_review, reviews_dir
from storage.audit import read_events


def _request(settings, **changes):
    arguments = dict(action="request", report_kind="weekly", departement="48", period_code="2026-W47",
                     actor="cli:analyst@host", fields=["suivis_en_cours"], reason_code="stock_incoherent")
    return record_review(settings, **{**arguments, **changes})


def test_record_review_keeps_record_and_audits_it_with_the_code_path_actor(settings):
    event = _request(settings)
    assert (reviews_dir(settings) / f"{event.event_id}.json").exists()
    (audited,) = [e for e in read_events(settings)[0] if e["action"] == "review_request"]
    assert audited["actor"] == "cli:analyst@host"
    assert audited["detail"]["review_event_id"] == event.event_id
    assert audited["departement"] == "48" and audited["kind"] == "weekly"


def test_record_review_refuses_request_without_reason(settings):
    with pytest.raises(ValidationError, match="Motif manquant"):
        _request(settings, reason_code=None)
    assert not list(reviews_dir(settings).glob("*.json"))


def test_record_review_refuses_field_the_contract_does_not_have(settings):
    with pytest.raises(ValidationError, match="Champ inconnu « suivis_engages »"):
        _request(settings, fields=["suivis_engages"])


def test_record_review_refuses_week_code_for_monthly_report(settings):
    with pytest.raises(ValidationError, match="Période « 2026-W47 » invalide"):
        _request(settings, report_kind="monthly", fields=None)


def test_record_review_refuses_confirmation_without_reason_text(settings):
    with pytest.raises(ValidationError, match="Raison manquante"):
        _request(settings, action="confirm", reason_code=None, message=None)


def test_record_review_screens_message_for_personal_data(settings):
    with pytest.raises(ValidationError, match="personne"):
        _request(settings, message="Le jeune Karim B., 16 ans, est compté deux fois")


def test_loader_copies_review_events_once(settings):
    event = _request(settings, message="Le stock baisse de 40 sans suivis clos")
    assert ingest_pending(settings).review_events_loaded == 1
    assert ingest_pending(settings).review_events_loaded == 0
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("select event_id, action, period_code, field_names, reason_code, message "
                           "from raw.review_events").fetchall()
    assert rows == [(event.event_id, "request", "2026-W47", "suivis_en_cours", "stock_incoherent",
                     "Le stock baisse de 40 sans suivis clos")]
