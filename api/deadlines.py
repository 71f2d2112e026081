"""``GET /v1/echeances``: a département's next deadlines and the reports it still owes.

The deadlines are the receipt's own (:func:`ingestion.submit.deadlines_for`: Thursday noon
Paris for a week, holidays of the département applied; the configured day of the next month
for a month), so the API, the page and the receipt never disagree. "Received" means an
accepted receipt covering the period in the landing zone: the answer does not wait for the
next publication of the marts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from data_contracts import calendar
from data_contracts.registry import contract_for
from data_contracts.settings import Settings
from ingestion.landing import list_received
from ingestion.receipt import utc_text
from ingestion.submit import deadlines_for

#: Past periods still listed when their report never came (late, still owed).
WEEKS_BACK = 4
MONTHS_BACK = 2


def _periods(now: datetime) -> dict[str, list[str]]:
    week, month = calendar.current_week(now), calendar.current_month(now)
    return {
        "weekly": [calendar.shift_week(week, -n) for n in range(WEEKS_BACK, -2, -1)],
        "monthly": [calendar.shift_month(month, -n) for n in range(MONTHS_BACK, -1, -1)],
    }


def _first_day(kind: str, period: str) -> datetime:
    day = calendar.week_monday(period) if kind == "weekly" else calendar.month_first_day(period)
    return calendar.paris_noon_utc(day) - timedelta(days=1)


def deadlines(settings: Settings, departement: str, now: datetime) -> dict[str, Any]:
    """Each recent or coming period of the weekly and monthly reports: its deadline, whether
    its report was received (and which deposit), late or still open; ``en_attente`` lists the
    ones still owed, oldest first."""
    wanted = _periods(now)
    since = min(_first_day(kind, periods[0]) for kind, periods in wanted.items())
    received: dict[tuple[str, str], str] = {}
    for landed in list_received(settings, since):
        if landed.departement == departement and landed.status == "accepted":
            for period in landed.receipt().periods:
                received.setdefault((landed.kind, period), landed.submission_id)
    rows = []
    for kind, periods in wanted.items():
        for period, due in deadlines_for(kind, periods, departement, settings).items():
            if calendar.now_utc(now) < _first_day(kind, period) + timedelta(days=1):
                continue  # the period has not begun: nothing can be deposited yet
            rows.append({
                "type": kind, "libelle": contract_for(kind).label, "periode": period,
                "echeance": utc_text(due), "echeance_paris": calendar.format_paris(due),
                "recu": (kind, period) in received, "submission_id": received.get((kind, period)),
                "en_retard": (kind, period) not in received and now > due,
            })
    rows.sort(key=lambda r: r["echeance"])
    return {
        "departement": departement,
        "maintenant": utc_text(now),
        "echeances": rows,
        "en_attente": [r for r in rows if not r["recu"]],
    }
