"""The warehouse file is created whole or not at all.

A writer SIGKILLed while DuckDB was writing a brand-new file's headers once left a
``warehouse.duckdb`` that no process could open (the Thursday burst test caught it in CI): the
hub stayed down until someone deleted the file. These tests kill a writer at that instant and
check that the next writer simply starts again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import duckdb

from data_contracts.settings import Settings
from ingestion.loader import ingest_pending
from ingestion.raw_tables import CREATING_SUFFIX, create_warehouse
from ingestion.submit import submit
from ingestion_helpers import to_csv, weekly

# Killed after DuckDB has created the file and started on the raw tables, before the rename.
_KILLED_WHILE_CREATING = """
import os, signal
from ingestion import raw_tables
def killed(con):
    con.execute("create schema if not exists raw")
    os.kill(os.getpid(), signal.SIGKILL)
raw_tables.ensure_raw_tables = killed
from ingestion.loader import ingest_pending
ingest_pending()
"""


def _leftovers(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.root.glob(f"*{CREATING_SUFFIX}*"))


def test_a_writer_killed_while_creating_the_warehouse_leaves_no_warehouse(cipd_home, monkeypatch):
    settings = Settings()
    settings.ensure_dirs()
    monkeypatch.setenv("PYTHONPATH", os.getcwd())
    process = subprocess.run([sys.executable, "-c", _KILLED_WHILE_CREATING], env=os.environ.copy(),
                             capture_output=True, text=True, timeout=120)
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert not settings.warehouse_path.exists()
    assert _leftovers(settings), "the killed writer should have left its half-made file"

    receipt = submit("weekly", to_csv([weekly()]), "hebdo.csv", "13", settings=settings)
    assert receipt.status == "accepted", receipt.errors
    result = ingest_pending(settings)

    assert result.loaded == [receipt.submission_id]
    assert _leftovers(settings) == []
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw.weekly_reports").fetchone()[0] == 1


def test_an_existing_warehouse_is_kept_as_is(cipd_home):
    settings = Settings()
    create_warehouse(settings.warehouse_path)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create table raw.kept as select 42 as answer")
    create_warehouse(settings.warehouse_path)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select answer from raw.kept").fetchone()[0] == 42
        tables = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
    assert {"submissions", "weekly_reports", "audit_log", "loader_state"} <= tables
