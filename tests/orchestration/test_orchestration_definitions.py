"""The Definitions load and show the lineage from the landing zone to the documents."""

from __future__ import annotations

import json

import pytest
from dagster import AssetKey, Definitions

from landing_scenario import FROZEN_NOW
from data_contracts.settings import Settings
from orchestration.defs.definitions import build_definitions
from orchestration.defs.jobs import LANDING_JOB_NAME, REBUILD_JOB_NAME


@pytest.fixture(scope="module")
def defs(manifest_project, tmp_path_factory) -> Definitions:
    settings = Settings(home=tmp_path_factory.mktemp("defs") / "cipd_home", now=FROZEN_NOW)
    return build_definitions(settings, manifest_project)


def test_definitions_load(defs):
    Definitions.validate_loadable(defs)
    assert {s.name for s in defs.sensors} == {"landing_sensor", "freshness_sensor"}
    assert {s.name for s in defs.schedules} == {
        "reminder_list_schedule", "weekly_synthesis_schedule", "monthly_report_schedule",
        "nightly_backup_schedule", "audit_seal_schedule", "weekly_deadline_build_schedule",
        "monthly_deadline_build_schedule"}


def test_lineage_runs_from_the_landing_zone_to_the_documents(defs):
    graph = defs.resolve_asset_graph()
    upstream = graph.get(AssetKey("weekly_synthesis")).parent_keys
    assert upstream == {AssetKey("serving_marts")}
    chain = [AssetKey("landing_zone"), AssetKey(["raw", "weekly_reports"]),
             AssetKey(["staging", "stg_weekly_reports"])]
    for parent, child in zip(chain, chain[1:]):
        assert parent in graph.get(child).parent_keys
    assert AssetKey(["marts", "fct_national_weekly"]) in graph.get(AssetKey("serving_marts")).parent_keys


def test_dbt_tests_are_asset_checks(defs, manifest_project):
    manifest = json.loads(manifest_project.manifest_path.read_text(encoding="utf-8"))
    model_tests = {node["name"] for node in manifest["nodes"].values()
                   if node["resource_type"] == "test" and node.get("attached_node", "").startswith("model.")}
    checks = {key.name for key in defs.resolve_asset_graph().asset_check_keys}
    assert model_tests and model_tests <= checks
    assert "marts_reflect_landed_submissions" in checks


def test_the_landing_job_writes_what_uploads_change_and_one_writer_at_a_time(defs):
    landing = defs.resolve_job_def(LANDING_JOB_NAME)
    keys = {key.to_user_string() for key in landing.asset_layer.selected_asset_keys}
    assert {"raw/weekly_reports", "marts/fct_weekly_reports", "serving_marts"} <= keys
    assert not {"reference/ref_departements", "weekly_synthesis"} & keys
    assert {"marts/dim_week", "intermediate/int_weekly_deadlines"} <= keys  # the clock's models
    rebuild = defs.resolve_job_def(REBUILD_JOB_NAME)
    assert {"reference/ref_departements", "marts/dim_week"} <= {
        key.to_user_string() for key in rebuild.asset_layer.selected_asset_keys}
    for job in (landing, rebuild):
        assert job.tags["cipd/warehouse"] == "write"


def test_warehouse_writers_share_one_pool(defs):
    graph = defs.resolve_asset_graph()
    for key in (AssetKey(["raw", "weekly_reports"]), AssetKey(["marts", "fct_weekly_reports"]),
                AssetKey("serving_marts")):
        assert graph.get(key).pools == {"warehouse"}
