"""Produce the national documents: the one entry point the ``cipd`` commands, the Dagster
assets and the tests share, so a scheduled document and an on-demand one are the same file.

Documents land in ``CIPD_HOME/reports/`` (``hebdomadaire/``, ``mensuel/``, ``relances/``) unless
the caller names another folder.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from data_contracts.calendar import now_utc, parse_week
from data_contracts.settings import Settings
from orchestration.warehouse.publication import unpublished_submissions
from orchestration.reports import monthly_report, reminders, weekly_synthesis
from orchestration.reports.document import Document
from orchestration.reports.render import write_html, write_xlsx
from orchestration.reports.source import marts, marts_as_known_at


@dataclass(frozen=True)
class ProducedDocument:
    document: Document
    html: Path
    xlsx: Path


@dataclass(frozen=True)
class ProducedReminders:
    week: str
    reminders: tuple[reminders.Reminder, ...]
    csv: Path


def _source(settings: Settings, known_at: datetime | None) -> AbstractContextManager:
    return marts(settings) if known_at is None else marts_as_known_at(settings, known_at)


def _pending(settings: Settings, known_at: datetime | None) -> int:
    """Uploads landed but not yet in the marts (only meaningful for "now")."""
    return 0 if known_at is not None else len(unpublished_submissions(settings))


def _produce(settings: Settings, build: Callable[..., Document], period: str, stem: str,
             output_dir: Path, known_at: datetime | None) -> ProducedDocument:
    generated_at = now_utc(settings.now)
    with _source(settings, known_at) as connection:
        document = build(connection, period, known_at or generated_at, _pending(settings, known_at))
    return ProducedDocument(
        document=document,
        html=write_html(document, output_dir / f"{stem}.html", generated_at),
        xlsx=write_xlsx(document, output_dir / f"{stem}.xlsx", generated_at),
    )


def produce_weekly_synthesis(settings: Settings, week: str, output_dir: Path | None = None,
                             known_at: datetime | None = None) -> ProducedDocument:
    """The weekly synthesis of ``week`` (HTML + XLSX); ``known_at`` re-issues it as it stood
    at a past instant."""
    parse_week(week)
    return _produce(settings, weekly_synthesis.build_document, week, weekly_synthesis.file_stem(week),
                    output_dir or weekly_synthesis.default_output_dir(settings), known_at)


def produce_monthly_report(settings: Settings, month: str, output_dir: Path | None = None,
                           known_at: datetime | None = None) -> ProducedDocument:
    return _produce(settings, monthly_report.build_document, month, monthly_report.file_stem(month),
                    output_dir or monthly_report.default_output_dir(settings), known_at)


def produce_reminder_list(settings: Settings, week: str, output_dir: Path | None = None) -> ProducedReminders:
    parse_week(week)
    with marts(settings) as connection:
        found = tuple(reminders.reminder_list(connection, week))
    path = (output_dir or reminders.default_output_dir(settings)) / f"{reminders.file_stem(week)}.csv"
    return ProducedReminders(week=week, reminders=found, csv=reminders.write_reminder_csv(list(found), path))
