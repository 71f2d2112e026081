"""The marts built from the hand-made raw fixture (warehouse_raw_fixture.py explains each row)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from decimal import Decimal

import pytest

WEEKS_SINCE_2014_W49 = 626  # 2014-W49 … 2026-W48 (ISO 2015 and 2020 have 53 weeks)


def test_build_runs_models_and_data_tests(built_warehouse):
    result = built_warehouse.result
    assert result.success
    assert result.count("model") >= 20
    assert result.count("unit_test") == 0  # unit_tests=False
    tests = {o.name for o in result.outcomes if o.resource_type == "test"}
    for required in ("complete_grid_fct_weekly_reports", "complete_grid_fct_monthly_reports",
                     "accepted_values_fct_weekly_reports_status", "between_fct_national_weekly_reporting_rate",
                     "unique_dim_departement_departement_code"):
        assert any(name.startswith(required) for name in tests), required
    assert not result.problems
    assert result.run_results_path.is_file()


def test_build_writes_nothing_inside_the_repository(built_warehouse):
    assert built_warehouse.repo_files_now == built_warehouse.repo_files_before
    assert built_warehouse.settings.dbt_target_dir.joinpath("manifest.json").is_file()
    assert built_warehouse.settings.dbt_log_dir.joinpath("dbt.log").is_file()


def test_build_releases_the_warehouse_file_for_other_processes(built_warehouse):
    # dbt-duckdb keeps its database open in-process; build() must close it.
    probe = "import duckdb, sys; duckdb.connect(sys.argv[1]).execute('select 1').fetchall()"
    completed = subprocess.run([sys.executable, "-c", probe, str(built_warehouse.settings.warehouse_path)],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr


def test_weekly_grid_is_every_departement_times_every_week(built_warehouse):
    (count, departements, weeks, last_week) = built_warehouse.rows(
        "select count(*), count(distinct departement_code), count(distinct week_code), max(week_code) "
        "from marts.fct_weekly_reports")[0]
    assert (departements, weeks, last_week) == (101, WEEKS_SINCE_2014_W49, "2026-W48")
    assert count == 101 * WEEKS_SINCE_2014_W49


def test_correction_after_deadline_stays_on_time_with_the_corrected_figures(built_warehouse):
    row = built_warehouse.one(
        "select * from marts.fct_weekly_reports where departement_code = '01' and week_code = '2026-W47'")
    assert row["status"] == "on_time"
    assert row["version_count"] == 2
    assert row["first_received_at"] == datetime(2026, 11, 19, 10, 0)
    assert row["received_at"] == datetime(2026, 11, 20, 9, 0)
    assert row["deadline_at"] == datetime(2026, 11, 19, 11, 0)
    assert row["submission_id"] == "w-01-47b"
    assert (row["signalements_cnapr"], row["nouveaux_signalements"]) == (3, 4)
    # The stock fell from 20 to 10 with no closure: flagged.
    assert row["has_stock_warning"] is True


@pytest.mark.parametrize(("departement", "status", "timeliness", "is_received", "is_nil"), [
    ("02", "late", "late", True, False),
    ("03", "nil", "on_time", True, True),
    ("04", "missing", "missing", False, False),
])
def test_weekly_statuses(built_warehouse, departement, status, timeliness, is_received, is_nil):
    row = built_warehouse.one(
        "select * from marts.fct_weekly_reports where departement_code = ? and week_code = '2026-W47'",
        [departement])
    assert (row["status"], row["timeliness"], row["is_received"], row["is_nil"]) == (
        status, timeliness, is_received, is_nil)


def test_missing_report_has_null_figures_never_zero(built_warehouse):
    row = built_warehouse.one(
        "select * from marts.fct_weekly_reports where departement_code = '04' and week_code = '2026-W47'")
    assert row["version_count"] == 0
    assert row["nouveaux_signalements"] is None and row["suivis_en_cours"] is None


def test_national_week_counts_and_rates(built_warehouse):
    row = built_warehouse.one("select * from marts.fct_national_weekly where week_code = '2026-W47'")
    assert row["departements_expected"] == 101
    assert (row["departements_received"], row["departements_on_time"], row["departements_late"],
            row["departements_nil"], row["departements_missing"]) == (3, 2, 1, 1, 98)
    assert row["reporting_rate"] == pytest.approx(3 / 101)
    assert row["on_time_rate"] == pytest.approx(2 / 101)
    assert row["nouveaux_signalements"] == 4 + 1 + 0
    empty = built_warehouse.one("select * from marts.fct_national_weekly where week_code = '2026-W40'")
    assert empty["departements_received"] == 0 and empty["nouveaux_signalements"] is None


def test_reports_not_received_are_awaited_only_until_their_deadline(built_warehouse):
    # The build's clock: Thursday of W48 before noon. W47 is overdue, W48 still awaited.
    rows = dict(built_warehouse.rows(
        "select week_code, departements_awaited from marts.fct_national_weekly "
        "where week_code in ('2026-W47', '2026-W48')"))
    missing_w48 = built_warehouse.rows(
        "select count(*) from marts.fct_weekly_reports where week_code = '2026-W48' and is_awaited")[0][0]
    assert rows == {"2026-W47": 0, "2026-W48": missing_w48} and missing_w48 > 0
    (overdue,) = built_warehouse.rows(
        "select count(*) from marts.fct_weekly_reports where is_awaited and is_past_deadline")[0]
    assert overdue == 0


def test_regional_week_covers_only_the_regions_departements(built_warehouse):
    # Ain (01) and Allier (03) are in Auvergne-Rhône-Alpes (84, 12 départements).
    row = built_warehouse.one(
        "select * from marts.fct_regional_weekly where week_code = '2026-W47' and region_code = '84'")
    assert (row["departements_expected"], row["departements_received"], row["departements_nil"]) == (12, 2, 1)
    assert row["nouveaux_signalements"] == 4


def test_current_week_is_expected_but_not_yet_overdue(built_warehouse):
    row = built_warehouse.one(
        "select * from marts.fct_weekly_reports where departement_code = '01' and week_code = '2026-W48'")
    assert (row["status"], row["is_past_deadline"]) == ("missing", False)
    week = built_warehouse.one("select * from marts.dim_week where week_code = '2026-W48'")
    assert week["is_current_week"] is True and week["deadline_at"] == datetime(2026, 11, 26, 11, 0)


def test_monthly_statuses_and_deadline(built_warehouse):
    rows = {code: (status, deadline) for code, status, deadline in built_warehouse.rows(
        "select departement_code, status, deadline_at from marts.fct_monthly_reports "
        "where month_code = '2026-10' and departement_code in ('01', '02', '03')")}
    deadline = datetime(2026, 11, 5, 11, 0)
    assert rows == {"01": ("on_time", deadline), "02": ("late", deadline), "03": ("missing", deadline)}
    national = built_warehouse.one("select * from marts.fct_national_monthly where month_code = '2026-10'")
    assert (national["departements_received"], national["suivis_engages"]) == (2, 4)
    assert national["fipd_engage_eur"] == Decimal("1700.50")


def test_cell_partners_share(built_warehouse):
    shares = dict(built_warehouse.rows(
        "select partner_type_code, mobilising_share from marts.fct_cell_partners where month_code = '2026-10'"))
    assert shares == {"spip": 1.0, "association": 0.5, "conseil_departemental": 0.0,
                      "psychologue": 0.0, "education_nationale": 0.0}


def test_fipd_and_good_practices(built_warehouse):
    fipd = built_warehouse.one(
        "select * from marts.fct_fipd where departement_code = '01' and month_code = '2026-10'")
    assert fipd["fipd_engage_eur"] == Decimal("1500.50")
    assert fipd["fipd_engage_eur_year_to_date"] == Decimal("1500.50")
    practice = built_warehouse.one("select * from marts.fct_good_practices")
    assert (practice["description"], practice["version_count"], practice["region_code"]) == (
        "Version corrigée.", 2, "84")
    assert (practice["month_report_status"], practice["suivis_engages"]) == ("on_time", 3)


def test_submissions_are_numbered_per_departement_kind_and_period(built_warehouse):
    versions = dict(built_warehouse.rows(
        "select submission_id, version_number from marts.fct_submissions"))
    assert versions["w-01-47a"] == 1 and versions["w-01-47b"] == 2
    assert versions["w-02-47"] == 1
    assert versions["r-04-47"] is None


def test_weekly_vs_monthly_compares_only_complete_months(built_warehouse):
    row = built_warehouse.one(
        "select * from marts.fct_weekly_vs_monthly where departement_code = '01' and month_code = '2026-10'")
    assert row["weeks_expected"] == 5  # Thursdays 1, 8, 15, 22 and 29 October 2026
    assert row["is_comparable"] is False and row["has_inconsistency"] is None
