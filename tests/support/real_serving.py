"""A real, small ``serving.duckdb`` built through the hub's own pipeline, once per session:
``cipd demo --weeks 12 --no-history`` (101 départements, files submitted and loaded), then a few
*canary* uploads for département 13 through ``cipd submit``, then ``cipd ingest`` and
``cipd build`` (dbt + publish). The pages are therefore tested against the real marts.

The canary values are six-digit numbers and unique strings that only département 13
reported; no reader outside it may ever see them (six digits cannot occur inside the map's
four-decimal coordinates).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from data_contracts.registry import columns

CANARY = "13"
CANARY_WEEK = "2026-W47"
CANARY_MONTH = "2026-10"
#: In a column no default chart shows, so the README's screenshots stay readable.
CANARY_FAMILIES = 717_171
CANARY_FOLLOW_UPS = 313_373
CANARY_COMMENT = "canari-commentaire-13"
CANARY_PRACTICE = "Pratique canari des Bouches-du-Rhône"
REPO = Path(__file__).resolve().parents[2]


def _csv(kind: str, values: dict[str, str]) -> bytes:
    header = columns(kind)
    return (";".join(header) + "\n" + ";".join(values.get(c, "") for c in header) + "\n").encode()


def canary_files() -> dict[str, tuple[str, bytes]]:
    """name → (kind, CSV bytes) of département 13's canary uploads (the last is rejected)."""
    weekly = {"departement": CANARY, "semaine": CANARY_WEEK, "signalements_cnapr": "4",
              "signalements_locaux": "2", "dont_mineurs": "1", "orientations_judiciaires": "1",
              "suivis_en_cours": "64", "suivis_clos": "1",
              "familles_accompagnees": str(CANARY_FAMILIES), "commentaire": CANARY_COMMENT}
    monthly = {c: "0" for c in columns("monthly")}
    monthly.update({"departement": CANARY, "mois": CANARY_MONTH, "suivis_engages": "6",
                    "suivis_actifs": str(CANARY_FOLLOW_UPS), "actions_insertion": "3",
                    "fipd_engage_eur": "1500,00", "commentaire": ""})
    monthly.update({c: "non" for c in columns("monthly") if c.startswith("partenaire_")})
    practice = {"departement": CANARY, "mois": CANARY_MONTH, "titre": CANARY_PRACTICE,
                "type_action": "insertion", "public_cible": "majeurs",
                "partenaires": "Mission locale, SPIP", "description": "Parcours d'insertion accompagné.",
                "resultats": "Premiers contrats signés."}
    rejected = {**weekly, "semaine": "2026-W99"}
    return {
        "canari_hebdo.csv": ("weekly", _csv("weekly", weekly)),
        "canari_mensuel.csv": ("monthly", _csv("monthly", monthly)),
        "canari_pratique.csv": ("practices", _csv("practices", practice)),
        "canari_refuse.csv": ("weekly", _csv("weekly", rejected)),
    }


def _cipd(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=600)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"cipd {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def build_real_serving(home: Path, now_iso: str) -> list[str]:
    """Run the pipeline into ``home``; return the canary uploads' submission ids."""
    env = {**os.environ, "CIPD_HOME": str(home), "CIPD_NOW": now_iso}
    _cipd("demo", "--weeks", "12", "--no-history", env=env)
    uploads = home / "canary"
    uploads.mkdir(parents=True, exist_ok=True)
    submission_ids = []
    for name, (kind, content) in canary_files().items():
        (uploads / name).write_bytes(content)
        receipt = json.loads(_cipd("submit", kind, str(uploads / name), "--departement", CANARY,
                                   "--json", env=env))
        expected = "rejected" if "refuse" in name else "accepted"
        assert receipt["status"] == expected, receipt
        submission_ids.append(receipt["submission_id"])
    _cipd("ingest", env=env)
    _cipd("build", "--skip-unit-tests", env=env)
    if not (home / "serving.duckdb").exists():
        raise RuntimeError("cipd build did not publish serving.duckdb")
    return submission_ids
