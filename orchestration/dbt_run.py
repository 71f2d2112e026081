"""How a Dagster run drives dbt: what to build, and which Dagster events the outcome gives.

Why not ``DbtCliResource.cli(["build"]).stream()``: it starts ``dbt`` as a subprocess (plus a
``dbt --version`` probe), several seconds of fixed cost on every upload. The sensor's runs call
``orchestration.build.build`` (dbt in-process, under the warehouse lock) and turn its node
outcomes into the same events dagster-dbt would emit: a materialisation per model or seed
built, an asset check result per dbt test, so the lineage and the checks show in the UI.

What to build: a run started by the landing sensor builds only what the unpublished uploads
affect (``source:raw.<table>+`` for their kinds, plus the submissions log); the first build of
a warehouse, or a run launched from the UI, builds what Dagster selected.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from dagster import (
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    Failure,
    MaterializeResult,
)
from dagster_dbt.dagster_dbt_translator import DAGSTER_DBT_UNIQUE_ID_METADATA_KEY

from data_contracts.raw_schema import RAW_TABLES
from data_contracts.settings import Settings
from orchestration.publication import unpublished_submissions

#: Run tag the landing sensor sets; its presence means "build what the new uploads affect".
SUBMISSION_TAG = "cipd/submission_id"
RAW_SOURCE = "raw"
SUBMISSIONS_TABLE = "submissions"
NOTHING_TO_BUILD = ""


def raw_source_tables(manifest: Mapping[str, Any]) -> set[str]:
    return {node["name"] for node in manifest["sources"].values() if node["source_name"] == RAW_SOURCE}


def select_for_kinds(kinds: set[str], manifest: Mapping[str, Any]) -> str:
    """dbt ``--select`` for everything downstream of the raw tables of ``kinds`` (and of the
    submissions log, which every upload adds a row to)."""
    tables = {RAW_TABLES[kind] for kind in kinds} | {SUBMISSIONS_TABLE}
    present = raw_source_tables(manifest)
    return " ".join(f"source:{RAW_SOURCE}.{table}+" for table in sorted(tables & present))


def select_for_sensor_run(settings: Settings, manifest: Mapping[str, Any]) -> str | None:
    """None: build everything (first build); ``NOTHING_TO_BUILD``: the uploads are already
    published (an earlier run took them along)."""
    if not settings.serving_path.exists() or not settings.warehouse_path.exists():
        return None
    kinds = {submission.kind for submission in unpublished_submissions(settings)}
    return select_for_kinds(kinds, manifest) if kinds else NOTHING_TO_BUILD


def select_for_dagster_subset(context: AssetExecutionContext, manifest: Mapping[str, Any]) -> str | None:
    """The dbt nodes behind the assets Dagster selected (None when all are)."""
    if not context.is_subset:
        return None
    unique_ids = unique_ids_by_key(context)
    return " ".join(sorted(manifest["nodes"][unique_ids[key]]["name"]
                           for key in context.selected_asset_keys if key in unique_ids))


def unique_ids_by_key(context: AssetExecutionContext) -> dict[AssetKey, str]:
    assets_def = context.assets_def
    return {key: assets_def.get_asset_spec(key).metadata[DAGSTER_DBT_UNIQUE_ID_METADATA_KEY]
            for key in assets_def.keys}


def check_keys_by_unique_id(context: AssetExecutionContext) -> dict[str, AssetCheckKey]:
    return {spec.metadata[DAGSTER_DBT_UNIQUE_ID_METADATA_KEY]: spec.key
            for spec in context.assets_def.check_specs
            if spec.metadata and DAGSTER_DBT_UNIQUE_ID_METADATA_KEY in spec.metadata}


def events_from_outcomes(context: AssetExecutionContext, outcomes) -> Iterator[MaterializeResult | AssetCheckResult]:
    """One materialisation per model/seed built and one check result per dbt test, limited to
    what this run selected (Dagster refuses events for unselected assets or checks)."""
    keys = {unique_id: key for key, unique_id in unique_ids_by_key(context).items()}
    checks = check_keys_by_unique_id(context)
    selected_keys, selected_checks = context.selected_asset_keys, context.selected_asset_check_keys
    for outcome in outcomes:
        metadata = {"dbt_status": outcome.status, "execution_seconds": round(outcome.execution_seconds, 3)}
        if outcome.message:
            metadata["dbt_message"] = outcome.message
        key, check = keys.get(outcome.unique_id), checks.get(outcome.unique_id)
        if key is not None and key in selected_keys and outcome.status == "success":
            yield MaterializeResult(asset_key=key, metadata=metadata)
        elif check is not None and check in selected_checks:
            yield AssetCheckResult(
                asset_key=check.asset_key,
                check_name=check.name,
                passed=outcome.status == "pass",
                severity=AssetCheckSeverity.WARN if outcome.status == "warn" else AssetCheckSeverity.ERROR,
                metadata={**metadata, "failures": outcome.failures or 0},
            )


def run_dbt_build(context: AssetExecutionContext, settings: Settings,
                  manifest: Mapping[str, Any]) -> Iterator[MaterializeResult | AssetCheckResult]:
    """Build, yield the events, and fail the step (so nothing is published) if dbt did not pass."""
    from orchestration.build import build

    if SUBMISSION_TAG in context.run.tags:
        select = select_for_sensor_run(settings, manifest)
    else:
        select = select_for_dagster_subset(context, manifest)
    if select == NOTHING_TO_BUILD:
        context.log.info("The uploads of this run are already published: nothing to build.")
        return
    context.log.info(f"dbt build --select {select or '(everything)'}")
    result = build(settings, select=select, unit_tests=False)
    yield from events_from_outcomes(context, result.outcomes)
    if not result.success:
        problems = "; ".join(f"{p.name}: {p.status} ({p.message})" for p in result.problems[:10])
        raise Failure(description=f"dbt build did not pass, nothing published: {problems}",
                      metadata={"problems": len(result.problems)})
