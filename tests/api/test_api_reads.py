"""What a préfecture's system reads: its receipts, deadlines, contracts and templates."""

from __future__ import annotations

import io
import re

import duckdb
import openpyxl
from ingestion_helpers import to_csv, weekly

from data_contracts.templates import json_schema

GOOD = to_csv([weekly(semaine="2026-W48")])


def _deposit(http, content=GOOD):
    return http.post("/v1/depots/weekly", files={"fichier": ("r.csv", content)}).json()


def _publish_fake(settings, submission_ids, published_at="2026-11-26 09:05:00"):
    """A serving file with the two things the API reads of a publication (the real one is
    made by orchestration.warehouse.publish: fct_submissions rows and the meta_build row)."""
    with duckdb.connect(str(settings.serving_path)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_submissions (submission_id varchar)")
        connection.executemany("insert into marts.fct_submissions values (?)", [[s] for s in submission_ids])
        connection.execute(f"create table marts.meta_build as select timestamp '{published_at}' as published_at")


def test_receipt_reads_back_unpublished_until_the_marts_hold_it(api, client):
    deposited = _deposit(client)

    before = client.get(f"/v1/depots/{deposited['submission_id']}").json()
    _publish_fake(api.settings, [deposited["submission_id"]])
    after = client.get(f"/v1/depots/{deposited['submission_id']}").json()

    assert before["published_at"] is None
    assert {k: v for k, v in before.items() if k != "published_at"} == deposited
    assert after["published_at"] == "2026-11-26T09:05:00.000000Z"


def test_unknown_receipt_is_a_404_in_french(client):
    response = client.get("/v1/depots/../../api_tokens")

    assert response.status_code == 404


def test_receipt_listing_holds_the_departements_own_receipts_of_the_period(api, client):
    mine = _deposit(client)
    with api.client(api.token("69")) as other:
        other.post("/v1/depots/weekly", files={"fichier": ("r.csv", to_csv([weekly(departement="69", semaine="2026-W48")]))})

    listed = client.get("/v1/depots", params={"periode": "2026-W48"}).json()
    other_week = client.get("/v1/depots", params={"periode": "2026-W47"}).json()

    assert [d["submission_id"] for d in listed["depots"]] == [mine["submission_id"]]
    assert other_week["depots"] == []


def test_receipt_listing_refuses_a_malformed_period_in_french(client):
    response = client.get("/v1/depots", params={"periode": "semaine 48"})

    assert response.status_code == 422
    assert "2026-W48" in response.json()["detail"]


def test_deadlines_list_this_weeks_report_as_awaited_until_it_is_received(client):
    def this_week(answer):
        (row,) = [r for r in answer["echeances"] if r["periode"] == "2026-W48"]
        return row

    before = client.get("/v1/echeances").json()
    deposited = _deposit(client)
    after = client.get("/v1/echeances").json()

    assert this_week(before)["echeance_paris"] == "26/11/2026 12:00 (heure de Paris)"
    assert this_week(before)["recu"] is False and this_week(before)["en_retard"] is False
    assert "2026-W48" in [r["periode"] for r in before["en_attente"]]
    assert this_week(after)["submission_id"] == deposited["submission_id"]
    assert "2026-W48" not in [r["periode"] for r in after["en_attente"]]


def test_deadlines_apply_the_holiday_policy_of_the_departement(start_api, monkeypatch):
    # Thursday 14 May 2026 is Ascension: the W20 report is due the Wednesday before.
    api = start_api(CIPD_NOW="2026-05-12T08:00:00+00:00")
    with api.client(api.token("13")) as http:
        rows = http.get("/v1/echeances").json()["echeances"]

    (w20,) = [r for r in rows if r["periode"] == "2026-W20"]
    assert w20["echeance_paris"] == "13/05/2026 12:00 (heure de Paris)"


def test_contract_endpoint_serves_the_contracts_json_schema(client):
    response = client.get("/v1/contrats/weekly")

    assert response.status_code == 200
    assert response.json() == json_schema("weekly")


def test_template_endpoint_serves_the_pages_xlsx_template(client):
    response = client.get("/v1/modeles/weekly.xlsx")

    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["departement", "semaine"]


def test_template_endpoint_refuses_an_unknown_format_with_404(client):
    assert client.get("/v1/modeles/weekly.pdf").status_code == 404


def test_corrections_endpoint_answers_an_empty_list_before_anything_is_published(client):
    assert client.get("/v1/corrections").json() == {"departement": "13", "corrections": []}


def _publish_review_requests(settings, rows: list[tuple]) -> None:
    """A published copy holding only ``marts.fct_review_requests`` (the columns the API reads)."""
    import duckdb

    with duckdb.connect(str(settings.serving_path)) as connection:
        connection.execute("create schema marts")
        connection.execute(
            "create table marts.fct_review_requests (request_id varchar, report_kind varchar, "
            "departement_code varchar, period_code varchar, field_names varchar, reason_code varchar, "
            "message varchar, requested_at timestamp, age_days integer, is_open boolean)")
        connection.executemany("insert into marts.fct_review_requests values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def test_corrections_endpoint_lists_only_the_open_requests_of_the_tokens_departement(api, cipd_home):
    from datetime import datetime

    _publish_review_requests(api.settings, [
        ("r1", "weekly", "13", "2026-W47", "suivis_en_cours,suivis_clos", "stock_incoherent",
         "Stock à revoir", datetime(2026, 11, 20, 10), 6, True),
        ("r2", "weekly", "13", "2026-W46", "suivis_en_cours", "outlier", None, datetime(2026, 11, 13, 10), 13, False),
        ("r3", "weekly", "69", "2026-W47", "suivis_en_cours", "outlier", None, datetime(2026, 11, 20, 10), 6, True),
    ])
    with api.client(api.token("13", "tableur-13")) as http:
        answer = http.get("/v1/corrections").json()

    assert [c["request_id"] for c in answer["corrections"]] == ["r1"]
    assert answer["corrections"][0]["fields"] == ["suivis_en_cours", "suivis_clos"]
    assert answer["corrections"][0]["reason_code"] == "stock_incoherent"
    assert answer["corrections"][0]["requested_at"].startswith("2026-11-20T10:00:00")


def test_openapi_document_describes_the_routes_in_french(api):
    with api.client() as http:
        document = http.get("/openapi.json").json()
        assert http.get("/docs").status_code == 200

    assert document["paths"]["/v1/depots/{kind}"]["post"]["summary"] == "Déposer un rapport"
    assert "multipart/form-data" in document["paths"]["/v1/depots/{kind}"]["post"]["requestBody"]["content"]


def test_docs_page_loads_swagger_ui_from_the_server_itself(api):
    with api.client() as http:
        page = http.get("/docs").text
        script = re.search(r'src="([^"]*swagger-ui-bundle\.js)"', page).group(1)

        assert script.startswith("/")  # no CDN: served by the API
        assert http.get(script).status_code == 200
