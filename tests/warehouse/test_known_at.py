"""A build "as known at" an instant ignores what arrived later (the Thursday synthesis)."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
from warehouse_raw_fixture import FROZEN_NOW, write_raw_fixture

from data_contracts.settings import Settings
from orchestration.warehouse.build import build

THURSDAY_NOON_PARIS = datetime(2026, 11, 19, 11, 0, tzinfo=timezone.utc)


def test_weekly_reports_as_known_at_thursday_noon(tmp_path):
    settings = Settings(home=tmp_path / "home", now=FROZEN_NOW)
    write_raw_fixture(settings.warehouse_path)
    result = build(settings, vars={"known_at": THURSDAY_NOON_PARIS}, unit_tests=False)
    assert result.success, [(p.name, p.message) for p in result.problems]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        rows = dict((dep, (status, versions, new)) for dep, status, versions, new in connection.execute(
            "select departement_code, status, version_count, nouveaux_signalements "
            "from marts.fct_weekly_reports where week_code = '2026-W47' "
            "and departement_code in ('01', '02', '03')").fetchall())
    # 01: only the first version was known; 02 arrived at 11:30 UTC; 03 (nil) was in.
    assert rows == {"01": ("on_time", 1, 3), "02": ("missing", 0, None), "03": ("nil", 1, 0)}
