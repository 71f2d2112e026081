"""The published marts (``serving.duckdb``) and their freshness check.

Publishing copies the marts beside the serving file and renames it over, so the dashboards and
the documents never read a half-built warehouse. It is the last step of every landing run.
"""

from collections.abc import Sequence

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    MaterializeResult,
    asset,
    asset_check,
)

from orchestration.instance.dagster_home import WAREHOUSE_POOL
from orchestration.warehouse.freshness import Freshness, measure_freshness
from orchestration.defs.resources import HubResource

SERVING_KEY = AssetKey("serving_marts")
FRESHNESS_CHECK = "marts_reflect_landed_submissions"


def build_serving_asset(mart_keys: Sequence[AssetKey]):
    @asset(key=SERVING_KEY, deps=list(mart_keys), group_name="serving", kinds={"duckdb"}, pool=WAREHOUSE_POOL,
           description="Copie en lecture seule des marts (serving.duckdb), lue par les tableaux de bord et les documents.")
    def serving_marts(hub: HubResource) -> MaterializeResult:
        from orchestration.warehouse.publish import publish

        published = publish(hub.settings())
        return MaterializeResult(metadata={
            "path": str(published.path),
            "size_bytes": published.size_bytes,
        })

    return serving_marts


def freshness_fields(freshness: Freshness) -> dict:
    """The check's outcome, shared by the check run in a job and the freshness sensor's report."""
    return {
        "asset_key": SERVING_KEY,
        "check_name": FRESHNESS_CHECK,
        "passed": freshness.is_fresh,
        "severity": AssetCheckSeverity.ERROR,
        "description": freshness.describe(),
        "metadata": {
            "pending_submissions": freshness.pending,
            "oldest_pending_minutes": round(freshness.oldest_pending_minutes or 0.0, 2),
            "limit_minutes": freshness.limit_minutes,
        },
    }


@asset_check(asset=SERVING_KEY, name=FRESHNESS_CHECK,
             description="Échoue quand un dépôt arrivé attend depuis plus de freshness_minutes d'être publié.")
def marts_reflect_landed_submissions(hub: HubResource) -> AssetCheckResult:
    return AssetCheckResult(**freshness_fields(measure_freshness(hub.settings())))
