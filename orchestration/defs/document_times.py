"""When the weekly documents go out, stated once: the schedules' crons (Paris time), and the
French phrases every description (schedules, jobs, assets) builds from them, so a changed cron
cannot leave a description saying the old time. The documents follow the deadline day, not
the Thursday: the holiday policy moves both."""

from __future__ import annotations

REMINDERS_CRON = "0 10 * * 1-5"  # 10:00 on the deadline day: two hours before the deadline
SYNTHESIS_CRON = "5 12 * * 1-5"  # 12:05 on the deadline day: just after the deadline
#: 12:01 on the deadline day: a landing run rebuilds the marts on a clock past the deadline, so
#: pages and the 12:05 synthesis say « Manquant » rather than « En attente » even when nothing
#: was uploaded since the morning (the marts keep the clock of the build that made them).
DEADLINE_BUILD_CRON = "1 12 * * 1-5"

_DEADLINE_DAY = {
    "keep": "le jeudi, même férié",
    "previous_working_day": "le jeudi, la veille si le jeudi est férié",
    "next_working_day": "le jeudi, le lendemain si le jeudi est férié",
}


def paris_time(cron: str) -> str:
    """The cron's time of day as French writes it: ``10 h``, ``12 h 05``."""
    minute, hour = (int(field) for field in cron.split()[:2])
    return f"{hour} h" if minute == 0 else f"{hour} h {minute:02d}"


def deadline_day_at(cron: str, policy: str | None = None) -> str:
    """« Jour d'échéance (…) à 12 h 05, heure de Paris »; ``policy`` says which day a
    Thursday holiday gives (left out when unknown, e.g. in an asset's static description)."""
    day = f" ({_DEADLINE_DAY[policy]})" if policy else ""
    return f"Jour d'échéance{day} à {paris_time(cron)}, heure de Paris"
