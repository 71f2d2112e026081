"""An API deposit lands like any other: the Dagster landing sensor asks a run for it (keyed by
its submission id), and the loader loads it into the raw tables."""

from __future__ import annotations

from dagster import build_sensor_context
from ingestion_helpers import raw_counts, to_csv, weekly

from ingestion.loader import ingest_pending
from orchestration.defs.resources import HubResource
from orchestration.defs.sensors import landing_sensor


def test_landing_sensor_and_loader_take_an_api_deposit_like_any_other(api, client):
    deposited = client.post("/v1/depots/weekly",
                            files={"fichier": ("r.csv", to_csv([weekly(semaine="2026-W48")]))}).json()

    context = build_sensor_context(resources={"hub": HubResource(home=str(api.settings.root))})
    (request,) = landing_sensor(context).run_requests
    loaded = ingest_pending(api.settings)

    assert request.run_key == deposited["submission_id"]
    assert loaded.loaded == [deposited["submission_id"]]
    assert raw_counts(api.settings)["weekly_reports"] == 1
