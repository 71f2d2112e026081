"""When the documents go out, in Paris time whatever the season.

Every schedule states ``execution_timezone="Europe/Paris"``: the Thursday 12:05 synthesis is at
11:05 UTC in winter and 10:05 UTC in summer, and a UTC cron would drift by an hour twice a year.
Each tick names its period explicitly (derived from the scheduled instant, not from "now"), so
a late or replayed tick still produces the document of the right week or month.

The weekly documents follow the deadline, not the weekday: when a public holiday falls on the
Thursday (Ascension always does), the holiday policy moves the deadline (to the Wednesday by
default) and the reminder list and the synthesis move with it. Their crons therefore tick every
working day at the set hour and a tick only runs on the day a week's national deadline falls.
"""

from datetime import datetime

from dagster import (
    DefaultScheduleStatus,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from data_contracts.calendar import (
    PARIS,
    UTC,
    current_month,
    current_week,
    deadline_day,
    shift_month,
    shift_week,
    week_thursday,
)
from data_contracts.settings import Settings
from orchestration.defs.audit_seal_job import AUDIT_SEAL_CRON, audit_seal
from orchestration.defs.backup_job import BACKUP_CRON, nightly_backup
from orchestration.defs.document_times import (
    DEADLINE_BUILD_CRON,
    REMINDERS_CRON,
    SYNTHESIS_CRON,
    deadline_day_at,
)
from orchestration.defs.jobs import LANDING_JOB_NAME, MONTHLY_JOB_NAME, REMINDERS_JOB_NAME, SYNTHESIS_JOB_NAME
from orchestration.instance.dagster_home import WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE

PARIS_TZ = "Europe/Paris"


def monthly_report_cron(settings: Settings) -> str:
    return f"0 {settings.monthly_report_hour} {settings.monthly_report_day} * *"


def week_due_on_tick(scheduled: datetime, policy: str) -> str | None:
    """The ISO week whose national deadline falls on the tick's Paris day, or None.

    Normally the Thursday of the tick's own week; with a holiday the deadline may move to
    another day of the same week, and the neighbours are checked too so a policy moving it
    across a week boundary is still honoured."""
    day = scheduled.astimezone(PARIS).date()
    week = current_week(scheduled.astimezone(UTC))
    for candidate in (week, shift_week(week, -1), shift_week(week, 1)):
        if deadline_day(week_thursday(candidate), policy) == day:
            return candidate
    return None


def month_of_tick(scheduled: datetime) -> str:
    """The month a monthly tick reports on: the one before the tick (due the 5th)."""
    return shift_month(current_month(scheduled.astimezone(UTC)), -1)


def _op_config(asset_name: str, **config: str) -> dict:
    return {"ops": {asset_name: {"config": config}}}


def _deadline_day_schedule(name: str, cron: str, job_name: str, asset_name: str, run_key: str,
                           description: str, settings: Settings):
    """A weekly document made on the day a week's deadline falls (skipped on other days)."""
    @schedule(name=name, cron_schedule=cron, execution_timezone=PARIS_TZ, job_name=job_name,
              default_status=DefaultScheduleStatus.RUNNING, description=description)
    def _deadline_day(context: ScheduleEvaluationContext):
        week = week_due_on_tick(context.scheduled_execution_time, settings.holiday_policy)
        if week is None:
            return SkipReason("Pas d'échéance hebdomadaire ce jour-là.")
        return RunRequest(run_key=f"{run_key}-{week}", run_config=_op_config(asset_name, week=week))

    return _deadline_day


def monthly_deadline_build_cron(settings: Settings) -> str:
    """One minute after the monthly deadline (the 5th at 12:00 by default), Paris time."""
    return f"1 {settings.monthly_deadline_hour} {settings.monthly_deadline_day} * *"


def _deadline_build_schedule(name: str, cron: str, description: str, weekly_policy: str | None):
    """A landing run just after a deadline: the marts' clock passes it (awaited → missing) even
    when no upload arrives to trigger one. ``weekly_policy``: tick only on a weekly deadline day."""
    @schedule(name=name, cron_schedule=cron, execution_timezone=PARIS_TZ, job_name=LANDING_JOB_NAME,
              default_status=DefaultScheduleStatus.RUNNING, description=description)
    def _deadline_build(context: ScheduleEvaluationContext):
        tick = context.scheduled_execution_time
        period = (week_due_on_tick(tick, weekly_policy) if weekly_policy
                  else current_month(tick.astimezone(UTC)))
        if period is None:
            return SkipReason("Pas d'échéance hebdomadaire ce jour-là.")
        return RunRequest(run_key=f"{name}-{period}", tags={WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE,
                                                            "cipd/deadline_passed": period})

    return _deadline_build


def build_schedules(settings: Settings) -> list:
    reminder_list_schedule = _deadline_day_schedule(
        "reminder_list_schedule", REMINDERS_CRON, REMINDERS_JOB_NAME, "reminder_list", "reminders",
        f"{deadline_day_at(REMINDERS_CRON, settings.holiday_policy)} : "
        "départements sans rapport pour la semaine.", settings)
    weekly_synthesis_schedule = _deadline_day_schedule(
        "weekly_synthesis_schedule", SYNTHESIS_CRON, SYNTHESIS_JOB_NAME, "weekly_synthesis", "synthesis",
        f"{deadline_day_at(SYNTHESIS_CRON, settings.holiday_policy)} : "
        "synthèse nationale hebdomadaire.", settings)

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

    @schedule(cron_schedule=AUDIT_SEAL_CRON, execution_timezone=PARIS_TZ, job=audit_seal,
              default_status=DefaultScheduleStatus.RUNNING,
              description="Chaque nuit à 2 h 15 (heure de Paris) : sceau du journal d'audit.")
    def audit_seal_schedule(context: ScheduleEvaluationContext):
        return RunRequest(run_key=f"audit-seal-{context.scheduled_execution_time:%Y-%m-%d}")

    weekly_deadline_build = _deadline_build_schedule(
        "weekly_deadline_build_schedule", DEADLINE_BUILD_CRON,
        f"{deadline_day_at(DEADLINE_BUILD_CRON, settings.holiday_policy)} : les marts passent "
        "l'échéance (rapports non reçus : manquants) avant la synthèse.", settings.holiday_policy)
    monthly_deadline_build = _deadline_build_schedule(
        "monthly_deadline_build_schedule", monthly_deadline_build_cron(settings),
        f"Le {settings.monthly_deadline_day} du mois à {settings.monthly_deadline_hour} h 01 "
        "(heure de Paris) : les marts passent l'échéance mensuelle.", None)
    return [reminder_list_schedule, weekly_synthesis_schedule, monthly_report_schedule,
            nightly_backup_schedule, audit_seal_schedule, weekly_deadline_build, monthly_deadline_build]
