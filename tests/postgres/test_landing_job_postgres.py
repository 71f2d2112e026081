"""The landing job through Dagster with everything on PostgreSQL: Dagster's instance on
dagster-postgres, the loader, dbt and the publish swap on the hub's database; the uploads end
up in the published ``marts`` the reader role reads."""

from __future__ import annotations

from dagster import DagsterInstance, build_sensor_context
from landing_scenario import hub_for, land_scenario

from data_contracts.settings import get_settings
from orchestration.defs.definitions import build_definitions
from orchestration.defs.jobs import LANDING_JOB_NAME
from orchestration.defs.resources import dbt_project
from orchestration.defs.sensors import landing_sensor
from orchestration.instance.dagster_home import prepare_dagster_home
from orchestration.warehouse.freshness import measure_freshness
from orchestration.warehouse.publication import published_submission_ids


def test_landing_job_on_postgres_storage_publishes_every_landed_upload(pg_home):
    settings = get_settings()
    scenario = land_scenario(settings)
    hub = hub_for(settings)
    defs = build_definitions(settings, dbt_project(settings), hub=hub)
    request = landing_sensor(build_sensor_context(resources={"hub": hub})).run_requests[0]
    with DagsterInstance.from_config(str(prepare_dagster_home(settings))) as instance:
        result = defs.resolve_job_def(LANDING_JOB_NAME).execute_in_process(
            instance=instance, tags=request.tags, raise_on_error=False)
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    failures = [event.event_specific_data.error.to_string()
                for event in result.all_events if event.event_type_value == "STEP_FAILURE"]
    assert result.success, failures
    assert published_submission_ids(settings) == scenario.submission_ids
    assert measure_freshness(settings).is_fresh
