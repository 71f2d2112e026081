"""Publishing copies the marts to serving.duckdb atomically, with the build's metadata."""

from __future__ import annotations

import duckdb
import pytest

from data_contracts.settings import Settings
from orchestration.warehouse.publish import PublishError, publish


def _serving_rows(settings: Settings, sql: str) -> list[tuple]:
    with duckdb.connect(str(settings.serving_path), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def published(built_warehouse):
    return publish(built_warehouse.settings)


def test_every_mart_is_copied_with_its_rows(built_warehouse, published):
    settings = built_warehouse.settings
    marts = [name for (name,) in built_warehouse.rows(
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1")]
    assert set(marts) | {"meta_build", "meta_test_results"} == set(published.tables)
    for table in marts:
        (expected,) = built_warehouse.rows(f"select count(*) from marts.{table}")[0]
        assert _serving_rows(settings, f"select count(*) from marts.{table}") == [(expected,)], table


def test_meta_build_says_which_clock_and_dbt_built_it(built_warehouse, published):
    ((dbt_version, as_of, holiday_policy, nodes_total, nodes_failed),) = _serving_rows(
        built_warehouse.settings,
        "select dbt_version, as_of, holiday_policy, nodes_total, nodes_failed from marts.meta_build")
    assert dbt_version.startswith("1.11.")
    assert (as_of, holiday_policy) == ("2026-11-26 09:00:00", "previous_working_day")
    assert (nodes_total, nodes_failed) == (len(built_warehouse.result.outcomes), 0)


def test_meta_test_results_lists_each_test_with_its_model(built_warehouse, published):
    rows = _serving_rows(built_warehouse.settings,
                         "select resource_type, test_name, model_name, column_name, status "
                         "from marts.meta_test_results")
    result = built_warehouse.result
    assert len(rows) == result.count("test") + result.count("unit_test")
    assert ("test", "accepted_values", "fct_weekly_reports", "status", "pass") in rows
    assert {status for *_, status in rows} == {"pass"}


def test_publish_renames_a_new_file_over_the_old_one(built_warehouse, published):
    settings = built_warehouse.settings
    before = settings.serving_path.stat().st_ino
    reader = duckdb.connect(str(settings.serving_path), read_only=True)
    try:
        abandoned = settings.serving_path.with_name(".serving-crashed.duckdb.tmp")
        abandoned.write_bytes(b"half a copy")
        again = publish(settings)
        # A reader that opened the old file keeps a complete, readable database.
        assert reader.execute("select count(*) from marts.dim_departement").fetchone() == (101,)
    finally:
        reader.close()
    assert settings.serving_path.stat().st_ino != before
    assert again.path == settings.serving_path
    leftovers = [p.name for p in settings.root.iterdir() if p.name.startswith(".serving-")]
    assert leftovers == []


def test_publish_refuses_a_warehouse_without_marts(tmp_path):
    settings = Settings(home=tmp_path / "home")
    with pytest.raises(PublishError):
        publish(settings)
    settings.root.mkdir(parents=True)
    duckdb.connect(str(settings.warehouse_path)).close()
    with pytest.raises(PublishError):
        publish(settings)
    assert not settings.serving_path.exists()
