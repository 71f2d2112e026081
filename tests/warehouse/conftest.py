"""One warehouse built from the hand-made raw fixture, shared by the warehouse tests (a dbt
build costs seconds: build once, assert many things)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from data_contracts.settings import DBT_PROJECT_DIR, Settings
from orchestration.warehouse.build import BuildResult, build
from warehouse_raw_fixture import FROZEN_NOW, write_raw_fixture


@dataclass(frozen=True)
class BuiltWarehouse:
    settings: Settings
    result: BuildResult
    repo_files_before: frozenset[Path]

    @property
    def repo_files_now(self) -> frozenset[Path]:
        return project_files()

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        with duckdb.connect(str(self.settings.warehouse_path), read_only=True) as connection:
            return connection.execute(sql, params or []).fetchall()

    def one(self, sql: str, params: list | None = None) -> dict:
        with duckdb.connect(str(self.settings.warehouse_path), read_only=True) as connection:
            cursor = connection.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            (row,) = cursor.fetchall()
        return dict(zip(names, row))


def project_files() -> frozenset[Path]:
    return frozenset(p for p in DBT_PROJECT_DIR.rglob("*") if p.is_file())


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> BuiltWarehouse:
    settings = Settings(home=tmp_path_factory.mktemp("warehouse") / "cipd_home", now=FROZEN_NOW)
    write_raw_fixture(settings.warehouse_path)
    before = project_files()
    # The dbt unit tests run once, in the demo warehouse's build (test_demo_truth.py).
    result = build(settings, unit_tests=False)
    if not result.success:
        problems = "\n".join(f"{p.name}: {p.status}: {p.message}" for p in result.problems)
        pytest.fail(f"dbt build of the fixture warehouse failed:\n{problems}")
    return BuiltWarehouse(settings=settings, result=result, repo_files_before=before)
