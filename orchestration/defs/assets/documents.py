"""The national documents as assets: each reads the published marts and writes its files under
``CIPD_HOME/reports``. The period comes from run config (the schedules always set it); left
empty, it is the current week, or the month before the current one."""

from dagster import Config, MaterializeResult, MetadataValue, asset
from pydantic import Field

from data_contracts.calendar import current_month, current_week, now_utc, shift_month
from orchestration.defs.assets.serving import SERVING_KEY
from orchestration.defs.document_times import REMINDERS_CRON, SYNTHESIS_CRON, deadline_day_at
from orchestration.defs.jobs import DOCUMENTS_GROUP
from orchestration.reports.produce import (
    produce_monthly_report,
    produce_reminder_list,
    produce_weekly_synthesis,
)
from orchestration.defs.resources import HubResource


class WeekConfig(Config):
    week: str = Field(default="", description="Semaine ISO AAAA-Wss ; vide : la semaine en cours.")


class MonthConfig(Config):
    month: str = Field(default="", description="Mois AAAA-MM ; vide : le mois précédent.")


def _document_metadata(produced) -> dict:
    figures = {f"{figure.key}": figure.value for figure in produced.document.key_figures
               if figure.kind == "int" and figure.value is not None}
    return {"html": MetadataValue.path(str(produced.html)), "xlsx": MetadataValue.path(str(produced.xlsx)),
            "known_at": produced.document.known_at.isoformat(), **figures}


@asset(deps=[SERVING_KEY], group_name=DOCUMENTS_GROUP, kinds={"csv"},
       description=(f"{deadline_day_at(REMINDERS_CRON)} : départements sans rapport pour la "
                    "semaine, avec le contact à relancer."))
def reminder_list(config: WeekConfig, hub: HubResource) -> MaterializeResult:
    settings = hub.settings()
    produced = produce_reminder_list(settings, config.week or current_week(now_utc(settings.now)))
    listing = "\n".join(f"| {r.departement_code} | {r.departement_name} | {r.contact_role} |"
                        for r in produced.reminders)
    return MaterializeResult(metadata={
        "week": produced.week,
        "count": len(produced.reminders),
        "departements": MetadataValue.md(
            "| Code | Département | Contact |\n|---|---|---|\n" + listing if listing else "Aucun département à relancer."),
        "csv": MetadataValue.path(str(produced.csv)),
    })


@asset(deps=[SERVING_KEY], group_name=DOCUMENTS_GROUP, kinds={"html", "xlsx"},
       description=(f"{deadline_day_at(SYNTHESIS_CRON)} : synthèse nationale hebdomadaire (unité de "
                    "coordination police, copie SG-CIPD)."))
def weekly_synthesis(config: WeekConfig, hub: HubResource) -> MaterializeResult:
    settings = hub.settings()
    week = config.week or current_week(now_utc(settings.now))
    produced = produce_weekly_synthesis(settings, week)
    return MaterializeResult(metadata={"week": week, **_document_metadata(produced)})


@asset(deps=[SERVING_KEY], group_name=DOCUMENTS_GROUP, kinds={"html", "xlsx"},
       description="Rapport mensuel au cabinet du ministre (copie SG-CIPD).")
def monthly_report(config: MonthConfig, hub: HubResource) -> MaterializeResult:
    settings = hub.settings()
    month = config.month or shift_month(current_month(now_utc(settings.now)), -1)
    produced = produce_monthly_report(settings, month)
    return MaterializeResult(metadata={"month": month, **_document_metadata(produced)})


DOCUMENT_ASSETS = [reminder_list, weekly_synthesis, monthly_report]
