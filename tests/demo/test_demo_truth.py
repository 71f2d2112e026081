"""The known truth: every status is present, follows the rules, and survives truth.json."""

from __future__ import annotations

from collections import Counter

from data_contracts import calendar
from data_contracts.referential import departements
from demo.truth import (
    TRUTH_FILE, expected_monthly, expected_national_reporting_rate, expected_weekly, read_truth,
)


def _window_reports(plan):
    return [r for (_, week), r in plan.weekly.items() if week >= plan.window_first_week]


def test_the_window_has_on_time_late_nil_missing_and_corrected_reports(plan):
    reports = _window_reports(plan)
    statuses = Counter(r.status for r in reports)
    assert set(statuses) == {"on_time", "late", "nil", "missing"}
    assert statuses["on_time"] > len(reports) / 2
    assert 0 < statuses["nil"] < len(reports) / 5, "a few nil reports, not most"
    corrected = [r for r in reports if r.version_count == 2]
    assert corrected
    assert any(r.first_received_at <= r.deadline_at < r.received_at for r in corrected), \
        "some corrections arrive after the deadline"
    assert any(r.version_count == 2 for r in plan.monthly.values())


def test_nothing_is_received_after_now_and_this_week_is_still_coming_in(plan):
    assert plan.last_week == calendar.current_week(plan.now) == "2026-W48"
    assert all(s.received_at <= plan.now for s in plan.submissions)
    this_week = [expected_weekly(plan, code, plan.last_week) for code in departements()]
    missing = [r for r in this_week if r.status == "missing"]
    assert 5 <= len(missing) <= 50, "on Thursday morning some cells have not sent yet"
    assert all(r.status in ("on_time", "nil", "missing") for r in this_week)


def test_statuses_follow_the_documented_rules(plan):
    for report in [*plan.weekly.values(), *plan.monthly.values()]:
        if report.version_count == 0:
            assert (report.status, report.timeliness, report.figures) == ("missing", "missing", None)
            continue
        timely = report.first_received_at <= report.deadline_at
        assert report.timeliness == ("on_time" if timely else "late")
        assert report.status == ("nil" if report.is_nil else report.timeliness)
        assert report.first_received_at <= report.received_at <= plan.now


def test_history_arrives_as_one_backfill_file_per_departement_and_kind(plan):
    backfills = [s for s in plan.submissions if s.role == "backfill"]
    assert Counter(s.kind for s in backfills)["weekly"] == 101
    assert Counter(s.kind for s in backfills)["monthly"] == 101
    assert all(s.received_at.date() == plan.go_live_at.date() for s in backfills)
    weekly = [s for s in backfills if s.kind == "weekly"]
    assert all(s.periods[0] >= calendar.PROGRAMME_START_WEEK for s in weekly)
    assert all(s.periods[-1] == calendar.shift_week(plan.window_first_week, -1) for s in weekly)
    history = expected_weekly(plan, "75", calendar.PROGRAMME_START_WEEK)
    assert history.status in ("late", "nil", "missing")


def test_national_reporting_rate_counts_received_reports(plan):
    for week in (plan.window_first_week, plan.last_week, "2020-W15"):
        reports = [expected_weekly(plan, code, week) for code in departements()]
        received = sum(r.version_count > 0 for r in reports)
        assert expected_national_reporting_rate(plan, week) == received / 101
        national = plan.national_weekly[week]
        assert national.on_time + national.late + national.nil + national.missing == 101
        assert national.timely + national.tardy == national.received == 101 - national.missing
    assert expected_national_reporting_rate(plan, plan.last_week) < 0.95


def test_latest_figures_are_the_correction(plan):
    corrected = next(r for r in plan.weekly.values() if r.version_count == 2)
    activity = plan.weekly_activity[(corrected.departement, corrected.period)]
    true_figures = {k: v for k, v in activity.figures.items() if k not in ("departement", "semaine")}
    assert corrected.figures == true_figures


def test_truth_json_reads_back_identical(plan):
    again = read_truth(plan.out / TRUTH_FILE)
    assert again.weekly == plan.weekly
    assert again.monthly == plan.monthly
    assert again.practices == plan.practices
    assert again.national_weekly == plan.national_weekly
    assert again.submissions == plan.submissions
    month = calendar.shift_month(calendar.current_month(plan.now), -1)
    assert expected_monthly(again, "2A", month) == expected_monthly(plan, "2A", month)
