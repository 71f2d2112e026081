"""The dbt sources are derived from the contracts; the committed file must match."""

from __future__ import annotations

import yaml

from data_contracts.codes import PARTNER_COLUMNS
from data_contracts.raw_schema import LINEAGE_COLUMNS, RAW_TABLES
from data_contracts.registry import columns
from cli.main import main
from orchestration.warehouse.dbt_sources import SOURCES_YML, render_sources_yml


def test_committed_sources_file_is_the_generated_one():
    assert SOURCES_YML.read_text(encoding="utf-8") == render_sources_yml(), (
        "dbt_project/models/staging/_sources.yml is stale: run `cipd dbt-sources`")


def test_each_contract_table_lists_lineage_then_contract_columns():
    tables = {t["name"]: t for t in yaml.safe_load(render_sources_yml())["sources"][0]["tables"]}
    for kind, table in RAW_TABLES.items():
        names = [column["name"] for column in tables[table]["columns"]]
        assert names == list(LINEAGE_COLUMNS) + columns(kind)
    assert {"submissions", "audit_log"} <= set(tables)


def test_partner_columns_carry_their_partner_type():
    monthly = next(t for t in yaml.safe_load(render_sources_yml())["sources"][0]["tables"]
                   if t["name"] == RAW_TABLES["monthly"])
    tagged = {c["name"]: c["meta"]["partner_type"] for c in monthly["columns"] if "meta" in c}
    assert tagged == {column: code for code, column in PARTNER_COLUMNS.items()}


def test_cli_check_reports_an_up_to_date_file(capsys):
    assert main(["dbt-sources", "--check"]) == 0
    assert "à jour" in capsys.readouterr().out


def test_committed_quality_rule_macros_are_the_generated_ones():
    from orchestration.warehouse.dbt_rules import RULES_SQL, render_rules_sql

    assert RULES_SQL.read_text(encoding="utf-8") == render_rules_sql(), (
        "dbt_project/macros/quality_rules.sql is stale: run `cipd dbt-sources`")


def test_committed_calendar_macros_are_the_generated_ones():
    from orchestration.warehouse.dbt_rules import CALENDAR_SQL, render_calendar_sql

    assert CALENDAR_SQL.read_text(encoding="utf-8") == render_calendar_sql(), (
        "dbt_project/macros/calendar_settings.sql is stale: run `cipd dbt-sources`")
