"""The marts reproduce the demo generator's known truth (demo/truth.py).

The demo submits real files through the one submit path with simulated receipt times (on
time, late, corrected after the deadline, nil, never sent), the loader fills raw, and a full
`dbt build` (models, data tests and unit tests) runs on that warehouse.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import pytest
from warehouse_raw_fixture import FROZEN_NOW

from data_contracts.settings import Settings
from demo.generator import generate, load
from orchestration.warehouse.build import build

#: Four weeks (2026-W45 → 2026-W48) bring the October monthly reports and practices along.
DEMO_WEEKS = 4
DEMO_SEED = 2014
PRACTICE_RENAMES = {"type_action": "action_type_code", "public_cible": "target_public_code"}


def _naive_utc(instant: datetime | None) -> datetime | None:
    return None if instant is None else instant.astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    settings = Settings(home=tmp_path_factory.mktemp("demo") / "cipd_home", now=FROZEN_NOW)
    plan = generate(settings.root / "demo", weeks=DEMO_WEEKS, seed=DEMO_SEED, history=False,
                    settings=settings)
    summary = load(plan, settings)
    assert not summary.rejected and not summary.load_failures
    result = build(settings)
    return settings, plan, result


def _rows(settings: Settings, sql: str) -> dict[tuple[str, str], dict]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    return {(row["departement_code"], row["period"]): row for row in rows}


def test_dbt_build_with_unit_tests_passes_on_the_demo_warehouse(demo):
    _, _, result = demo
    assert result.success, [(p.name, p.message) for p in result.problems]
    assert result.count("unit_test") >= 10 and result.count("test") >= 20


def test_one_departement_week_by_hand(demo):
    settings, plan, _ = demo
    truth = plan.weekly[("75", "2026-W47")]
    row = _rows(settings, "select *, week_code as period from marts.fct_weekly_reports "
                          "where departement_code = '75' and week_code = '2026-W47'")[("75", "2026-W47")]
    assert row["nouveaux_signalements"] == (
        truth.figures["signalements_cnapr"] + truth.figures["signalements_locaux"])
    assert (row["status"], row["version_count"]) == (truth.status, truth.version_count)


def test_national_reporting_rate_of_a_week(demo):
    settings, plan, _ = demo
    truth = plan.national_weekly["2026-W47"]
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        received, rate = connection.execute(
            "select departements_received, reporting_rate from marts.fct_national_weekly "
            "where week_code = '2026-W47'").fetchone()
    assert received == truth.received
    assert rate == pytest.approx(truth.received / 101)
    assert rate == pytest.approx(truth.reporting_rate)


@pytest.mark.parametrize(("kind", "mart", "period"), [
    ("weekly", "fct_weekly_reports", "week_code"),
    ("monthly", "fct_monthly_reports", "month_code"),
])
def test_every_report_of_the_window_matches_the_truth(demo, kind, mart, period):
    settings, plan, _ = demo
    expected = plan.weekly if kind == "weekly" else plan.monthly
    rows = _rows(settings, f"select *, {period} as period from marts.{mart}")
    mismatches = []
    for key, truth in expected.items():
        row = rows[key]
        wanted = {"status": truth.status, "timeliness": truth.timeliness, "is_nil": truth.is_nil,
                  "version_count": truth.version_count, "deadline_at": _naive_utc(truth.deadline_at),
                  "first_received_at": _naive_utc(truth.first_received_at),
                  "received_at": _naive_utc(truth.received_at), **(truth.figures or {})}
        got = {name: row[name] for name in wanted}
        if got != wanted:
            mismatches.append((key, {k: (got[k], v) for k, v in wanted.items() if got[k] != v}))
    assert not mismatches, mismatches[:5]
    assert len(expected) >= 101 * (DEMO_WEEKS if kind == "weekly" else 1)


def test_national_coverage_of_every_week_matches_the_truth(demo):
    settings, plan, _ = demo
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        rows = {row[0]: row[1:] for row in connection.execute(
            "select week_code, departements_expected, departements_received, departements_on_time, "
            "departements_late, departements_nil, departements_missing from marts.fct_national_weekly"
        ).fetchall()}
    for week, truth in plan.national_weekly.items():
        assert rows[week] == (truth.expected, truth.received, truth.timely, truth.tardy, truth.nil,
                              truth.missing), week


def test_good_practices_match_the_truth(demo):
    settings, plan, _ = demo
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as connection:
        cursor = connection.execute("select * from marts.fct_good_practices")
        names = [d[0] for d in cursor.description]
        rows = {(r["departement_code"], r["month_code"], r["titre"]): r
                for r in (dict(zip(names, values)) for values in cursor.fetchall())}
    assert set(rows) == set(plan.practices)
    for key, truth in plan.practices.items():
        row = rows[key]
        assert (row["version_count"], row["received_at"]) == (truth.version_count, _naive_utc(truth.received_at))
        for name, value in truth.figures.items():
            if name in ("departement", "mois", "titre"):
                continue
            assert row[PRACTICE_RENAMES.get(name, name)] == value, (key, name)
