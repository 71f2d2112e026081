"""The sensor's job, in-process on a temporary CIPD_HOME: uploads end up in the published marts."""

from __future__ import annotations

from dagster import build_sensor_context

from landing_scenario import (
    CORRECTED,
    DEPARTEMENTS,
    NIL,
    NOT_SENT,
    WEEKS,
    hub_for,
    send_weekly,
    weekly_figures,
)
from orchestration.warehouse.freshness import measure_freshness
from orchestration.warehouse.publication import published_submission_ids
from orchestration.defs.sensors import landing_sensor


def test_every_landed_submission_is_published(built_hub):
    assert published_submission_ids(built_hub.settings) == built_hub.scenario.submission_ids


def test_the_sensor_asked_one_run_per_landed_submission(built_hub):
    assert sorted(built_hub.run_keys) == sorted(built_hub.scenario.submission_ids)


def test_the_marts_hold_the_uploaded_figures_latest_version_first(built_hub):
    rows = built_hub.rows(
        "select departement_code, week_code, status, signalements_locaux, orientations_judiciaires, "
        "suivis_en_cours, version_count from marts.fct_weekly_reports "
        "where departement_code in (select unnest($codes::varchar[])) and week_code >= $first",
        codes=list(DEPARTEMENTS), first=WEEKS[0])
    by_key = {(r["departement_code"], r["week_code"]): r for r in rows}
    assert len(by_key) == len(DEPARTEMENTS) * len(WEEKS)
    for (departement, week), row in by_key.items():
        if (departement, week) in NOT_SENT:
            assert row["status"] == "missing" and row["suivis_en_cours"] is None
            continue
        version = 2 if (departement, week) == CORRECTED else 1
        expected = weekly_figures(departement, week, version)
        assert row["signalements_locaux"] == expected["signalements_locaux"]
        assert row["orientations_judiciaires"] == expected["orientations_judiciaires"]
        assert row["suivis_en_cours"] == expected["suivis_en_cours"]
        assert row["version_count"] == version
        assert (row["status"] == "nil") == ((departement, week) in NIL)


def test_after_the_run_the_marts_are_fresh(built_hub):
    freshness = measure_freshness(built_hub.settings)
    assert freshness.pending == 0 and freshness.is_fresh


def test_uploads_already_published_start_no_run(built_hub):
    result = landing_sensor(build_sensor_context(resources={"hub": hub_for(built_hub.settings)}))
    assert result.run_requests == []
    assert "déjà publié" in result.skip_reason.skip_message


def test_a_new_upload_runs_the_landing_job_and_is_published(hub_copy):
    built_hub = hub_copy
    receipt = send_weekly(built_hub.settings, "13", "2026-W48", at=built_hub.settings.now)
    assert receipt.status == "accepted"
    pending = measure_freshness(built_hub.settings)
    assert pending.pending == 1 and pending.oldest_pending_id == receipt.submission_id

    result = built_hub.run_landing_job({"cipd/submission_id": receipt.submission_id})
    assert result.success
    assert receipt.submission_id in published_submission_ids(built_hub.settings)
    (row,) = built_hub.rows("select status, suivis_en_cours from marts.fct_weekly_reports "
                            "where departement_code = '13' and week_code = '2026-W48'")
    assert row == {"status": "on_time", "suivis_en_cours": weekly_figures("13", "2026-W48")["suivis_en_cours"]}
    # Only the models an upload can change were rebuilt (not the seeds and calendars).
    built = {event.asset_key.to_user_string() for event in result.get_asset_materialization_events()}
    assert "marts/fct_weekly_reports" in built and "serving_marts" in built
    assert not {"reference/ref_departements"} & built

    # The same upload again (a replayed request) builds and publishes nothing.
    published_before = built_hub.settings.serving_path.stat().st_mtime_ns
    replay = built_hub.run_landing_job({"cipd/submission_id": receipt.submission_id})
    assert replay.success
    assert built_hub.settings.serving_path.stat().st_mtime_ns == published_before


def test_an_upload_waiting_longer_than_the_setting_fails_the_freshness_check(hub_copy):
    import os
    import time

    from orchestration.defs.assets.serving import FRESHNESS_CHECK
    from orchestration.defs.sensors import freshness_sensor

    receipt = send_weekly(hub_copy.settings, "13", "2026-W48", at=hub_copy.settings.now)
    receipt_path = next(hub_copy.settings.landing_dir.glob(f"receipts/*/*/{receipt.submission_id}.json"))
    hub = hub_for(hub_copy.settings)

    fresh = freshness_sensor(build_sensor_context(resources={"hub": hub}))
    (evaluation,) = fresh.asset_events
    assert evaluation.check_name == FRESHNESS_CHECK and evaluation.passed  # waiting, within the limit

    landed_long_ago = time.time() - (hub_copy.settings.freshness_minutes + 1) * 60
    os.utime(receipt_path, (landed_long_ago, landed_long_ago))
    stale = freshness_sensor(build_sensor_context(cursor=fresh.cursor, resources={"hub": hub}))
    (evaluation,) = stale.asset_events
    assert not evaluation.passed
    assert evaluation.metadata["pending_submissions"].value == 1
    assert receipt.submission_id in evaluation.description
