"""The 101 départements (INSEE COG codes), read from the dbt seed so there is one copy.

Source: ``../shared/reference/departements.csv`` (npm @etalab/decoupage-administratif 6.0.0,
Licence Ouverte), copied to ``dbt_project/seeds/ref_departements.csv``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from data_contracts.settings import DBT_PROJECT_DIR

DEPARTEMENTS_CSV = DBT_PROJECT_DIR / "seeds" / "ref_departements.csv"


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region_code: str
    region_name: str
    zone: str


@lru_cache(maxsize=1)
def departements() -> dict[str, Departement]:
    """Code → département, in COG order."""
    with DEPARTEMENTS_CSV.open(encoding="utf-8", newline="") as handle:
        return {
            row["departement_code"]: Departement(
                code=row["departement_code"],
                name=row["departement_name"],
                region_code=row["region_code"],
                region_name=row["region_name"],
                zone=row["zone"],
            )
            for row in csv.DictReader(handle)
        }


def normalise_departement_code(value: str) -> str:
    """What a département types or Excel leaves of it → its COG code (``1`` → ``01``,
    ``2a`` → ``2A``). Returns the cleaned text even when it is not a known code."""
    text = str(value).strip().upper()
    if text.isdigit() and len(text) == 1:
        text = "0" + text
    return text


def is_departement(code: str) -> bool:
    return code in departements()


def regions() -> dict[str, str]:
    """Region code → name (the 18 regions since 1 January 2016)."""
    return {d.region_code: d.region_name for d in departements().values()}
