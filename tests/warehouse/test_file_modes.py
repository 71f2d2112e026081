"""Database files are owner-only (0600): the warehouse after a build, the serving copy after a
publish (0640 for a configured reader group), backups and the warehouse a rebuild sets aside."""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

import duckdb
import pytest

from data_contracts.settings import Settings
from ingestion.raw_tables import create_warehouse
from orchestration.warehouse.backup import backup_warehouse
from orchestration.warehouse.publish import publish
from orchestration.warehouse.rebuild import _set_aside


@pytest.fixture(autouse=True)
def usual_login_umask():
    """Test the hub's chmods, not a 077 umask left by an in-process ``cipd`` call."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def warehouse_with_a_mart(settings: Settings) -> None:
    """The smallest warehouse publish accepts: raw tables and one mart (no dbt needed)."""
    create_warehouse(settings.warehouse_path)
    with duckdb.connect(str(settings.warehouse_path)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_example as select 1 as reports")


def test_build_leaves_the_warehouse_owner_only(built_warehouse):
    # The fixture's raw warehouse was written by plain duckdb.connect (0644 under umask 022).
    assert mode(built_warehouse.settings.warehouse_path) == 0o600


def test_new_warehouse_is_owner_only_when_created(tmp_path):
    settings = Settings(home=tmp_path)
    create_warehouse(settings.warehouse_path)
    assert mode(settings.warehouse_path) == 0o600


def test_publish_makes_the_serving_copy_owner_only_without_a_reader_group(tmp_path):
    settings = Settings(home=tmp_path)
    warehouse_with_a_mart(settings)
    publish(settings)
    assert mode(settings.serving_path) == 0o600


def test_publish_opens_the_serving_copy_to_the_reader_group_when_configured(tmp_path):
    group = grp.getgrgid(os.getgid()).gr_name  # a group this account may hand a file to
    settings = Settings(home=tmp_path, serving_reader_group=group)
    warehouse_with_a_mart(settings)
    publish(settings)
    assert mode(settings.serving_path) == 0o640
    assert settings.serving_path.stat().st_gid == os.getgid()
    assert mode(settings.warehouse_path) == 0o600  # the group reads the serving copy only


def test_reader_group_can_reach_the_serving_copy_but_not_list_its_folder(tmp_path):
    group = grp.getgrgid(os.getgid()).gr_name
    settings = Settings(home=tmp_path / "home", serving_reader_group=group)
    settings.root.mkdir(mode=0o700)  # as the hub's umask makes it
    warehouse_with_a_mart(settings)
    publish(settings)
    assert mode(settings.root) == 0o710 and settings.root.stat().st_gid == os.getgid()


def test_backup_is_owner_only(tmp_path):
    settings = Settings(home=tmp_path)
    create_warehouse(settings.warehouse_path)
    assert mode(backup_warehouse(settings).path) == 0o600


def test_warehouse_set_aside_by_a_rebuild_is_owner_only(tmp_path):
    settings = Settings(home=tmp_path)
    duckdb.connect(str(settings.warehouse_path)).close()  # made before databases were 0600
    os.chmod(settings.warehouse_path, 0o644)
    assert mode(_set_aside(settings, "20261204T000000Z")) == 0o600


def test_cli_creates_files_owner_only_whatever_the_login_umask(tmp_path, capsys):
    from cli.main import main

    assert main(["template", "weekly", "-o", str(tmp_path / "modele.csv")]) == 0
    assert mode(tmp_path / "modele.csv") == 0o600  # as DuckDB's .wal files, born 0600
