"""The nightly backup: checkpoint, copy, test-open, retention; never a copy that does not read
back; and the Dagster schedule that runs it at night, Paris time."""

from __future__ import annotations

import pytest

from data_contracts.settings import get_settings
from cli.main import main
from demo.files import render
from ingestion.loader import ingest_pending
from orchestration.warehouse.rebuild import check_database
from ingestion.submit import submit
from orchestration.warehouse.backup import BackupError, backup_warehouse, list_backups

from test_rebuild import corrupt


@pytest.fixture
def loaded(cipd_home):
    """A warehouse with a few loaded submissions (no dbt needed to back it up)."""
    settings = get_settings()
    for number, code in enumerate(("01", "2A", "69", "971")):
        row = {"departement": code, "semaine": "2026-W47", "signalements_cnapr": number,
               "signalements_locaux": 1, "dont_mineurs": 0, "orientations_judiciaires": 0,
               "suivis_en_cours": 10 + number, "suivis_clos": 0, "familles_accompagnees": 2}
        assert submit("weekly", render("weekly", [row], "csv_excel"), "hebdo.csv", code,
                      settings=settings).status == "accepted"
    assert len(ingest_pending(settings).loaded) == 4
    return settings


def test_backup_is_a_readable_copy_of_every_table(loaded):
    result = backup_warehouse(loaded)
    assert result.path.parent == loaded.backups_dir and result.path.name.startswith("warehouse-")
    copy, original = check_database(result.path), check_database(loaded.warehouse_path)
    assert copy.ok and copy.table_hashes == original.table_hashes
    assert "raw.weekly_reports" in copy.table_hashes and result.tables == len(copy.table_hashes)
    assert not list(loaded.backups_dir.glob(".*.tmp"))


def test_backup_folds_the_write_ahead_log_in(loaded):
    """A writer that died after committing leaves its last transaction in the ``.wal`` file
    only; copying the main file alone would lose it."""
    import subprocess
    import sys

    import duckdb

    crash = ("import duckdb, os, sys; con = duckdb.connect(sys.argv[1]); "
             "con.execute(\"set checkpoint_threshold = '1TB'\"); "
             "con.execute(\"insert into raw.loader_state values ('backup-test', 'in the wal')\"); "
             "os._exit(0)")
    subprocess.run([sys.executable, "-c", crash, str(loaded.warehouse_path)], check=True)
    assert loaded.warehouse_path.with_name("warehouse.duckdb.wal").exists()
    result = backup_warehouse(loaded)
    with duckdb.connect(str(result.path), read_only=True) as con:
        assert con.execute("select value from raw.loader_state where name = 'backup-test'").fetchone() \
            == ("in the wal",)


def test_retention_keeps_the_newest_backups(loaded, monkeypatch):
    monkeypatch.setenv("CIPD_BACKUP_RETENTION", "2")
    settings = get_settings()
    made = [backup_warehouse(settings).path for _ in range(4)]
    assert list_backups(settings) == made[-2:]


def test_a_warehouse_that_does_not_read_back_is_not_backed_up(loaded):
    corrupt(loaded.warehouse_path)
    with pytest.raises(BackupError, match="cipd rebuild"):
        backup_warehouse(loaded)
    assert list_backups(loaded) == [] and not list(loaded.backups_dir.glob(".*"))


def test_cli_backup_and_list(loaded, capsys):
    assert main(["backup"]) == 0
    assert "Sauvegarde relue et conservée" in capsys.readouterr().out
    assert main(["backup", "--list"]) == 0
    assert "1 sauvegarde(s) conservée(s) (rétention : 7)" in capsys.readouterr().out


def test_cli_backup_without_warehouse_explains(cipd_home, capsys):
    assert main(["backup"]) == 1
    assert "aucun entrepôt" in capsys.readouterr().err


def test_nightly_schedule_runs_the_backup_job_at_half_past_two_paris_time(cipd_home):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from dagster import build_schedule_context

    from orchestration.defs.backup_job import BACKUP_JOB_NAME
    from orchestration.defs.schedules import build_schedules

    schedule = {s.name: s for s in build_schedules(get_settings())}["nightly_backup_schedule"]
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("30 2 * * *", "Europe/Paris")
    assert schedule.job_name == BACKUP_JOB_NAME
    tick = datetime(2026, 11, 27, 2, 30, tzinfo=ZoneInfo("Europe/Paris"))
    request = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick)).run_requests[0]
    assert request.run_key == "backup-2026-11-27"


def test_backup_job_checks_then_backs_up(loaded, monkeypatch):
    """The job asks for a rebuild if the warehouse is unreadable (mocked here: a real rebuild
    is tested in test_rebuild.py), then backs up."""
    from orchestration.defs.backup_job import nightly_backup as job
    from orchestration.defs.resources import HubResource

    rebuilt = []
    monkeypatch.setattr("orchestration.warehouse.rebuild.rebuild_if_unhealthy",
                        lambda settings, **kwargs: rebuilt.append(settings.root))
    result = job.execute_in_process(resources={"hub": HubResource(home=str(loaded.root))})
    assert result.success and rebuilt == [loaded.root]
    assert len(list_backups(loaded)) == 1
    assert job.tags["cipd/warehouse"] == "write"
