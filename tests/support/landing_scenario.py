"""A small, hand-checkable week of uploads for the orchestration and report tests.

Six départements, ISO weeks 2026-W45 to W48, the clock frozen on Thursday 26 November 2026 at
10:00 Paris (before the W48 deadline). Every file goes through the real submit path.

| dép. | W45     | W46              | W47           | W48      |
|------|---------|------------------|---------------|----------|
| 01   | on time | on time          | on time       | on time  |
| 13   | on time | on time          | late (Fri.)   | missing  |
| 2A   | on time | nil (néant)      | on time       | on time  |

Stocks follow the stock rule week to week, except around the nil week (10 follow-ups declared
after 61: a consistency warning in W46, and again in W47 when the stock returns to its chain).
| 69   | on time | on time          | missing       | missing  |
| 75   | on time | on time, then corrected (2 versions) | on time | on time |
| 971  | on time | on time          | on time       | missing  |

Monthly reports for 2026-10 from 01, 13 and 75; one good practice from 75 whose title holds
characters that must be escaped in HTML.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from data_contracts.calendar import week_monday
from data_contracts.settings import Settings
from ingestion.submit import submit
from orchestration.defs.resources import HubResource

#: Thursday 26 November 2026, 09:00 UTC (10:00 Paris), as in tests/conftest.py.
FROZEN_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)

WEEKS = ("2026-W45", "2026-W46", "2026-W47", "2026-W48")
DEPARTEMENTS = ("01", "13", "2A", "69", "75", "971")
NOT_SENT = {("13", "2026-W48"), ("69", "2026-W47"), ("69", "2026-W48"), ("971", "2026-W48")}
LATE = {("13", "2026-W47")}
NIL = {("2A", "2026-W46")}
CORRECTED = ("75", "2026-W46")
PRACTICE_TITLE = "Atelier <parents> & ados"


def weekly_figures(departement: str, week: str, version: int = 1) -> dict[str, int]:
    """Distinct, easily recomputed figures per département, week and version."""
    if (departement, week) in NIL:
        return dict.fromkeys(("signalements_cnapr", "signalements_locaux", "dont_mineurs",
                              "orientations_judiciaires", "suivis_clos"), 0) | {
            "suivis_en_cours": 10, "familles_accompagnees": 3}
    seed = DEPARTEMENTS.index(departement) + 1
    number = WEEKS.index(week) + 1
    return {
        "signalements_cnapr": seed + number,
        "signalements_locaux": 2 * seed + version,
        "dont_mineurs": 1,
        "orientations_judiciaires": seed % 3 + version - 1,
        "suivis_en_cours": _stock(seed, number),
        # a correction adds a signalement and closes one more: its stock is the same
        "suivis_clos": version,
        "familles_accompagnees": 5 + seed,
    }


def _stock(seed: int, number: int) -> int:
    """The stock rule (data_contracts.quality_rules.STOCK) chained from 20 × seed + 1 in W45:
    each week adds its new signalements (3 × seed + number + version) minus its closures
    (version). The nil week breaks the chain on purpose (and its next week, back on it)."""
    return 20 * seed + 1 + sum(3 * seed + k for k in range(2, number + 1))


def monthly_figures(departement: str) -> dict[str, object]:
    seed = DEPARTEMENTS.index(departement) + 1
    return {
        "suivis_engages": seed, "suivis_actifs": 10 * seed, "suivis_clos_favorables": 2,
        "suivis_clos_autres": 1, "orientations_judiciaires": seed % 2,
        "actions_educatives": 3, "actions_psychologiques": 2, "actions_insertion": 1,
        "actions_parentalite": seed, "actions_citoyennete": 0, "actions_sante": 1,
        "actions_autres": 0, "familles_accompagnees": 4, "reunions_cellule": 2,
        "partenaire_conseil_departemental": "oui", "partenaire_spip": "non",
        "partenaire_psychologue": "oui" if seed % 2 else "non", "partenaire_association": "non",
        "partenaire_education_nationale": "oui", "fipd_engage_eur": f"{1000 * seed},50",
        "professionnels_formes": seed + 2,
    }


def _csv(row: dict[str, object]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(row)
    writer.writerow(row.values())
    return buffer.getvalue().encode("utf-8")


def received_at(departement: str, week: str) -> datetime:
    """Tuesday 09:00 UTC of the week (on time), or the Friday after the deadline (late)."""
    monday = datetime.combine(week_monday(week), datetime.min.time(), tzinfo=timezone.utc)
    offset = timedelta(days=4, hours=9) if (departement, week) in LATE else timedelta(days=1, hours=9)
    return monday + offset + timedelta(minutes=DEPARTEMENTS.index(departement))


@dataclass
class Scenario:
    receipts: list = field(default_factory=list)

    @property
    def submission_ids(self) -> set[str]:
        return {r.submission_id for r in self.receipts}


def send_weekly(settings: Settings, departement: str, week: str, version: int = 1,
                at: datetime | None = None):
    row = {"departement": departement, "semaine": week, **weekly_figures(departement, week, version)}
    return submit("weekly", _csv(row), f"hebdo_{departement}_{week}_v{version}.csv", departement,
                  received_at=at or received_at(departement, week), actor="test", settings=settings)


def land_scenario(settings: Settings) -> Scenario:
    scenario = Scenario()
    for week in WEEKS:
        for departement in DEPARTEMENTS:
            if (departement, week) not in NOT_SENT:
                scenario.receipts.append(send_weekly(settings, departement, week))
    corrected_at = received_at(*CORRECTED) + timedelta(days=1)
    scenario.receipts.append(send_weekly(settings, *CORRECTED, version=2, at=corrected_at))
    november_3 = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)
    for departement in ("01", "13", "75"):
        row = {"departement": departement, "mois": "2026-10", **monthly_figures(departement)}
        scenario.receipts.append(submit("monthly", _csv(row), f"mensuel_{departement}.csv", departement,
                                        received_at=november_3, actor="test", settings=settings))
    practice = {"departement": "75", "mois": "2026-10", "titre": PRACTICE_TITLE,
                "type_action": "parentalite", "public_cible": "familles",
                "partenaires": "ASE, association de parents",
                "description": "Ateliers mensuels parents-adolescents.", "resultats": "12 familles."}
    scenario.receipts.append(submit("practices", _csv(practice), "pratiques_75.csv", "75",
                                    received_at=november_3, actor="test", settings=settings))
    refused = [r for r in scenario.receipts if r.status != "accepted"]
    assert not refused, [(r.filename, r.errors) for r in refused]
    return scenario


def hub_for(settings: Settings) -> HubResource:
    """The Dagster resource naming these settings explicitly (no environment variables)."""
    return HubResource(home=str(settings.home), now=settings.now.isoformat() if settings.now else "")
