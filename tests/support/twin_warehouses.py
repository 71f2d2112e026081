"""The same demo data in a DuckDB warehouse and a PostgreSQL one: files submitted once (into
the DuckDB home), the landing zone copied to the PostgreSQL home, each loaded by the loader."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from data_contracts.settings import DBT_PROJECT_DIR, Settings
from demo.generator import generate, load
from ingestion.loader import IngestResult, ingest_pending
from tests_now import FROZEN_NOW

#: The marts the dashboards and documents read.
MARTS = sorted(path.stem for path in (DBT_PROJECT_DIR / "models" / "marts").glob("*.sql"))


@dataclass
class TwinWarehouses:
    duckdb: Settings
    postgres: Settings

    @classmethod
    def create(cls, folder: Path, cluster, database: str) -> TwinWarehouses:
        environment = cluster.create_database(database)
        return cls(
            duckdb=Settings(home=folder / "duckdb", now=FROZEN_NOW, warehouse="duckdb"),
            postgres=Settings(home=folder / "postgres", now=FROZEN_NOW, warehouse="postgres",
                              pg_host=environment["CIPD_PG_HOST"], pg_database=database))

    def submit_demo(self, weeks: int = 4, seed: int = 2014) -> None:
        plan = generate(self.duckdb.root / "demo", weeks=weeks, seed=seed, history=False,
                        settings=self.duckdb)
        summary = load(plan, self.duckdb)
        assert not summary.rejected and not summary.load_failures

    def load_postgres(self) -> IngestResult:
        """Copy what the DuckDB home received (files, receipts, audit journal) and load it."""
        for folder in ("landing", "quarantine", "audit"):
            if (self.duckdb.root / folder).exists():
                shutil.copytree(self.duckdb.root / folder, self.postgres.root / folder, dirs_exist_ok=True)
        return ingest_pending(self.postgres)

    def append_week(self) -> None:
        """A correction and a new report, received an hour before the frozen clock."""
        from landing_scenario import send_weekly

        for departement, week, version, hours in (("75", "2026-W47", 2, 1), ("13", "2026-W48", 1, 2)):
            receipt = send_weekly(self.duckdb, departement, week, version=version,
                                  at=FROZEN_NOW - timedelta(hours=hours))
            assert receipt.status == "accepted", receipt.errors
        ingest_pending(self.duckdb)
        self.load_postgres()
