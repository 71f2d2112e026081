"""``cipd synthesis``, ``cipd monthly-report`` and ``cipd reminders``: the national documents on
demand, the same files the Dagster schedules produce (``orchestration.reports.produce``)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path


def _period_type(parser_name: str, shape: str, example: str):
    """An argparse type that accepts a period code ``data_contracts.calendar`` can parse."""
    def check(value: str) -> str:
        from data_contracts import calendar

        try:
            getattr(calendar, parser_name)(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"« {value} » n'est pas {shape} : écrivez {example}.") from None
        return value
    return check


_week = _period_type("parse_week", "une semaine ISO", "AAAA-Wss, par exemple 2026-W48")
_month = _period_type("parse_month", "un mois", "AAAA-MM, par exemple 2026-11")


def parse_known_at(value: str) -> datetime:
    """An ISO 8601 instant; without an offset it is read as Paris wall-clock time (what a
    user means by "jeudi 12 h 05")."""
    from data_contracts.calendar import PARIS, UTC

    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {value} » n'est pas une date-heure : écrivez par exemple 2026-11-26T12:05 "
            "(heure de Paris) ou 2026-11-26T11:05+00:00.") from None
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=PARIS)
    return instant.astimezone(UTC)


def register(subparsers: argparse._SubParsersAction) -> None:
    synthesis = subparsers.add_parser(
        "synthesis", help="weekly national synthesis (HTML + XLSX) for one ISO week")
    synthesis.add_argument("--week", type=_week, required=True, help="ISO week, e.g. 2026-W48")
    synthesis.add_argument("-o", "--output-dir", type=Path,
                           help="folder for the files (default: CIPD_HOME/reports/hebdomadaire)")
    synthesis.add_argument("--known-at", type=parse_known_at,
                           help="re-issue the synthesis as known at this instant (ISO 8601; "
                                "no offset = Paris time); rebuilds the marts in a scratch copy")
    synthesis.set_defaults(handler=_synthesis)

    monthly = subparsers.add_parser(
        "monthly-report", help="monthly report for the minister's office (HTML + XLSX)")
    monthly.add_argument("--month", type=_month, required=True, help="month, e.g. 2026-11")
    monthly.add_argument("-o", "--output-dir", type=Path,
                         help="folder for the files (default: CIPD_HOME/reports/mensuel)")
    monthly.set_defaults(handler=_monthly_report)

    reminders = subparsers.add_parser(
        "reminders", help="départements with no weekly report yet, with the contact to remind (CSV)")
    reminders.add_argument("--week", type=_week, help="ISO week (default: the current week)")
    reminders.add_argument("-o", "--output-dir", type=Path,
                           help="folder for the file (default: CIPD_HOME/reports/relances)")
    reminders.set_defaults(handler=_reminders)


def _report_document(produced, what: str) -> int:
    from data_contracts.calendar import format_paris

    print(f"{what} — état des connaissances au {format_paris(produced.document.known_at)}")
    print(f"  HTML : {produced.html}")
    print(f"  XLSX : {produced.xlsx}")
    return 0


def _refused(error: Exception) -> int:
    print(f"Erreur : {error}", file=sys.stderr)
    return 1


def _synthesis(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from orchestration.reports.produce import produce_weekly_synthesis
    from orchestration.reports.source import ReportError

    try:
        produced = produce_weekly_synthesis(get_settings(), args.week, args.output_dir, args.known_at)
    except ReportError as error:
        return _refused(error)
    return _report_document(produced, f"Synthèse nationale {args.week}")


def _monthly_report(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from orchestration.reports.produce import produce_monthly_report
    from orchestration.reports.source import ReportError

    try:
        produced = produce_monthly_report(get_settings(), args.month, args.output_dir)
    except ReportError as error:
        return _refused(error)
    return _report_document(produced, f"Rapport mensuel {args.month}")


def _reminders(args: argparse.Namespace) -> int:
    from data_contracts.calendar import current_week, now_utc
    from data_contracts.settings import get_settings
    from orchestration.reports.produce import produce_reminder_list
    from orchestration.reports.source import ReportError

    settings = get_settings()
    week = args.week or current_week(now_utc(settings.now))
    try:
        produced = produce_reminder_list(settings, week, args.output_dir)
    except ReportError as error:
        return _refused(error)
    print(f"{len(produced.reminders)} département(s) à relancer pour la semaine {week} : {produced.csv}")
    for reminder in produced.reminders:
        print(f"  {reminder.departement_code} {reminder.departement_name} — {reminder.contact_role}")
    return 0
