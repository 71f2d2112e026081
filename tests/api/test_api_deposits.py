"""Deposits over HTTP get the submit path's own answers: receipt, errors, duplicate, dry run,
and a retry with the same Idempotency-Key never deposits twice."""

from __future__ import annotations

import json

from ingestion_helpers import to_csv, to_json, weekly
from live_api import LiveApi

from cli.main import main as cipd
from ingestion.landing import list_landed, list_quarantined

GOOD = to_csv([weekly(semaine="2026-W48")])
NEGATIVE = to_csv([weekly(semaine="2026-W48", signalements_cnapr="-4", dont_mineurs="x")])


def _post(http, content=GOOD, name="rapport.csv", **params):
    return http.post("/v1/depots/weekly", params=params,
                     files={"fichier": (name, content, "text/csv")})


def test_deposit_answers_201_and_the_receipt_when_accepted(api, client):
    response = _post(client)

    assert response.status_code == 201
    receipt = response.json()
    assert receipt["status"] == "accepted" and receipt["rows"] == 1
    assert receipt["periods"] == ["2026-W48"] and receipt["filename"] == "rapport.csv"
    assert response.headers["location"] == f"/v1/depots/{receipt['submission_id']}"
    (landed,) = list_landed(api.settings)
    assert landed.submission_id == receipt["submission_id"]
    assert landed.receipt().actor == "tableur-13"


def test_deposit_takes_a_json_body_when_sent_without_multipart(api, client):
    response = client.post("/v1/depots/weekly", content=to_json([weekly(semaine="2026-W48")]),
                           headers={"Content-Type": "application/json"})

    assert response.status_code == 201
    assert response.json()["filename"] == "depot.json"


def test_deposit_errors_equal_the_cli_errors_when_rejected(api, client, tmp_path, capsys):
    path = tmp_path / "rapport.csv"
    path.write_bytes(NEGATIVE)
    assert cipd(["submit", "weekly", str(path), "--departement", "13", "--json", "--dry-run"]) == 1
    from_cli = json.loads(capsys.readouterr().out)

    response = _post(client, NEGATIVE)

    assert response.status_code == 422
    assert response.json()["status"] == "rejected"
    assert response.json()["errors"] == from_cli["errors"] != []
    assert [kept.submission_id for kept in list_quarantined(api.settings)] == [response.json()["submission_id"]]


def test_deposit_answers_200_with_duplicate_of_when_the_same_file_comes_again(client):
    first = _post(client).json()

    again = _post(client, name="encore.csv")

    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert again.json()["duplicate_of"] == first["submission_id"]


def test_dry_run_keeps_nothing_when_accepted_or_rejected(api, client):
    accepted = _post(client, dry_run="true")
    rejected = _post(client, NEGATIVE, dry_run="true")

    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    assert (rejected.status_code, rejected.json()["status"]) == (422, "rejected")
    assert accepted.json()["dry_run"] is True
    assert list_landed(api.settings) == [] and list_quarantined(api.settings) == []


def test_retry_with_the_same_idempotency_key_returns_the_first_answer(api, client):
    headers = {"Idempotency-Key": "9f1c1e0a-envoi-jeudi"}
    first = client.post("/v1/depots/weekly", headers=headers, files={"fichier": ("r.csv", GOOD)})

    retry = client.post("/v1/depots/weekly", headers=headers, files={"fichier": ("r.csv", GOOD)})

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"
    assert len(list_landed(api.settings)) == 1


def test_idempotency_key_replays_the_first_answer_after_a_restart(api, client):
    headers = {"Idempotency-Key": "cle-avant-redemarrage"}
    first = client.post("/v1/depots/weekly", headers=headers, files={"fichier": ("r.csv", GOOD)})
    api.stop()
    restarted = LiveApi(api.settings).start()
    try:
        with restarted.client(client.headers["authorization"].split()[1]) as again:
            retry = again.post("/v1/depots/weekly", headers=headers, files={"fichier": ("r.csv", GOOD)})
    finally:
        restarted.stop()

    assert (retry.status_code, retry.json()) == (201, first.json())
    assert len(list_landed(api.settings)) == 1


def test_idempotency_key_reused_for_another_file_is_refused_with_409(client):
    headers = {"Idempotency-Key": "cle-unique"}
    client.post("/v1/depots/weekly", headers=headers, files={"fichier": ("r.csv", GOOD)})

    other = client.post("/v1/depots/weekly", headers=headers, files={"fichier": ("r.csv", NEGATIVE)})

    assert other.status_code == 409
    assert "déjà servi" in other.json()["detail"]


def test_deposit_answers_415_in_french_when_the_content_type_is_unknown(client):
    response = client.post("/v1/depots/weekly", content=b"x", headers={"Content-Type": "text/plain"})

    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]
