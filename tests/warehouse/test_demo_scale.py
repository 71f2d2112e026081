"""``cipd demo --scale``: synthetic twins of every département's raw rows and receipts,
labelled, recorded, refused twice, and expected by the grids of a build."""

from __future__ import annotations

import duckdb
import pytest

from data_contracts.settings import Settings
from demo.scale import SYNTHETIC_ACTOR, scale_warehouse, unit_code
from orchestration.warehouse.build import build
from warehouse_raw_fixture import FROZEN_NOW, write_raw_fixture


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("scale") / "cipd_home", now=FROZEN_NOW)
    write_raw_fixture(settings.warehouse_path)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        before = {t: connection.execute(f"select count(*) from raw.{t}").fetchone()[0]
                  for t in ("weekly_reports", "monthly_reports", "submissions")}
    result = scale_warehouse(3, settings)
    return settings, before, result


def test_each_real_row_gets_two_synthetic_twins(scaled):
    settings, before, result = scaled
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        for table in ("weekly_reports", "monthly_reports", "submissions"):
            assert connection.execute(f"select count(*) from raw.{table}").fetchone()[0] == 3 * before[table]
        twins = connection.execute(
            "select departement, semaine, signalements_cnapr from raw.weekly_reports "
            "where submission_id like 'w-01-47b%' order by departement").fetchall()
    assert twins == [("01", "2026-W47", 3), (unit_code("01", 2), "2026-W47", 3), ("01-003", "2026-W47", 3)]
    assert result.rows_added["weekly"] == 2 * before["weekly_reports"]


def test_synthetic_receipts_are_labelled_and_the_scale_recorded(scaled):
    settings, before, result = scaled
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        labelled = connection.execute(
            "select count(*) from raw.submissions where actor = ? and filename like 'SYNTHETIQUE_x3_%'",
            [SYNTHETIC_ACTOR]).fetchone()[0]
    assert labelled == result.submissions_added == 2 * before["submissions"]
    assert settings.benchmark_scale() == 3
    with pytest.raises(ValueError, match="already scaled"):
        scale_warehouse(3, settings)


def test_the_grids_expect_the_twins(scaled):
    settings, _, _ = scaled
    result = build(settings, unit_tests=False)
    assert result.success, [(p.name, p.message) for p in result.problems]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        units = connection.execute("select count(*) from marts.dim_departement").fetchone()[0]
        twin = connection.execute(
            "select status, signalements_cnapr from marts.fct_weekly_reports "
            "where departement_code = '01-003' and week_code = '2026-W47'").fetchone()
    assert units == 3 * 101
    assert twin == ("on_time", 3)
