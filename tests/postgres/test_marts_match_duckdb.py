"""Every mart on PostgreSQL is row-for-row DuckDB's on the same demo data: after a full build,
after an incremental build of appended rows, and in an "as known at" build."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_compare import differences, duckdb_result, postgres_result
from twin_warehouses import MARTS, TwinWarehouses

from orchestration.reports import queries as report_queries
from orchestration.warehouse.build import build
from orchestration.warehouse.publish import publish
from storage.published import serving_connection
from storage.engine import BUILD_MARTS_SCHEMA
from tests_now import FROZEN_NOW

STAGES = ("full", "incremental", "known_at")
#: Marts the demo leaves empty (it sends no review request, and its audit journal is never
#: refused): compared for columns and emptiness.
EMPTY_ON_THE_DEMO = frozenset({"fct_review_requests", "fct_audit_integrity"})


def _build_both(twins: TwinWarehouses, **options) -> dict:
    results = {}
    for name, settings in (("duckdb", twins.duckdb), ("postgres", twins.postgres)):
        result = build(settings, unit_tests=False, **options)
        assert result.success, [(p.name, p.message) for p in result.problems]
        results[name] = result
    return results


def _snapshot(twins: TwinWarehouses) -> dict[str, tuple]:
    return {mart: (duckdb_result(twins.duckdb.warehouse_path, f"select * from marts.{mart}"),
                   postgres_result(twins.postgres, f"select * from {BUILD_MARTS_SCHEMA}.{mart}"))
            for mart in MARTS}


@pytest.fixture(scope="module")
def stages(tmp_path_factory, postgres_cluster):
    twins = TwinWarehouses.create(tmp_path_factory.mktemp("twins"), postgres_cluster, "cipd_marts_twins")
    twins.submit_demo()
    twins.load_postgres()
    snapshots, builds = {}, {}
    builds["full"] = _build_both(twins)
    snapshots["full"] = _snapshot(twins)
    twins.append_week()
    builds["incremental"] = _build_both(twins)
    snapshots["incremental"] = _snapshot(twins)
    for settings in (twins.duckdb, twins.postgres):  # the documents read what is published
        publish(settings)
    builds["known_at"] = _build_both(twins, vars={"known_at": FROZEN_NOW - timedelta(days=5)})
    snapshots["known_at"] = _snapshot(twins)
    return snapshots, builds, twins


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("mart", MARTS)
def test_mart_on_postgres_matches_duckdb_row_for_row(stages, stage, mart):
    snapshots, *_ = stages
    expected, actual = snapshots[stage][mart]
    if mart not in EMPTY_ON_THE_DEMO:
        assert expected[1], f"{mart} is empty on DuckDB at stage {stage}: the comparison would prove nothing"
    assert differences(expected, actual) == []


def test_incremental_build_on_postgres_rebuilds_only_changed_keys_after_appended_rows(stages):
    _, builds, _ = stages
    assert builds["incremental"]["postgres"].full_refresh_reason is None
    assert builds["incremental"]["duckdb"].full_refresh_reason is None


def test_appended_rows_change_the_marts_on_both_engines(stages):
    snapshots, *_ = stages
    before, after = snapshots["full"]["fct_weekly_reports"], snapshots["incremental"]["fct_weekly_reports"]
    assert differences(before[0], after[0]) != [] and differences(before[1], after[1]) != []


#: Every document query, with the periods of the demo (as the synthesis, the monthly report
#: and the reminder list call them).
REPORT_QUERIES = {
    "national_periods_week": lambda c: report_queries.national_periods(c, "week", "2026-W44", "2026-W48"),
    "national_periods_month": lambda c: report_queries.national_periods(c, "month", "2026-08", "2026-11"),
    "weekly_compliance": lambda c: report_queries.weekly_compliance(c, "2026-W47"),
    "regional_week": lambda c: report_queries.regional_week(c, "2026-W47"),
    "notable_weekly_changes": lambda c: report_queries.notable_weekly_changes(c, "2026-W47", "2026-W46"),
    "stock_warnings": lambda c: report_queries.stock_warnings(c, "2026-W47"),
    "weekly_vs_monthly_warnings": lambda c: report_queries.weekly_vs_monthly_warnings(c, ["2026-10"]),
    "missing_weekly_reports": lambda c: report_queries.missing_weekly_reports(c, "2026-W48", "2026-W47"),
    "monthly_by_departement": lambda c: report_queries.monthly_by_departement(c, "2026-10"),
    "cell_partners": lambda c: report_queries.cell_partners(c, "2026-10"),
    "good_practices": lambda c: report_queries.good_practices(c, "2026-10"),
    "fipd_by_region": lambda c: report_queries.fipd_by_region(c, "2026-10"),
}


def _report_result(settings, query) -> tuple[list[str], list[tuple]]:
    with serving_connection(settings) as connection:
        rows = query(connection)
    columns = list(rows[0]) if rows else []
    return columns, [tuple(row.values()) for row in rows]


@pytest.mark.parametrize("name", sorted(REPORT_QUERIES))
def test_document_query_on_postgres_matches_duckdb(stages, name):
    *_, twins = stages
    expected = _report_result(twins.duckdb, REPORT_QUERIES[name])
    actual = _report_result(twins.postgres, REPORT_QUERIES[name])
    assert differences(expected, actual) == []
