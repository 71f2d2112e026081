"""What really happened in a demo département, week by week and month by month.

The series always runs from the programme's first week, whatever window the demo sends per
file, so that the same seed gives the same figures and stocks carry over without a jump:
``suivis_en_cours`` = last week's + new signalements − follow-ups closed, except for the rare
recount (``stock_adjusted``) a cell makes when it audits its list.

Volumes follow the département's population, a programme trend (ramp-up after 2015, slow
decline, a dip in the 2020 lockdown) and seasons (summer dip, September rise, Christmas).
Monthly figures are built from the weeks that belong to the month (the month of their
Thursday): ``suivis_engages`` and ``orientations_judiciaires`` stay within 8 % of the weeks'
sums (exactly equal for small numbers), except the rare typo the demo marks ``inconsistent``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from decimal import Decimal
from typing import Any

from data_contracts import calendar
from data_contracts.codes import ACTION_COLUMNS, PARTNER_COLUMNS
from demo.departements import DepartementProfile, rng_for

#: New signalements per week nationwide at trend 1.0 and season 1.0.
NATIONAL_WEEKLY_SIGNALEMENTS = 400
#: Mean length of a follow-up, in weeks (sets how fast the stock turns over).
MEAN_FOLLOW_UP_WEEKS = 26
P_STOCK_RECOUNT = 0.008
P_MONTHLY_TYPO = 0.01

# (date, factor) points of the programme trend, linearly interpolated.
_TREND = (
    (date(2014, 12, 1), 0.6), (date(2015, 1, 15), 1.2), (date(2015, 11, 20), 1.7),
    (date(2016, 9, 1), 1.6), (date(2018, 1, 1), 1.15), (date(2020, 3, 12), 1.0),
    (date(2020, 4, 9), 0.6), (date(2020, 6, 15), 0.95), (date(2023, 10, 1), 1.0),
    (date(2023, 11, 1), 1.2), (date(2024, 6, 1), 1.05), (date(2040, 1, 1), 1.0),
)
_MONTH_SEASON = {7: 0.8, 8: 0.6, 9: 1.25, 10: 1.1}
#: Actions per active follow-up and month, by action type.
_ACTION_RATES = {"educative": 0.3, "psychologique": 0.2, "insertion": 0.1, "parentalite": 0.15,
                 "citoyennete": 0.08, "sante": 0.07, "autre": 0.05}

_WEEKLY_COMMENTS = (
    "Réunion de la cellule reportée à la semaine prochaine.",
    "Hausse liée à une action de sensibilisation dans les collèges.",
    "Plusieurs situations en cours d'évaluation par la cellule.",
    "Référent ASE absent cette semaine, suivis maintenus.",
)
_MONTHLY_COMMENTS = (
    "Cellule élargie au conseil départemental ce mois-ci.",
    "Formation des référents des collèges en fin de mois.",
    "Activité réduite pendant les congés d'été.",
    "Nouvelle convention signée avec une association de soutien aux parents.",
)


@dataclass(frozen=True)
class WeekActivity:
    """One département's true figures for one ISO week (weekly contract columns)."""

    figures: dict[str, Any]
    #: The stock was recounted this week: it does not follow last week's.
    stock_adjusted: bool


@dataclass(frozen=True)
class MonthActivity:
    """One département's true figures for one month (monthly contract columns)."""

    figures: dict[str, Any]
    #: A deliberate typo puts ``suivis_engages`` far from the weeks' sum.
    inconsistent: bool


def trend(day: date) -> float:
    for (start, low), (end, high) in zip(_TREND, _TREND[1:]):
        if start <= day <= end:
            return low + (high - low) * (day - start).days / (end - start).days
    return _TREND[-1][1]


def season(week: str) -> float:
    """Summer dip, September rise, quiet Christmas weeks."""
    thursday = calendar.week_thursday(week)
    if (thursday.month, thursday.day) >= (12, 20) or (thursday.month, thursday.day) <= (1, 3):
        return 0.7
    return _MONTH_SEASON.get(thursday.month, 1.0)


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method for small means, a rounded normal for large ones (good enough here)."""
    if mean <= 0:
        return 0
    if mean > 40:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def binomial(rng: random.Random, trials: int, p: float) -> int:
    return sum(rng.random() < p for _ in range(trials))


@lru_cache(maxsize=4)
def weekly_factors(last_week: str) -> tuple[tuple[str, float], ...]:
    """(week, trend × season) from the programme start: the same for every département."""
    return tuple((week, trend(calendar.week_thursday(week)) * season(week))
                 for week in calendar.iter_weeks(calendar.PROGRAMME_START_WEEK, last_week))


@lru_cache(maxsize=4)
def month_weeks(last_month: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(month, the weeks whose Thursday falls in it) from the programme start."""
    return tuple((month, tuple(calendar.weeks_of_month(month)))
                 for month in calendar.iter_months(calendar.PROGRAMME_START_MONTH, last_month))


def simulate_weeks(prof: DepartementProfile, seed: int, last_week: str) -> dict[str, WeekActivity]:
    """The département's weeks from the programme start to ``last_week``, in order."""
    rng = rng_for(seed, prof.code, "weeks")
    result: dict[str, WeekActivity] = {}
    stock = 0
    for week, factor in weekly_factors(last_week):
        mean = NATIONAL_WEEKLY_SIGNALEMENTS * prof.weight * factor
        new = poisson(rng, mean)
        cnapr = binomial(rng, new, prof.cnapr_share)
        closed = min(stock, poisson(rng, stock / MEAN_FOLLOW_UP_WEEKS))
        stock = stock + new - closed
        adjusted = rng.random() < P_STOCK_RECOUNT and stock > 4
        if adjusted:
            stock += rng.choice((-4, -3, -2, -1, 1, 2, 3))
        comment = None
        if new == 0 and rng.random() < 0.4:
            comment = "Néant"
        elif rng.random() < 0.03:
            comment = rng.choice(_WEEKLY_COMMENTS)
        result[week] = WeekActivity(figures={
            "departement": prof.code,
            "semaine": week,
            "signalements_cnapr": cnapr,
            "signalements_locaux": new - cnapr,
            "dont_mineurs": binomial(rng, new, 0.3),
            "orientations_judiciaires": binomial(rng, new, 0.12),
            "suivis_en_cours": stock,
            "suivis_clos": closed,
            "familles_accompagnees": round(stock * prof.family_ratio),
            "commentaire": comment,
        }, stock_adjusted=adjusted)
    return result


def _close_to(rng: random.Random, total: int) -> int:
    """A monthly figure a cell counted separately: equal for small sums, within 8 % else."""
    spread = math.floor(total * 0.08) if total >= 10 else 0
    return total + rng.randint(-spread, spread)


def simulate_months(prof: DepartementProfile, seed: int, weeks: dict[str, WeekActivity],
                    last_month: str) -> dict[str, MonthActivity]:
    """The département's months from the programme start to ``last_month``, from its weeks."""
    rng = rng_for(seed, prof.code, "months")
    result: dict[str, MonthActivity] = {}
    for month, its_weeks in month_weeks(last_month):
        figures = [weeks[w].figures for w in its_weeks]
        new = sum(f["signalements_cnapr"] + f["signalements_locaux"] for f in figures)
        closed = sum(f["suivis_clos"] for f in figures)
        active = figures[-1]["suivis_en_cours"]
        favourable = binomial(rng, closed, 0.6)
        engaged = _close_to(rng, new)
        inconsistent = rng.random() < P_MONTHLY_TYPO
        if inconsistent:
            engaged = engaged * 2 + 5
        summer = calendar.parse_month(month)[1] in (7, 8)
        actions = {ACTION_COLUMNS[kind]: poisson(rng, active * rate * (0.5 if summer else 1.0))
                   for kind, rate in _ACTION_RATES.items()}
        fipd = Decimal("0.00")
        if rng.random() < 0.3:
            fipd = Decimal(rng.randint(150_000, 2_500_000) * max(1, round(prof.weight * 100))) / 100
            fipd = fipd.quantize(Decimal("0.01"))
        result[month] = MonthActivity(figures={
            "departement": prof.code,
            "mois": month,
            "suivis_engages": engaged,
            "suivis_actifs": active,
            "suivis_clos_favorables": favourable,
            "suivis_clos_autres": closed - favourable,
            "orientations_judiciaires": _close_to(rng, sum(f["orientations_judiciaires"] for f in figures)),
            **actions,
            "familles_accompagnees": max(f["familles_accompagnees"] for f in figures),
            "reunions_cellule": min(6, (0 if summer else 1) + poisson(rng, 1.2)),
            **{column: rng.random() < prof.partner_odds[partner]
               for partner, column in PARTNER_COLUMNS.items()},
            "fipd_engage_eur": fipd,
            "professionnels_formes": rng.randint(5, 40) if rng.random() < 0.35 else 0,
            "commentaire": rng.choice(_MONTHLY_COMMENTS) if rng.random() < 0.05 else None,
        }, inconsistent=inconsistent)
    return result

