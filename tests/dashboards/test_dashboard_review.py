"""The steering loop on the pages (issue 17): the Qualité page records a correction request
through the one review path; the département then sees a banner on every page and the request
on its upload page."""

from __future__ import annotations

import json

import pytest
from dashboard_app import FROZEN_NOW, sign_in_and_run
from page_text import texts
from published import rebuilt_copy

from data_contracts.settings import Settings, get_settings
from ingestion.review import record_review, reviews_dir
from storage.audit import read_events


def _by_label(widgets, start: str):
    return next(w for w in widgets if w.label.startswith(start))


@pytest.fixture(scope="module")
def requested_home_dir(serving_home, tmp_path_factory):
    """A copy of the session's home where SG-CIPD asked département 69 to correct its W47
    report, loaded, built and published."""
    from ingestion.loader import ingest_pending

    def request_correction(settings: Settings) -> None:
        record_review(settings, action="request", report_kind="weekly", departement="69",
                      period_code="2026-W47", actor="cli:analyst@host", fields=["suivis_en_cours"],
                      reason_code="stock_incoherent")
        assert ingest_pending(settings).review_events_loaded == 1

    return rebuilt_copy(serving_home.home, tmp_path_factory.mktemp("review") / "cipd_home",
                        FROZEN_NOW, request_correction)


@pytest.fixture
def requested_home(requested_home_dir, monkeypatch):
    """The process environment (read by AppTest's pages) on that copy."""
    monkeypatch.setenv("CIPD_HOME", str(requested_home_dir))
    return requested_home_dir


def test_qualite_form_records_request_with_signed_in_actor(serving_home):
    at = sign_in_and_run("national", "qualite")
    _by_label(at.text_input, "Département").set_value("69")
    _by_label(at.text_input, "Période").set_value("2026-W47")
    _by_label(at.multiselect, "Champs").set_value(["suivis_en_cours"])
    _by_label(at.selectbox, "Motif").set_value("stock_incoherent")
    _by_label(at.button, "Demander la correction").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("enregistrée pour 69 2026-W47" in text for text in texts(at.success))
    records = list(reviews_dir(get_settings()).glob("*.json"))
    try:
        (record,) = [json.loads(p.read_text("utf-8")) for p in records]
        assert record["actor"] == "web:demo-national" and record["reason_code"] == "stock_incoherent"
        assert any(e["action"] == "review_request" and e["actor"] == "web:demo-national"
                   for e in read_events(get_settings())[0])
    finally:
        for path in records:  # the session's home is shared with the other page tests
            path.unlink()


def test_departement_sees_banner_with_open_request_count(requested_home):
    at = sign_in_and_run("departement:69")
    assert any("1 demande de correction ouverte" in text for text in texts(at.warning))


def test_upload_page_lists_open_request_next_to_report(requested_home):
    at = sign_in_and_run("departement:69", "deposer")
    assert "Demandes de correction ouvertes" in texts(at.subheader)
    (table,) = [d.value for d in at.dataframe if "field_names" in d.value.columns]
    assert table["period_code"].to_list() == ["2026-W47"]
    assert table["field_names"].to_list() == ["suivis_en_cours"]


def test_other_departement_never_sees_the_request(requested_home):
    from accounts.roles import Role
    from dashboards import queries

    assert queries.review_requests(Role.parse("departement:13"), open_only=False).is_empty()
    assert queries.review_requests(Role.parse("departement:69"))["departement_code"].to_list() == ["69"]


def test_qualite_counts_open_requests_in_its_indicators(requested_home):
    at = sign_in_and_run("national", "qualite")
    metrics = {metric.label: str(metric.value) for metric in at.metric}
    assert metrics["Demandes ouvertes"] == "1"
    assert metrics["Délai médian de correction (jours)"] == "—"


def test_upload_page_confirms_figure_with_reason(requested_home):
    at = sign_in_and_run("departement:69", "deposer")
    _by_label(at.text_input, "Raison").set_value("Le stock inclut les suivis transférés du Rhône")
    _by_label(at.button, "Confirmer le chiffre").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert any("Confirmation enregistrée pour 2026-W47" in text for text in texts(at.success))
    settings = Settings(home=requested_home, now=FROZEN_NOW)
    confirmations = [path for path in reviews_dir(settings).glob("*.json")
                     if json.loads(path.read_text("utf-8"))["action"] == "confirm"]
    try:
        (path,) = confirmations
        record = json.loads(path.read_text("utf-8"))
        assert record["actor"] == "web:demo-departement" and record["period_code"] == "2026-W47"
    finally:
        for path in confirmations:  # the module's home is shared with the other tests
            path.unlink()
