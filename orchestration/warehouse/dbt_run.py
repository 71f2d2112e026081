"""How a Dagster run drives dbt: what to build, and which Dagster events the outcome gives.

Why not ``DbtCliResource.cli(["build"]).stream()``: it starts ``dbt`` as a subprocess (plus a
``dbt --version`` probe), several seconds of fixed cost on every upload. The runs call
``orchestration.warehouse.build.build`` (dbt in-process, under the warehouse lock) and turn its node
outcomes into the events dagster-dbt would emit: a materialisation per model or seed built and
an asset check result per dbt test, so the lineage and the checks show in the UI.

What to build is what Dagster selected: the landing job selects every model but the seeds, a
rebuild selects everything. Two exceptions: the first build of a warehouse builds everything
(the seeds do not exist yet), and a landing run whose upload is already published (an earlier
run loaded and built it) builds nothing. "Already published" is sound because every landing
run rebuilds *all* the models, so a receipt in ``fct_submissions`` means its figures are too.
(The incremental marts keep such a build to what changed: dbt decides that, not Dagster.)
"""

from collections.abc import Iterator

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

from data_contracts.settings import Settings
from orchestration.instance.dagster_home import SUBMISSION_TAG
from orchestration.warehouse.publication import published_submission_ids


def is_cold_start(settings: Settings) -> bool:
    """Nothing published yet, or (DuckDB) no warehouse file: build everything, seeds included."""
    from storage.published import has_publication

    if settings.is_postgres:
        return not has_publication(settings)
    return not settings.serving_path.exists() or not settings.warehouse_path.exists()


def dbt_select(context: AssetExecutionContext, settings: Settings) -> str | None:
    """dbt ``--select`` for this run: the nodes behind the assets Dagster selected, or None
    (everything) when all are selected or the warehouse is new."""
    if is_cold_start(settings) or not context.is_subset:
        return None
    unique_ids = unique_ids_by_key(context)
    # unique_id = "<type>.<package>.<name>": dbt selects models and seeds by name.
    return " ".join(sorted(unique_ids[key].rsplit(".", 1)[-1]
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


def already_published(context: AssetExecutionContext, settings: Settings) -> bool:
    submission_id = context.run.tags.get(SUBMISSION_TAG)
    return submission_id is not None and submission_id in published_submission_ids(settings)


def run_dbt_build(context: AssetExecutionContext,
                  settings: Settings) -> Iterator[MaterializeResult | AssetCheckResult]:
    """Build, yield the events, and fail the step (so nothing is published) if dbt did not pass."""
    from orchestration.warehouse.build import build

    if already_published(context, settings):
        context.log.info("This run's upload is already published by an earlier run: nothing to build.")
        return
    select = dbt_select(context, settings)
    context.log.info(f"dbt build --select {select or '(everything)'}")
    result = build(settings, select=select, unit_tests=False)
    context.log.info(f"dbt build: {len(result.outcomes)} nodes in {result.elapsed_seconds:.1f} s")
    yield from events_from_outcomes(context, result.outcomes)
    if not result.success:
        problems = "; ".join(f"{p.name}: {p.status} ({p.message})" for p in result.problems[:10])
        raise Failure(description=f"dbt build did not pass, nothing published: {problems}",
                      metadata={"problems": len(result.problems)})
