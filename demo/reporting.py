"""How a demo département sends one report: on time, late, never, or twice (a correction).

Receipt times are Paris office hours. On-time reports arrive at least 10 minutes before the
deadline and late ones at least an hour after it, so that no test depends on a second either
side of 12:00. A corrected report's first version carries a typo that does not change whether
the report is nil nor how the stock follows (swapped hotline/local counts, a wrong number of
minors, orientations or families; for months an action count, training count or amount), so
"latest version wins" is visible without breaking the other invariants.

Every call draws from the département's own stream in period order, the same draws whatever
the window, so a seed fixes every département's behaviour for the whole history.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from data_contracts import calendar
from demo.departements import DepartementProfile

OPEN_MINUTE = 8 * 60 + 30
CLOSE_MINUTE = 19 * 60
#: Minimum margins around a deadline (see the module docstring).
ON_TIME_MARGIN = timedelta(minutes=10)
LATE_MARGIN = timedelta(hours=1)


@dataclass(frozen=True)
class Sending:
    """What a département does about one report (before the clock cuts anything off)."""

    missing: bool
    first_at: datetime
    #: Figures of the first version: the truth, or the truth with a typo when corrected.
    first_figures: dict[str, Any]
    #: When the corrected version (the true figures) is sent; None when never corrected.
    correction_at: datetime | None


def paris_time(day: date, minute: int) -> datetime:
    """A Paris wall-clock minute of ``day`` as an aware UTC datetime."""
    return calendar.paris_noon_utc(day, time(minute // 60, minute % 60))


def _working_day(day: date, step: int = 1) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=step)
    return day


def office_time(rng: random.Random, day: date, earliest: int = OPEN_MINUTE,
                latest: int = CLOSE_MINUTE) -> datetime:
    return paris_time(day, rng.randint(earliest, max(earliest, latest)))


def sent_before(rng: random.Random, deadline: datetime, not_before: date,
                day_weights: tuple[int, ...] = (4, 3, 2, 1)) -> datetime:
    """An on-time receipt: on the deadline day (morning) or one of the working days before,
    never before ``not_before`` (a week's report is not sent before its Monday)."""
    local = deadline.astimezone(calendar.PARIS)
    days_back = rng.choices(range(len(day_weights)), weights=day_weights)[0]
    minute = rng.randint(0, 10_000)  # drawn whatever the branch, to keep streams aligned
    last_minute = local.hour * 60 + local.minute - int(ON_TIME_MARGIN.total_seconds() // 60)
    if last_minute < OPEN_MINUTE:  # a deadline before office hours: send the day before
        days_back = max(days_back, 1)
    day = _working_day(local.date() - timedelta(days=days_back), -1)
    if day < not_before:
        day = min(_working_day(not_before), local.date())
    if day == local.date():
        earliest = min(8 * 60, max(0, last_minute))
        return paris_time(day, earliest + minute % (max(0, last_minute) - earliest + 1))
    return paris_time(day, OPEN_MINUTE + minute % (CLOSE_MINUTE - OPEN_MINUTE + 1))


def sent_after(rng: random.Random, deadline: datetime,
               days: tuple[int, ...] = (0, 1, 4, 5, 6, 7, 11),
               weights: tuple[int, ...] = (3, 4, 3, 2, 1, 1, 1)) -> datetime:
    """A late receipt: the deadline's afternoon, the next day, or up to two weeks later."""
    local = deadline.astimezone(calendar.PARIS)
    days_after = rng.choices(days, weights=weights)[0]
    minute = rng.randint(0, 10_000)
    earliest = local.hour * 60 + local.minute + int(LATE_MARGIN.total_seconds() // 60)
    if days_after == 0 and earliest <= CLOSE_MINUTE:
        return paris_time(local.date(), earliest + minute % (CLOSE_MINUTE - earliest + 1))
    day = _working_day(local.date() + timedelta(days=max(days_after, 1)))
    return paris_time(day, OPEN_MINUTE + minute % (CLOSE_MINUTE - OPEN_MINUTE + 1))


def corrected_at(rng: random.Random, first_at: datetime) -> datetime:
    """When a cell notices its typo: within hours, days, or after a week or more."""
    local = first_at.astimezone(calendar.PARIS)
    days_after = rng.choices((0, 1, 2, 3, 6, 10), weights=(5, 3, 2, 1, 1, 1))[0]
    minute = rng.randint(0, 10_000)
    later = local.hour * 60 + local.minute + 60 + minute % 240
    if days_after == 0 and later <= CLOSE_MINUTE:
        return paris_time(local.date(), later)
    day = _working_day(local.date() + timedelta(days=max(days_after, 1)))
    return paris_time(day, OPEN_MINUTE + minute % (CLOSE_MINUTE - OPEN_MINUTE + 1))


def _weekly_typo(figures: dict[str, Any], choice: int, delta: int) -> dict[str, Any]:
    wrong = dict(figures)
    cnapr, local = figures["signalements_cnapr"], figures["signalements_locaux"]
    new = cnapr + local
    if choice == 0 and cnapr != local:
        wrong["signalements_cnapr"], wrong["signalements_locaux"] = local, cnapr
    elif choice == 1 and new > 0:
        wrong["dont_mineurs"] = (figures["dont_mineurs"] + delta) % (new + 1)
        if wrong["dont_mineurs"] == figures["dont_mineurs"]:
            wrong["dont_mineurs"] = (figures["dont_mineurs"] + 1) % (new + 1)
    elif choice == 2:
        wrong["orientations_judiciaires"] = figures["orientations_judiciaires"] + 1
    else:
        wrong["familles_accompagnees"] = figures["familles_accompagnees"] + delta
    return wrong


def _monthly_typo(figures: dict[str, Any], choice: int, delta: int) -> dict[str, Any]:
    wrong = dict(figures)
    if choice == 0:
        wrong["actions_educatives"] = figures["actions_educatives"] + delta
    elif choice == 1 and figures["fipd_engage_eur"] > 0:
        wrong["fipd_engage_eur"] = (figures["fipd_engage_eur"] * 10).quantize(Decimal("0.01"))
    elif choice == 2:
        wrong["professionnels_formes"] = figures["professionnels_formes"] + delta
    else:
        wrong["reunions_cellule"] = figures["reunions_cellule"] + 1
    return wrong


def never_sent(rng: random.Random, prof: DepartementProfile) -> bool:
    """The first draw of a report's stream: whether it is ever sent. History needs no more
    (a backfill row is either there or not), so it can stop here."""
    return rng.random() < prof.p_missing


def _sending(rng: random.Random, prof: DepartementProfile, deadline: datetime, not_before: date,
             figures: dict[str, Any], typo, on_time_weights: tuple[int, ...]) -> Sending:
    missing = never_sent(rng, prof)
    draw_late, draw_corrected = rng.random(), rng.random()
    on_time, late = sent_before(rng, deadline, not_before, on_time_weights), sent_after(rng, deadline)
    first_at = late if draw_late < prof.p_late else on_time
    correction = corrected_at(rng, first_at)
    wrong = typo(figures, rng.randrange(4), rng.randint(1, 10))
    corrected = draw_corrected < prof.p_correction and wrong != figures
    return Sending(
        missing=missing,
        first_at=first_at,
        first_figures=wrong if corrected else figures,
        correction_at=correction if corrected else None,
    )


def weekly_sending(rng: random.Random, prof: DepartementProfile, week: str, figures: dict[str, Any],
                   deadline: datetime) -> Sending:
    """How the weekly report of ``week`` is sent (due Thursday noon, holidays applied)."""
    return _sending(rng, prof, deadline, calendar.week_monday(week), figures, _weekly_typo, (4, 3, 2, 1))


def monthly_sending(rng: random.Random, prof: DepartementProfile, month: str, figures: dict[str, Any],
                    deadline: datetime) -> Sending:
    """How the monthly report of ``month`` is sent (due early the next month)."""
    next_first = calendar.month_first_day(calendar.shift_month(month, 1))
    return _sending(rng, prof, deadline, next_first, figures, _monthly_typo, (5, 4, 2, 1, 1))
