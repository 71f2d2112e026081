"""An API deposit lands like any other: the landing sensor sees it, the loader loads it."""

from __future__ import annotations

from ingestion_helpers import raw_counts, to_csv, weekly

from ingestion.loader import ingest_pending
from orchestration.defs.sensors import new_submissions


def test_landing_sensor_and_loader_take_an_api_deposit_like_any_other(api, client):
    deposited = client.post("/v1/depots/weekly",
                            files={"fichier": ("r.csv", to_csv([weekly(semaine="2026-W48")]))}).json()

    seen, _cursor = new_submissions(api.settings.landing_dir, None)
    loaded = ingest_pending(api.settings)

    assert [s.submission_id for s in seen] == [deposited["submission_id"]]
    assert loaded.loaded == [deposited["submission_id"]]
    assert raw_counts(api.settings)["weekly_reports"] == 1
