"""A small, explicit raw warehouse: a few uploads whose every figure and timestamp is chosen so
the marts' expected values can be worked out by hand (see the comments on each row).

Frozen clock: Thursday 2026-11-26 09:00 UTC, current week 2026-W48. Deadlines (12:00 Paris,
winter time = 11:00 UTC): 2026-W46 → 2026-11-12 11:00, 2026-W47 → 2026-11-19 11:00; the
October 2026 monthly report → 2026-11-05 11:00 UTC.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from data_contracts.codes import PARTNER_COLUMNS
from data_contracts.raw_schema import contract_columns
from ingestion.raw_tables import SUBMISSIONS_COLUMNS, ensure_raw_tables

FROZEN_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)

WEEKLY = [
    # (submission, received_at UTC, departement, week, cnapr, locaux, mineurs, orientations, en_cours, clos, familles)
    ("w-01-46", "2026-11-12 08:00:00", "01", "2026-W46", 1, 1, 0, 0, 20, 1, 4),
    # 01 W47: on time, then corrected after the deadline (the correction's figures win).
    ("w-01-47a", "2026-11-19 10:00:00", "01", "2026-W47", 2, 1, 1, 1, 10, 0, 3),
    ("w-01-47b", "2026-11-20 09:00:00", "01", "2026-W47", 3, 1, 1, 1, 10, 0, 3),
    # 02 W47: 30 minutes after the deadline.
    ("w-02-47", "2026-11-19 11:30:00", "02", "2026-W47", 1, 0, 0, 0, 5, 0, 1),
    # 03 W47: on time, nothing new (nil).
    ("w-03-47", "2026-11-18 08:00:00", "03", "2026-W47", 0, 0, 0, 0, 7, 0, 2),
]

MONTHLY = [
    # (submission, received_at, departement, month, suivis_engages, orientations, partners mobilised, fipd)
    ("m-01-10", "2026-11-03 09:00:00", "01", "2026-10", 3, 2, {"spip"}, Decimal("1500.50")),
    ("m-02-10", "2026-11-06 09:00:00", "02", "2026-10", 1, 0, {"spip", "association"}, Decimal("200.00")),
]

PRACTICES = [
    ("p-01-10a", "2026-11-03 09:00:00", "01", "2026-10", "Atelier parents", "parentalite", "Première version."),
    ("p-01-10b", "2026-11-10 09:00:00", "01", "2026-10", "Atelier parents", "parentalite", "Version corrigée."),
]

REJECTED = ("r-04-47", "2026-11-19 09:00:00", "04", "weekly", "2026-W47")


def _insert(connection: duckdb.DuckDBPyConnection, table: str, row: dict) -> None:
    columns = ", ".join(row)
    placeholders = ", ".join("?" for _ in row)
    connection.execute(f"insert into raw.{table} ({columns}) values ({placeholders})", list(row.values()))


def _lineage(submission: str, received_at: str) -> dict:
    return {"submission_id": submission, "source_row": 1,
            "received_at": datetime.fromisoformat(received_at), "source_sha256": "0" * 64}


def _submission(submission: str, received_at: str, departement: str, kind: str, period: str,
                status: str = "accepted") -> dict:
    row = {name: None for name in SUBMISSIONS_COLUMNS}
    row.update(submission_id=submission, kind=kind, departement=departement, filename=f"{submission}.csv",
               sha256="0" * 64, size_bytes=100, received_at=datetime.fromisoformat(received_at),
               status=status, row_count=1, periods=period, error_count=int(status == "rejected"),
               warning_count=0, errors_json="[]", warnings_json="[]",
               loaded_at=datetime.fromisoformat(received_at))
    return row


def write_raw_fixture(warehouse_path: Path) -> None:
    """Create the raw tables (as the loader does) and insert the rows above."""
    warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse_path)) as connection:
        ensure_raw_tables(connection)
        for (submission, received, dep, week, cnapr, locaux, mineurs, orientations,
             en_cours, clos, familles) in WEEKLY:
            _insert(connection, "weekly_reports", {
                **_lineage(submission, received), "departement": dep, "semaine": week,
                "signalements_cnapr": cnapr, "signalements_locaux": locaux, "dont_mineurs": mineurs,
                "orientations_judiciaires": orientations, "suivis_en_cours": en_cours,
                "suivis_clos": clos, "familles_accompagnees": familles})
            _insert(connection, "submissions", _submission(submission, received, dep, "weekly", week))
        monthly_counts = [c for c, sql in contract_columns("monthly").items()
                          if sql.startswith("BIGINT")]
        for submission, received, dep, month, engages, orientations, partners, fipd in MONTHLY:
            row = {**_lineage(submission, received), "departement": dep, "mois": month,
                   **{column: 0 for column in monthly_counts},
                   "suivis_engages": engages, "orientations_judiciaires": orientations,
                   "actions_educatives": 1, "fipd_engage_eur": fipd}
            row.update({column: code in partners for code, column in PARTNER_COLUMNS.items()})
            _insert(connection, "monthly_reports", row)
            _insert(connection, "submissions", _submission(submission, received, dep, "monthly", month))
        for submission, received, dep, month, title, action, description in PRACTICES:
            _insert(connection, "good_practices", {
                **_lineage(submission, received), "departement": dep, "mois": month, "titre": title,
                "type_action": action, "public_cible": "familles", "partenaires": "ASE",
                "description": description, "resultats": "À venir."})
            _insert(connection, "submissions", _submission(submission, received, dep, "practices", month))
        _insert(connection, "submissions", _submission(*REJECTED, status="rejected"))

