"""Who each demo département is: its size, its reporting habits and the file format it sends.

Everything about one département is drawn from its own random streams (``rng_for``), so its
files do not change when another département's do — a test can recognise (or a security test
plant) one département's rows without regenerating the others.

Sizes come from ``population.csv``: INSEE « populations légales » (populations
municipales 2021, in force on 1 January 2024), rounded to the thousand and approximate. They
only weight synthetic volumes; they are never published as figures.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from data_contracts.codes import PARTNER_COLUMNS
from data_contracts.referential import departements

POPULATION_CSV = Path(__file__).with_name("population.csv")

#: How départements really send files: French Excel's CSV (``;``, cp1252, decimal comma),
#: Excel's "CSV UTF-8" (BOM, ``,``), the XLSX template, or JSON from a local tool.
FORMATS = ("csv_excel", "csv_utf8", "xlsx", "json")
_FORMAT_SHARES = (45, 15, 25, 15)

#: Reporting habits: (share of départements, P(week missing), P(late), P(corrected)).
_HABITS = {
    "regular": (75, 0.01, 0.04, 0.03),
    "irregular": (20, 0.04, 0.12, 0.05),
    "struggling": (5, 0.10, 0.25, 0.08),
}


@dataclass(frozen=True)
class DepartementProfile:
    """The fixed traits of one département in the demo."""

    code: str
    population: int
    #: This département's share of the national volume of signalements.
    weight: float
    habit: str
    p_missing: float
    p_late: float
    p_correction: float
    weekly_format: str
    monthly_format: str
    #: French Excel's "Nombre" format: thousands separated by a no-break space.
    thousands_separator: bool
    #: Typing « Oui »/« Non » rather than « oui »/« non ».
    capitalised_yes_no: bool
    #: Share of new signalements that come through the national hotline (CNAPR).
    cnapr_share: float
    #: Families accompanied per follow-up in progress.
    family_ratio: float
    #: Monthly probability that each partner type is mobilised.
    partner_odds: dict[str, float]
    #: Monthly probability of nominating a good practice.
    practice_rate: float


def rng_for(seed: int, departement: str, stream: str) -> random.Random:
    """An independent, reproducible random stream for one département and one purpose
    (string seeds are hashed with SHA-512 by ``random``: stable across runs and machines)."""
    return random.Random(f"cipd-demo:{seed}:{departement}:{stream}")


@lru_cache(maxsize=1)
def populations() -> dict[str, int]:
    """Département code → approximate population, in COG order."""
    with POPULATION_CSV.open(encoding="utf-8", newline="") as handle:
        known = {row["departement_code"]: int(row["population"]) for row in csv.DictReader(handle)}
    missing = set(departements()) - set(known)
    if missing:
        raise RuntimeError(f"{POPULATION_CSV.name} lacks départements {sorted(missing)}")
    return {code: known[code] for code in departements()}


def profile(seed: int, code: str) -> DepartementProfile:
    """Draw a département's traits; the same (seed, code) always gives the same profile."""
    rng = rng_for(seed, code, "profile")
    sizes = populations()
    habit = rng.choices(list(_HABITS), weights=[h[0] for h in _HABITS.values()])[0]
    _, p_missing, p_late, p_correction = _HABITS[habit]
    weekly_format = rng.choices(FORMATS, weights=_FORMAT_SHARES)[0]
    # Most cells send every report the same way; some fill the XLSX template monthly.
    monthly_format = weekly_format if rng.random() < 0.7 else rng.choices(FORMATS, weights=_FORMAT_SHARES)[0]
    return DepartementProfile(
        code=code,
        population=sizes[code],
        weight=sizes[code] / sum(sizes.values()),
        habit=habit,
        p_missing=p_missing,
        p_late=p_late,
        p_correction=p_correction,
        weekly_format=weekly_format,
        monthly_format=monthly_format,
        thousands_separator=rng.random() < 0.3,
        capitalised_yes_no=rng.random() < 0.4,
        cnapr_share=rng.uniform(0.25, 0.5),
        family_ratio=rng.uniform(0.3, 0.6),
        partner_odds={partner: rng.uniform(0.3, 0.95) for partner in PARTNER_COLUMNS},
        practice_rate=rng.uniform(0.04, 0.2),
    )


def profiles(seed: int) -> dict[str, DepartementProfile]:
    return {code: profile(seed, code) for code in departements()}
