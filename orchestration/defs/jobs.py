"""The hub's jobs: one that writes the warehouse, three that only read the published marts.

Only the landing job carries the warehouse tag, so the run queue serialises writers while the
documents (read-only on ``serving.duckdb``) never wait behind a build.
"""

from __future__ import annotations

from dagster import AssetKey, AssetsDefinition, AssetSelection, define_asset_job

from orchestration.defs.document_times import REMINDERS_CRON, SYNTHESIS_CRON, paris_time
from orchestration.instance.dagster_home import WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE

DOCUMENTS_GROUP = "documents"
#: Group of the dbt seeds (reference data and the deadline calendar).
REFERENCE_GROUP = "reference"

#: dbt models whose SQL embeds the build's clock (var as_of, else when the run started): the
#: expected grids and the calendar dimensions. Not downstream of the raw tables, but a landing
#: run must rebuild them, or the grids would stop at the week of the last full rebuild.
CLOCK_MODELS = (AssetKey(["intermediate", "int_weekly_deadlines"]), AssetKey(["marts", "dim_week"]),
                AssetKey(["marts", "dim_month"]))

LANDING_JOB_NAME = "ingest_build_publish"
REBUILD_JOB_NAME = "rebuild_warehouse"
REMINDERS_JOB_NAME = "reminder_list_job"
SYNTHESIS_JOB_NAME = "weekly_synthesis_job"
MONTHLY_JOB_NAME = "monthly_report_job"


def build_jobs(ingestion: AssetsDefinition, warehouse: AssetsDefinition, serving: AssetsDefinition) -> list:
    """The landing job runs the loader, every dbt model (not the seeds, which change only with
    the repository) and publishing: the models downstream of the raw tables hold the new
    figures, and the calendars (current week, deadlines passed) move with the clock. The rebuild
    job also reloads the seeds (after a change to them or to the dbt project)."""
    landing = define_asset_job(
        LANDING_JOB_NAME,
        selection=(AssetSelection.assets(ingestion, serving)
                   | (AssetSelection.assets(warehouse) - AssetSelection.groups(REFERENCE_GROUP))),
        tags={WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE},
        description="Chargement des dépôts, dbt build des modèles (hors référentiels), publication.",
    )
    rebuild = define_asset_job(
        REBUILD_JOB_NAME,
        selection=AssetSelection.assets(ingestion, warehouse, serving),
        tags={WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE},
        description="Reconstruction complète de l'entrepôt (seeds, calendriers, tous les modèles) puis publication.",
    )
    reminders = define_asset_job(
        REMINDERS_JOB_NAME, selection=AssetSelection.assets("reminder_list"),
        description=f"Liste des départements à relancer (jour d’échéance, {paris_time(REMINDERS_CRON)}).")
    synthesis = define_asset_job(
        SYNTHESIS_JOB_NAME, selection=AssetSelection.assets("weekly_synthesis"),
        description=f"Synthèse nationale hebdomadaire (jour d’échéance, {paris_time(SYNTHESIS_CRON)}).")
    monthly = define_asset_job(
        MONTHLY_JOB_NAME, selection=AssetSelection.assets("monthly_report"),
        description="Rapport mensuel au cabinet du ministre.")
    return [landing, rebuild, reminders, synthesis, monthly]
