"""Who may call: a valid token of the département, and only for it; every call audited."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ingestion_helpers import to_csv, weekly

from accounts.api_tokens import create_token
from cli.main import main as cipd
from storage.audit import read_events

GOOD = to_csv([weekly(semaine="2026-W48")])


def _calls(settings):
    return [e for e in read_events(settings)[0] if e["action"] == "api_call"]


def test_call_without_token_is_refused_with_401(api):
    with api.client() as http:
        response = http.post("/v1/depots/weekly", files={"fichier": ("r.csv", GOOD)})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_call_with_a_wrong_secret_is_refused_with_401(api):
    token_id = api.token("13").split("_")[1]
    with api.client(f"cipd_{token_id}_{'x' * 43}") as http:
        assert http.get("/v1/echeances").status_code == 401


def test_deposit_for_another_departement_is_refused_with_403_and_audited(api):
    with api.client(api.token("69", "logiciel-69")) as http:
        response = http.post("/v1/depots/weekly", params={"departement": "13"},
                             files={"fichier": ("r.csv", GOOD)})

    assert response.status_code == 403
    assert "département 69" in response.json()["detail"]
    (call,) = _calls(api.settings)
    assert (call["actor"], call["outcome"]) == ("logiciel-69", "forbidden")
    assert call["detail"]["refused_departement"] == "13"


def test_reading_another_departements_receipt_is_refused_with_403(api, client):
    submission_id = client.post("/v1/depots/weekly", files={"fichier": ("r.csv", GOOD)}).json()["submission_id"]

    with api.client(api.token("69")) as other:
        response = other.get(f"/v1/depots/{submission_id}")

    assert response.status_code == 403


def test_revoked_token_is_refused_at_the_next_call(api, capsys):
    token = api.token("13")
    with api.client(token) as http:
        assert http.get("/v1/echeances").status_code == 200
        assert cipd(["tokens", "revoke", token.split("_")[1]]) == 0

        assert http.get("/v1/echeances").status_code == 401
    assert "révoqué" in capsys.readouterr().out


def test_expired_token_is_refused(api):
    secret, _ = create_token(api.settings, "13", now=datetime.now(timezone.utc) - timedelta(days=2), days=1)
    with api.client(secret) as http:
        assert http.get("/v1/echeances").status_code == 401


def test_every_call_is_audited_with_the_tokens_label_as_actor(api, client):
    client.post("/v1/depots/weekly", files={"fichier": ("r.csv", GOOD)})
    client.get("/v1/echeances")

    calls = _calls(api.settings)
    assert [(c["actor"], c["detail"]["method"], c["detail"]["status"]) for c in calls] == [
        ("tableur-13", "POST", 201), ("tableur-13", "GET", 200)]
    (deposit,) = [e for e in read_events(api.settings)[0] if e["action"] == "submit"]
    assert deposit["actor"] == "tableur-13"
    assert calls[0]["submission_id"] == deposit["submission_id"]


def test_token_is_shown_once_and_stored_hashed(api, capsys):
    assert cipd(["tokens", "create", "--departement", "69", "--label", "macro-excel"]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]

    stored = (api.settings.root / "api_tokens.json").read_text(encoding="utf-8")
    assert secret.startswith("cipd_") and secret.split("_", 2)[2] not in stored
    assert cipd(["tokens", "list", "--departement", "69"]) == 0
    listed = capsys.readouterr().out
    assert "macro-excel" in listed and secret not in listed


def test_token_creation_and_revocation_are_audited_without_the_secret(api):
    secret = api.token("13", "macro-13")
    token_id = secret.split("_")[1]
    assert cipd(["tokens", "revoke", token_id]) == 0

    events = [e for e in read_events(api.settings)[0] if e["action"].startswith("api_token_")]
    assert [(e["action"], e["detail"]["token_id"]) for e in events] == [
        ("api_token_create", token_id), ("api_token_revoke", token_id)]
    assert secret.split("_", 2)[2] not in str(events)


def test_unexpected_server_error_is_answered_500_and_still_audited(api, client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disque introuvable")

    monkeypatch.setattr("api.deposits.submit", broken)
    response = client.post("/v1/depots/weekly", files={"fichier": ("r.csv", GOOD)})

    assert response.status_code == 500
    (call,) = _calls(api.settings)
    assert (call["actor"], call["outcome"], call["detail"]["status"]) == ("tableur-13", "error", 500)
