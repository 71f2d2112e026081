"""The Thursday 10:00 reminder list: départements with no report yet for the week.

Two hours before the deadline there is still time to call. The list says whom to call: the
cell's usual contact, or the prefect's chief of staff when the département was already late or
missing the week before (a second miss in a row is escalated rather than repeated).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from data_contracts.calendar import shift_week
from data_contracts.safe_text import neutralise_cell
from orchestration.reports import queries
from orchestration.reports.formatting import fr_datetime
from orchestration.reports.render import write_atomically

CELL_CONTACT = "Référent radicalisation de la préfecture (animateur de la cellule)"
ESCALATION_CONTACT = "Directeur de cabinet du préfet (relance renforcée)"
_PREVIOUS_WEEK = {"on_time": "à l'heure", "late": "en retard", "missing": "manquant"}


@dataclass(frozen=True)
class Reminder:
    departement_code: str
    departement_name: str
    region_name: str
    contact_role: str
    reason: str
    deadline_at: datetime


def reminder_list(connection, week: str) -> list[Reminder]:
    """Who to remind for ``week``, in COG order."""
    reminders = []
    open_requests = queries.open_review_requests(connection)
    for row in queries.missing_weekly_reports(connection, week, shift_week(week, -1)):
        previous = row["previous_timeliness"]
        escalate = previous in ("late", "missing")
        # the marts' is_awaited (the build's clock): still time before the deadline, or not
        reason = ("Aucun rapport reçu pour la semaine (en attente, échéance à venir)" if row["is_awaited"]
                  else "Aucun rapport reçu pour la semaine (échéance passée)")
        if previous:
            reason += f" ; semaine précédente : {_PREVIOUS_WEEK[previous]}"
        if count := open_requests.get(row["departement_code"]):
            reason += (f" ; {count} demande{'s' if count > 1 else ''} de correction ouverte"
                       f"{'s' if count > 1 else ''} (docs/steering.md)")
        reminders.append(Reminder(
            departement_code=row["departement_code"],
            departement_name=row["departement_name"],
            region_name=row["region_name"],
            contact_role=ESCALATION_CONTACT if escalate else CELL_CONTACT,
            reason=reason,
            deadline_at=row["deadline_at"],
        ))
    return reminders


CSV_HEADER = ("Code", "Département", "Région", "Contact à relancer", "Motif", "Échéance")


def reminders_csv(reminders: list[Reminder]) -> str:
    """Semicolon-separated, as French Excel opens it by default; every cell neutralised (names
    and, once contacts are imported, their text come from files others typed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for reminder in reminders:
        writer.writerow([neutralise_cell(cell) for cell in (
            reminder.departement_code, reminder.departement_name, reminder.region_name,
            reminder.contact_role, reminder.reason, fr_datetime(reminder.deadline_at))])
    return buffer.getvalue()


def write_reminder_csv(reminders: list[Reminder], path: Path) -> Path:
    # UTF-8 with a BOM: Excel otherwise reads the accents as Latin-1.
    text = reminders_csv(reminders)
    return write_atomically(path, lambda target: target.write_text(text, encoding="utf-8-sig"))


def default_output_dir(settings) -> Path:
    return settings.reports_dir / "relances"


def file_stem(week: str) -> str:
    return f"relances_{week}"
