"""Dagster definitions of the hub: ``dagster dev -m orchestration.defs.definitions`` (``make orchestrate``).

Thin on purpose: assets, checks, jobs, sensors and schedules live in their own modules; this
file only wires them to one dbt manifest and one settings resource. Loading is lazy (the
``@definitions`` function), so importing this module parses nothing.
"""

from __future__ import annotations

import json
from functools import lru_cache

from dagster import Definitions, definitions, in_process_executor
from dagster_dbt import DbtProject

from data_contracts.settings import Settings, get_settings
from orchestration.defs.assets.documents import DOCUMENT_ASSETS
from orchestration.defs.assets.ingestion import LANDING_ZONE, build_ingestion_asset
from orchestration.defs.assets.serving import build_serving_asset, marts_reflect_landed_submissions
from orchestration.defs.assets.warehouse import TRANSLATOR, build_dbt_assets
from orchestration.defs.jobs import build_jobs
from orchestration.defs.resources import HubResource, dbt_project
from orchestration.defs.schedules import build_schedules
from orchestration.defs.sensors import freshness_sensor, landing_sensor


def build_definitions(settings: Settings | None = None, project: DbtProject | None = None,
                      hub: HubResource | None = None) -> Definitions:
    """``settings`` fixes the manifest's place and the monthly schedule; ``hub`` (default: the
    environment at run time) is what the runs, sensors and checks read."""
    settings = settings or get_settings()
    project = project or dbt_project(settings)
    manifest = json.loads(project.manifest_path.read_text(encoding="utf-8"))
    warehouse = build_dbt_assets(project, manifest)
    raw_keys = sorted({TRANSLATOR.get_asset_key(source) for source in manifest["sources"].values()},
                      key=lambda key: key.path)
    ingestion = build_ingestion_asset(raw_keys)
    serving = build_serving_asset([key for key in warehouse.keys if key.path[0] == "marts"])
    return Definitions(
        assets=[LANDING_ZONE, ingestion, warehouse, serving, *DOCUMENT_ASSETS],
        asset_checks=[marts_reflect_landed_submissions],
        jobs=build_jobs(ingestion, warehouse, serving),
        schedules=build_schedules(settings),
        sensors=[landing_sensor, freshness_sensor],
        resources={"hub": hub or HubResource()},
        # One process per run, steps in sequence: the run is a short chain of writers, and a
        # process per step would add seconds of start-up to every upload.
        executor=in_process_executor,
    )


@lru_cache(maxsize=4)
def _definitions_for(settings: Settings) -> Definitions:
    return build_definitions(settings)


@definitions
def defs() -> Definitions:
    """Built once per process and environment: a run forked from the warm run host
    (``orchestration.instance.run_host``) finds them ready instead of rebuilding them."""
    return _definitions_for(get_settings())
