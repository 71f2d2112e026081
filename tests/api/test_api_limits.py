"""Limits: request size enforced while the body streams (413), calls per token (429)."""

from __future__ import annotations

from ingestion_helpers import to_csv, weekly

from storage.audit import read_events

GOOD = to_csv([weekly(semaine="2026-W48")])


def test_request_over_the_size_limit_is_refused_with_413_before_reading(start_api):
    api = start_api(CIPD_MAX_UPLOAD_BYTES=1000)
    with api.client(api.token("13")) as http:
        response = http.post("/v1/depots/weekly", content=b"x" * 200_000,
                             headers={"Content-Type": "text/csv"})

    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.json()["detail"]
    assert not (api.settings.quarantine_dir / "receipts").exists()


def test_streamed_body_without_length_is_cut_off_at_the_limit_with_413(start_api):
    api = start_api(CIPD_MAX_UPLOAD_BYTES=1000)
    chunks = (b"x" * 16_384 for _ in range(8))  # a generator: sent chunked, no Content-Length
    with api.client(api.token("13")) as http:
        response = http.post("/v1/depots/weekly", content=chunks, headers={"Content-Type": "text/csv"})

    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.json()["detail"]


def test_file_just_over_the_upload_limit_gets_the_numbered_error_of_the_page(start_api):
    api = start_api(CIPD_MAX_UPLOAD_BYTES=1000)
    with api.client(api.token("13")) as http:
        response = http.post("/v1/depots/weekly", files={"fichier": ("r.csv", b"x" * 1500)})

    assert response.status_code == 422
    assert [e["code"] for e in response.json()["errors"]] == ["file_too_large"]


def test_calls_beyond_the_burst_are_refused_with_429_and_retry_after(start_api):
    api = start_api(CIPD_API_BURST=2, CIPD_API_REQUESTS_PER_MINUTE=6)
    with api.client(api.token("13")) as http:
        answers = [http.get("/v1/echeances") for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["retry-after"] == "10"
    assert "réessayez dans 10 s" in answers[2].json()["detail"]
    outcomes = [e["outcome"] for e in read_events(api.settings)[0] if e["action"] == "api_call"]
    assert outcomes == ["ok", "ok", "throttled"]


def test_throttling_of_one_token_leaves_another_token_alone(start_api):
    api = start_api(CIPD_API_BURST=1, CIPD_API_REQUESTS_PER_MINUTE=1)
    with api.client(api.token("13")) as first, api.client(api.token("13")) as second:
        first.get("/v1/echeances")
        assert first.get("/v1/echeances").status_code == 429

        assert second.get("/v1/echeances").status_code == 200


def test_failed_authentications_are_throttled_per_address(start_api):
    api = start_api(CIPD_API_BURST=2, CIPD_API_REQUESTS_PER_MINUTE=6)
    with api.client("cipd_000000000000_" + "y" * 43) as guesser:
        answers = [guesser.get("/v1/echeances").status_code for _ in range(3)]

    assert answers == [401, 401, 429]
