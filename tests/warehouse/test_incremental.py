"""Incremental builds: after uploads and after the clock moves, the marts are exactly what a
full rebuild gives, the change list holds only the touched keys, and the builds that would be
unsound as increments are full refreshes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from data_contracts.settings import Settings
from demo.files import render
from ingestion.loader import ingest_pending
from ingestion.submit import submit
from orchestration.warehouse import incremental_state
from orchestration.warehouse.build import build, dbt_vars
from warehouse_raw_fixture import FROZEN_NOW, write_raw_fixture

LANDING_SELECT = "source:raw+ int_weekly_deadlines dim_week dim_month"


def marts(settings: Settings) -> dict[str, list[tuple]]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        tables = [r[0] for r in connection.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        return {t: connection.execute(f'select * from marts."{t}" order by all').fetchall() for t in tables}


def changes(settings: Settings) -> set[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        return set(connection.execute(
            "select report_kind, departement_code, period_code from intermediate.int_report_changes "
            "where report_kind <> 'build'").fetchall())


def weekly_csv(departement: str, week: str, cnapr: int) -> bytes:
    return render("weekly", [{"departement": departement, "semaine": week, "signalements_cnapr": cnapr,
                              "signalements_locaux": 0, "dont_mineurs": 0, "orientations_judiciaires": 0,
                              "suivis_en_cours": 5, "suivis_clos": 0, "familles_accompagnees": 1,
                              "commentaire": "correction"}], "csv_utf8")


@pytest.fixture(scope="module")
def incremental_then_full(tmp_path_factory):
    """Fixture warehouse → full build → a correction (02, W47) and a rejected file, landing
    build → the clock moves 12 days, landing build; then the same warehouse rebuilt fully."""
    settings = Settings(home=tmp_path_factory.mktemp("incremental") / "cipd_home", now=FROZEN_NOW)
    write_raw_fixture(settings.warehouse_path)
    first = build(settings, unit_tests=False)
    receipt = submit("weekly", weekly_csv("02", "2026-W47", 4), "hebdo_02.csv", "02", settings=settings,
                     received_at=datetime(2026, 11, 25, 10, 0, tzinfo=timezone.utc))
    refused = submit("weekly", b"pas un tableau", "note.txt", "03", settings=settings)
    ingest_pending(settings)
    after_upload = build(settings, select=LANDING_SELECT, unit_tests=False)
    upload_changes = changes(settings)
    later = Settings(home=settings.home, now=FROZEN_NOW + timedelta(days=12))
    after_clock = build(later, select=LANDING_SELECT, unit_tests=False)
    clock_changes = changes(later)
    incremental = marts(later)
    full = build(later, unit_tests=False, full_refresh=True)
    return {"first": first, "receipt": receipt, "refused": refused, "after_upload": after_upload,
            "upload_changes": upload_changes, "after_clock": after_clock, "clock_changes": clock_changes,
            "incremental": incremental, "full": full, "full_marts": marts(later)}


def test_builds_pass_and_only_the_first_is_a_full_refresh(incremental_then_full):
    run = incremental_then_full
    assert run["receipt"].status == "accepted" and run["refused"].status == "rejected"
    assert run["first"].success and run["first"].full_refresh_reason
    for name in ("after_upload", "after_clock"):
        assert run[name].success, [(p.name, p.message) for p in run[name].problems]
        assert run[name].full_refresh_reason is None
    assert run["full"].success and run["full"].full_refresh_reason == "requested"


def test_the_change_list_holds_the_touched_keys_only(incremental_then_full):
    # The corrected week, the week after it (its stock warning compares with it), and the
    # receipts of both départements that uploaded.
    assert incremental_then_full["upload_changes"] == {
        ("weekly", "02", "2026-W47"), ("weekly", "02", "2026-W48"),
        ("receipts", "02", None), ("receipts", "03", None)}


def test_a_moving_clock_lists_the_new_weeks_and_months_for_every_departement(incremental_then_full):
    listed = incremental_then_full["clock_changes"]
    weeks = {period for kind, _, period in listed if kind == "weekly"}
    assert {"2026-W49", "2026-W50"} <= weeks
    assert len({dep for kind, dep, _ in listed if kind == "weekly"}) == 101


def test_incremental_marts_equal_a_full_rebuild(incremental_then_full):
    incremental, full = incremental_then_full["incremental"], incremental_then_full["full_marts"]
    assert incremental.keys() == full.keys()
    for table in full:
        assert incremental[table] == full[table], table


def test_a_changed_var_or_a_clock_moved_back_forces_a_full_refresh(tmp_path):
    settings = Settings(home=tmp_path / "cipd_home", now=FROZEN_NOW)
    values = dbt_vars(settings)
    assert incremental_state.full_refresh_reason(settings, values)  # nothing recorded yet
    incremental_state.record(settings, values)
    assert incremental_state.full_refresh_reason(settings, values) is None
    assert incremental_state.full_refresh_reason(settings, {**values, "holiday_policy": "keep"})
    assert incremental_state.full_refresh_reason(settings, {**values, "known_at": "2026-11-20 00:00:00"})
    earlier = Settings(home=settings.home, now=FROZEN_NOW - timedelta(days=1))
    assert incremental_state.full_refresh_reason(earlier, dbt_vars(earlier)) == "the clock moved back"
    incremental_state.forget(settings)
    assert incremental_state.full_refresh_reason(settings, values)
