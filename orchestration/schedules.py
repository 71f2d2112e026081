"""When the documents go out, in Paris time whatever the season.

Every schedule states ``execution_timezone="Europe/Paris"``: the Thursday 12:05 synthesis is at
11:05 UTC in winter and 10:05 UTC in summer, and a UTC cron would drift by an hour twice a year.
Each tick names its period explicitly (derived from the scheduled instant, not from "now"), so
a late or replayed tick still produces the document of the right week or month.
"""

from datetime import datetime

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    schedule,
)

from data_contracts.calendar import UTC, current_month, current_week, shift_month
from data_contracts.settings import Settings
from orchestration.backup_job import BACKUP_CRON, nightly_backup
from orchestration.jobs import MONTHLY_JOB_NAME, REMINDERS_JOB_NAME, SYNTHESIS_JOB_NAME

PARIS_TZ = "Europe/Paris"
REMINDERS_CRON = "0 10 * * 4"   # Thursday 10:00: two hours before the weekly deadline
SYNTHESIS_CRON = "5 12 * * 4"   # Thursday 12:05: just after the weekly deadline


def monthly_report_cron(settings: Settings) -> str:
    return f"0 {settings.monthly_report_hour} {settings.monthly_report_day} * *"


def week_of_tick(scheduled: datetime) -> str:
    """The ISO week a Thursday tick belongs to (the week being reported)."""
    return current_week(scheduled.astimezone(UTC))


def month_of_tick(scheduled: datetime) -> str:
    """The month a monthly tick reports on: the one before the tick (due the 5th)."""
    return shift_month(current_month(scheduled.astimezone(UTC)), -1)


def _op_config(asset_name: str, **config: str) -> dict:
    return {"ops": {asset_name: {"config": config}}}


def build_schedules(settings: Settings) -> list:
    @schedule(cron_schedule=REMINDERS_CRON, execution_timezone=PARIS_TZ, job_name=REMINDERS_JOB_NAME,
              default_status=DefaultScheduleStatus.RUNNING,
              description="Jeudi 10 h (heure de Paris) : départements sans rapport pour la semaine.")
    def reminder_list_schedule(context: ScheduleEvaluationContext):
        week = week_of_tick(context.scheduled_execution_time)
        return RunRequest(run_key=f"reminders-{week}",
                          run_config=_op_config("reminder_list", week=week))

    @schedule(cron_schedule=SYNTHESIS_CRON, execution_timezone=PARIS_TZ, job_name=SYNTHESIS_JOB_NAME,
              default_status=DefaultScheduleStatus.RUNNING,
              description="Jeudi 12 h 05 (heure de Paris) : synthèse nationale hebdomadaire.")
    def weekly_synthesis_schedule(context: ScheduleEvaluationContext):
        week = week_of_tick(context.scheduled_execution_time)
        return RunRequest(run_key=f"synthesis-{week}",
                          run_config=_op_config("weekly_synthesis", week=week))

    @schedule(cron_schedule=monthly_report_cron(settings), execution_timezone=PARIS_TZ,
              job_name=MONTHLY_JOB_NAME, default_status=DefaultScheduleStatus.RUNNING,
              description=(f"Le {settings.monthly_report_day} du mois à {settings.monthly_report_hour} h "
                           "(heure de Paris) : rapport mensuel du mois écoulé."))
    def monthly_report_schedule(context: ScheduleEvaluationContext):
        month = month_of_tick(context.scheduled_execution_time)
        return RunRequest(run_key=f"monthly-{month}",
                          run_config=_op_config("monthly_report", month=month))

    @schedule(cron_schedule=BACKUP_CRON, execution_timezone=PARIS_TZ, job=nightly_backup,
              default_status=DefaultScheduleStatus.RUNNING,
              description=("Chaque nuit à 2 h 30 (heure de Paris) : sauvegarde de l'entrepôt, "
                           f"les {settings.backup_retention} dernières conservées."))
    def nightly_backup_schedule(context: ScheduleEvaluationContext):
        return RunRequest(run_key=f"backup-{context.scheduled_execution_time:%Y-%m-%d}")

    return [reminder_list_schedule, weekly_synthesis_schedule, monthly_report_schedule,
            nightly_backup_schedule]
