"""The hub's jobs: one that writes the warehouse, three that only read the published marts.

Only the landing job carries the warehouse tag, so the run queue serialises writers while the
documents (read-only on ``serving.duckdb``) never wait behind a build.
"""

from __future__ import annotations

from dagster import AssetsDefinition, AssetSelection, define_asset_job

from orchestration.dagster_home import WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE

LANDING_JOB_NAME = "ingest_build_publish"
REMINDERS_JOB_NAME = "reminder_list_job"
SYNTHESIS_JOB_NAME = "weekly_synthesis_job"
MONTHLY_JOB_NAME = "monthly_report_job"


def build_jobs(writers: list[AssetsDefinition]) -> list:
    """``writers``: the ingestion, dbt and publishing assets (the landing job runs them all;
    the dbt step narrows its own ``select`` to what the new data affect)."""
    landing = define_asset_job(
        LANDING_JOB_NAME,
        selection=AssetSelection.assets(*writers),
        tags={WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE},
        description="Chargement des dépôts, dbt build des modèles concernés, publication des marts.",
    )
    reminders = define_asset_job(
        REMINDERS_JOB_NAME, selection=AssetSelection.assets("reminder_list"),
        description="Liste des départements à relancer (jeudi 10 h).")
    synthesis = define_asset_job(
        SYNTHESIS_JOB_NAME, selection=AssetSelection.assets("weekly_synthesis"),
        description="Synthèse nationale hebdomadaire (jeudi 12 h 05).")
    monthly = define_asset_job(
        MONTHLY_JOB_NAME, selection=AssetSelection.assets("monthly_report"),
        description="Rapport mensuel au cabinet du ministre.")
    return [landing, reminders, synthesis, monthly]
