"""The hub's calendar: ISO weeks and months, reporting deadlines, Thursday holidays.

One module, used by the contracts (period validation), ingestion (on time / late on the
receipt), the dbt seed of deadlines (``cipd calendar-seed``) and Dagster (schedules).

Why it is careful: a week's report is due Thursday 12:00 *Europe/Paris*, which is 11:00 UTC
in winter and 10:00 UTC in summer; ISO years 2015, 2020 and 2026 have 53 weeks; Ascension is
always a Thursday, and 25 Dec / 1 Jan fall on Thursdays some years. Local holidays
(Alsace-Moselle, each DROM) move only the deadlines of the départements they apply to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")
UTC = timezone.utc

PROGRAMME_START_WEEK = "2014-W49"
PROGRAMME_START_MONTH = "2014-12"
DEADLINE_WEEKDAY = 3  # Thursday (Monday = 0)
DEADLINE_TIME = time(12, 0)
HOLIDAY_POLICIES = ("keep", "previous_working_day", "next_working_day")

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")

# Départements whose public holidays differ from the national list, mapped to the
# subdivision codes of the ``holidays`` package.
_HOLIDAY_SUBDIVISIONS = {
    "57": "57",
    "67": "6AE",
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "976": "976",
}


# --- ISO weeks -----------------------------------------------------------------------------

def parse_week(code: str) -> tuple[int, int]:
    """``"2026-W48"`` → ``(2026, 48)``; ValueError unless it is a real ISO week."""
    match = _WEEK_RE.match(code or "")
    if not match:
        raise ValueError(f"not an ISO week code: {code!r}")
    year, week = int(match[1]), int(match[2])
    if not 1 <= week <= weeks_in_year(year):
        raise ValueError(f"ISO year {year} has no week {week}")
    return year, week


@lru_cache(maxsize=None)  # a handful of years; every week code a file holds asks again
def weeks_in_year(iso_year: int) -> int:
    """52 or 53: 28 December is always in the last ISO week of its year."""
    return date(iso_year, 12, 28).isocalendar().week


def week_code(day: date) -> str:
    """The ISO week (``%G-W%V``) a date falls in."""
    return day.strftime("%G-W%V")


def week_monday(code: str) -> date:
    year, week = parse_week(code)
    return date.fromisocalendar(year, week, 1)


def week_thursday(code: str) -> date:
    return week_monday(code) + timedelta(days=DEADLINE_WEEKDAY)


def shift_week(code: str, weeks: int) -> str:
    return week_code(week_monday(code) + timedelta(weeks=weeks))


def iter_weeks(first: str, last: str) -> Iterator[str]:
    """Every ISO week code from ``first`` to ``last`` inclusive."""
    day, end = week_monday(first), week_monday(last)
    while day <= end:
        yield week_code(day)
        day += timedelta(weeks=1)


# --- Months -----------------------------------------------------------------------------

def parse_month(code: str) -> tuple[int, int]:
    match = _MONTH_RE.match(code or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"not a month code: {code!r}")
    return int(match[1]), int(match[2])


def month_code(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_first_day(code: str) -> date:
    year, month = parse_month(code)
    return date(year, month, 1)


def shift_month(code: str, months: int) -> str:
    year, month = parse_month(code)
    index = year * 12 + (month - 1) + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def iter_months(first: str, last: str) -> Iterator[str]:
    code = first
    while parse_month(code) <= parse_month(last):
        yield code
        code = shift_month(code, 1)


def weeks_of_month(code: str) -> list[str]:
    """ISO weeks whose Thursday falls in the month: each week belongs to exactly one month."""
    first = month_first_day(code)
    last = month_first_day(shift_month(code, 1)) - timedelta(days=1)
    return [w for w in iter_weeks(week_code(first), week_code(last))
            if month_code(week_thursday(w)) == code]


# --- Clock ------------------------------------------------------------------------------

def now_utc(frozen: datetime | None = None) -> datetime:
    """The current instant in UTC (``frozen`` lets demos and tests pin the clock)."""
    if frozen is None:
        return datetime.now(UTC)
    return frozen.replace(tzinfo=UTC) if frozen.tzinfo is None else frozen.astimezone(UTC)


def current_week(now: datetime) -> str:
    return week_code(now.astimezone(PARIS).date())


def current_month(now: datetime) -> str:
    return month_code(now.astimezone(PARIS).date())


def paris_noon_utc(day: date, at: time = DEADLINE_TIME) -> datetime:
    """A Paris wall-clock time on ``day`` as an aware UTC datetime (DST handled by zoneinfo)."""
    return datetime.combine(day, at, tzinfo=PARIS).astimezone(UTC)


def format_paris(instant: datetime) -> str:
    """How users read an instant: ``26/11/2026 12:00 (heure de Paris)``."""
    return instant.astimezone(PARIS).strftime("%d/%m/%Y %H:%M") + " (heure de Paris)"


# --- Holidays and deadlines -------------------------------------------------------------------

@lru_cache(maxsize=32)
def _holidays_for(subdivision: str | None) -> holidays.HolidayBase:
    return holidays.France(subdiv=subdivision, years=range(2014, 2041), language="fr")


def holiday_name(day: date, departement_code: str | None = None) -> str | None:
    """The public holiday on ``day`` for a département (national list when None)."""
    return _holidays_for(_HOLIDAY_SUBDIVISIONS.get(departement_code or "")).get(day)


def _is_working_day(day: date, departement_code: str | None) -> bool:
    return day.weekday() < 5 and holiday_name(day, departement_code) is None


def deadline_day(thursday: date, policy: str, departement_code: str | None = None) -> date:
    """The day the report is due once the holiday policy has moved a holiday Thursday."""
    if policy not in HOLIDAY_POLICIES:
        raise ValueError(f"unknown holiday policy {policy!r}")
    if policy == "keep" or holiday_name(thursday, departement_code) is None:
        return thursday
    step = timedelta(days=-1 if policy == "previous_working_day" else 1)
    day = thursday + step
    while not _is_working_day(day, departement_code):
        day += step
    return day


def weekly_deadline(week: str, policy: str = "previous_working_day",
                    departement_code: str | None = None) -> datetime:
    """When the report of ``week`` is due, in UTC: Thursday 12:00 Paris, holidays applied."""
    return paris_noon_utc(deadline_day(week_thursday(week), policy, departement_code))


def monthly_deadline(month: str, day: int = 5, hour: int = 12) -> datetime:
    """When the report of ``month`` is due, in UTC: the ``day`` of next month at ``hour`` Paris."""
    first_next = month_first_day(shift_month(month, 1))
    return paris_noon_utc(first_next.replace(day=day), time(hour, 0))


def deadline_seed_rows(last_year: int) -> Iterator[dict[str, str]]:
    """Rows of the dbt seed ``calendar_week_deadlines``: one national row per week (scope
    ``*``) plus one row per (département, week) where a local holiday moves the deadline."""
    last_week = f"{last_year}-W{weeks_in_year(last_year):02d}"
    local = sorted(set(_HOLIDAY_SUBDIVISIONS))
    for week in iter_weeks(PROGRAMME_START_WEEK, last_week):
        thursday = week_thursday(week)
        national = _deadline_row(week, "*", None)
        yield national
        for code in local:
            row = _deadline_row(week, code, code)
            if any(row[k] != national[k] for k in row if k.startswith("deadline_at")):
                yield row


def _deadline_row(week: str, scope: str, departement_code: str | None) -> dict[str, str]:
    thursday = week_thursday(week)
    row = {
        "week_code": week,
        "departement_scope": scope,
        "week_start_date": week_monday(week).isoformat(),
        "thursday_date": thursday.isoformat(),
        "holiday_name": holiday_name(thursday, departement_code) or "",
    }
    for policy in HOLIDAY_POLICIES:
        at = weekly_deadline(week, policy, departement_code)
        row[f"deadline_at_{policy}"] = at.strftime("%Y-%m-%d %H:%M:%S")
    return row
