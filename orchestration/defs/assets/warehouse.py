"""The dbt models as Dagster assets (dagster-dbt reads the manifest; dbt tests become checks)."""

from collections.abc import Mapping
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtProject, dbt_assets

from orchestration.instance.dagster_home import WAREHOUSE_POOL
from orchestration.warehouse.dbt_run import run_dbt_build
from orchestration.defs.jobs import REFERENCE_GROUP
from orchestration.defs.resources import HubResource


class LayerTranslator(DagsterDbtTranslator):
    """Groups the lineage by dbt layer (staging, intermediate, marts, reference seeds)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return REFERENCE_GROUP
        if dbt_resource_props["resource_type"] == "source":
            return "ingestion"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "warehouse"


TRANSLATOR = LayerTranslator()


def build_dbt_assets(project: DbtProject, manifest: Mapping[str, Any]):
    @dbt_assets(manifest=manifest, project=project, name="warehouse_models",
                dagster_dbt_translator=TRANSLATOR, pool=WAREHOUSE_POOL)
    def warehouse_models(context: AssetExecutionContext, hub: HubResource):
        yield from run_dbt_build(context, hub.settings())

    return warehouse_models
