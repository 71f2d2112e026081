"""One dbt manifest and one landed-and-built hub for the orchestration tests.

A dbt parse and a full build cost seconds each: both happen once per session, through the real
path (submit → landing sensor → the sensor's job in-process → serving.duckdb), and the tests
then assert many things on the result. Nothing here touches the process environment: the
settings and the Dagster resource are passed explicitly.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, replace

import duckdb
import pytest
from dagster import DagsterInstance, Definitions, build_sensor_context
from dagster_dbt import DbtProject

from data_contracts.settings import Settings
from landing_scenario import FROZEN_NOW, Scenario, hub_for, land_scenario
from orchestration.warehouse.build import BuildError
from orchestration.defs.definitions import build_definitions
from orchestration.defs.jobs import LANDING_JOB_NAME
from orchestration.defs.resources import dbt_project
from orchestration.defs.sensors import landing_sensor

@pytest.fixture(scope="session")
def manifest_project(tmp_path_factory) -> DbtProject:
    """``dbt parse`` once; a broken dbt project fails here loudly, with dbt's message."""
    settings = Settings(home=tmp_path_factory.mktemp("manifest") / "cipd_home", now=FROZEN_NOW)
    try:
        return dbt_project(settings)
    except BuildError as error:
        pytest.fail(f"dbt parse failed: {error}")


@dataclass
class BuiltHub:
    settings: Settings
    defs: Definitions
    scenario: Scenario
    run_keys: list[str]

    def run_landing_job(self, tags: dict[str, str]):
        job = self.defs.resolve_job_def(LANDING_JOB_NAME)
        with DagsterInstance.ephemeral() as instance:
            return job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)

    def rows(self, sql: str, **params) -> list[dict]:
        with duckdb.connect(str(self.settings.serving_path), read_only=True) as connection:
            cursor = connection.execute(sql, params)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, values)) for values in cursor.fetchall()]


@pytest.fixture(scope="session")
def built_hub(tmp_path_factory, manifest_project) -> BuiltHub:
    """The scenario landed, then the landing sensor's first run request executed in-process
    (on an empty warehouse it builds everything and publishes)."""
    settings = Settings(home=tmp_path_factory.mktemp("hub") / "cipd_home", now=FROZEN_NOW)
    scenario = land_scenario(settings)
    hub = hub_for(settings)
    defs = build_definitions(settings, manifest_project, hub=hub)
    result = landing_sensor(build_sensor_context(resources={"hub": hub}))
    requests = result.run_requests
    built = BuiltHub(settings, defs, scenario, [request.run_key for request in requests])
    outcome = built.run_landing_job(requests[0].tags)
    if not outcome.success:
        failures = [event.event_specific_data.error.to_string()
                    for event in outcome.all_events if event.event_type_value == "STEP_FAILURE"]
        pytest.fail("the landing job failed:\n" + "\n".join(failures))
    return built


@pytest.fixture
def hub_copy(built_hub, manifest_project, tmp_path) -> BuiltHub:
    """A private copy of the built hub, for tests that land more uploads (the session hub stays
    as the scenario left it)."""
    settings = Settings(home=tmp_path / "cipd_home", now=FROZEN_NOW)
    shutil.copytree(built_hub.settings.root, settings.root,
                    ignore=shutil.ignore_patterns("*.lock", "dagster"))
    defs = build_definitions(settings, manifest_project, hub=hub_for(settings))
    return replace(built_hub, settings=settings, defs=defs)
