"""The landing zone and the raw tables the loader fills.

The raw tables' asset keys are the dbt sources' (``raw/weekly_reports``…), so the lineage runs
without a gap from the landing zone through the loader into dbt's staging models.
"""

from collections.abc import Sequence

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, multi_asset

from orchestration.instance.dagster_home import WAREHOUSE_POOL
from orchestration.defs.resources import HubResource

LANDING_ZONE = AssetSpec(
    "landing_zone",
    group_name="ingestion",
    kinds={"file"},
    description="Dépôts acceptés (CIPD_HOME/landing) : fichiers d'origine et accusés de réception.",
)


def build_ingestion_asset(raw_keys: Sequence[AssetKey]):
    specs = [AssetSpec(key, deps=[LANDING_ZONE.key], group_name="ingestion", kinds={"duckdb"},
                       description=f"Table brute {'.'.join(key.path)} de l'entrepôt, alimentée par le chargeur.")
             for key in raw_keys]

    @multi_asset(name="ingest_landed_submissions", specs=specs, pool=WAREHOUSE_POOL,
                 description="Charge les dépôts en attente dans les tables brutes (une transaction par dépôt).")
    def ingest_landed_submissions(context: AssetExecutionContext, hub: HubResource):
        from orchestration.defs.run_actor import run_actor
        from orchestration.warehouse.rebuild import ingest_or_rebuild

        result, rebuilt = ingest_or_rebuild(hub.settings(), actor=run_actor(context))
        if rebuilt is not None:
            context.log.warning(
                f"The warehouse did not open ({rebuilt.previous.problem}): rebuilt from the landing "
                f"zone ({rebuilt.submissions_loaded} submissions), the damaged file kept at "
                f"{rebuilt.replaced_path}.")
        if result.failed:
            # Isolated by the loader; the freshness check keeps reporting them until fixed.
            context.log.warning(f"{len(result.failed)} submission(s) could not be loaded: {result.failed}")
        if result.audit_refused is not None:
            # Nothing of the journal copied; raw.audit_integrity feeds the quality page's alert.
            context.log.error(str(result.audit_refused))
        metadata = {
            "audit_journal_refused": result.audit_refused is not None,
            "submissions_loaded": len(result.loaded),
            "rows_loaded": result.rows_loaded,
            "rejections_recorded": len(result.rejections_recorded),
            "submissions_failed": len(result.failed),
            "warehouse_rebuilt": rebuilt is not None,
        }
        for key in raw_keys:
            yield MaterializeResult(asset_key=key, metadata=metadata)

    return ingest_landed_submissions
