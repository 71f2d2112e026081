"""Schedules: cron, Paris time zone, fire times across the March 2026 DST change, run config."""

from __future__ import annotations

from datetime import datetime, timezone
from itertools import islice

import pytest
from dagster import build_schedule_context
from dagster._utils.schedules import schedule_execution_time_iterator

from data_contracts.settings import Settings
from orchestration.defs.schedules import build_schedules

UTC = timezone.utc


@pytest.fixture(scope="module")
def schedules():
    return {s.name: s for s in build_schedules(Settings(home="unused"))}


def fire_times(schedule, after: datetime, count: int) -> list[datetime]:
    ticks = schedule_execution_time_iterator(after.timestamp(), schedule.cron_schedule,
                                             schedule.execution_timezone)
    return [tick.astimezone(UTC) for tick in islice(ticks, count)]


@pytest.mark.parametrize(("name", "cron"), [
    ("reminder_list_schedule", "0 10 * * 1-5"),
    ("weekly_synthesis_schedule", "5 12 * * 1-5"),
    ("monthly_report_schedule", "0 9 6 * *"),
])
def test_each_schedule_says_its_time_in_paris(schedules, name, cron):
    assert schedules[name].cron_schedule == cron
    assert schedules[name].execution_timezone == "Europe/Paris"


def runs(schedule, after: datetime, count: int) -> list[tuple[datetime, str]]:
    """The ticks that start a run (the others skip: no deadline that day), with their week."""
    found = []
    for tick in fire_times(schedule, after, 60):
        result = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
        if result.run_requests:
            (config,) = result.run_requests[0].run_config["ops"].values()
            found.append((tick, config["config"]["week"]))
        if len(found) == count:
            return found
    raise AssertionError(f"fewer than {count} runs after {after}")


def test_the_synthesis_runs_at_12_05_paris_on_both_sides_of_the_dst_change(schedules):
    # Summer time starts on Sunday 29 March 2026: 11:05 UTC before, 10:05 UTC after.
    assert runs(schedules["weekly_synthesis_schedule"], datetime(2026, 3, 20, tzinfo=UTC), 2) == [
        (datetime(2026, 3, 26, 11, 5, tzinfo=UTC), "2026-W13"),
        (datetime(2026, 4, 2, 10, 5, tzinfo=UTC), "2026-W14")]


def test_the_reminder_list_runs_two_hours_before_the_deadline(schedules):
    assert runs(schedules["reminder_list_schedule"], datetime(2026, 10, 20, tzinfo=UTC), 2) == [
        (datetime(2026, 10, 22, 8, 0, tzinfo=UTC), "2026-W43"),  # summer time until 25 October
        (datetime(2026, 10, 29, 9, 0, tzinfo=UTC), "2026-W44")]


def test_on_ascension_week_both_documents_move_to_the_wednesday_deadline(schedules):
    # Ascension is Thursday 14 May 2026: the report is due Wednesday 13 May at 12:00 (10:00 UTC).
    assert runs(schedules["reminder_list_schedule"], datetime(2026, 5, 11, tzinfo=UTC), 2) == [
        (datetime(2026, 5, 13, 8, 0, tzinfo=UTC), "2026-W20"),
        (datetime(2026, 5, 21, 8, 0, tzinfo=UTC), "2026-W21")]
    assert runs(schedules["weekly_synthesis_schedule"], datetime(2026, 5, 11, tzinfo=UTC), 1) == [
        (datetime(2026, 5, 13, 10, 5, tzinfo=UTC), "2026-W20")]


def test_a_thursday_new_year_moves_the_deadline_into_the_previous_year(schedules):
    # 1 January 2026 is a Thursday of 2026-W01, whose deadline is Wednesday 31 December 2025.
    assert runs(schedules["weekly_synthesis_schedule"], datetime(2025, 12, 27, tzinfo=UTC), 1) == [
        (datetime(2025, 12, 31, 11, 5, tzinfo=UTC), "2026-W01")]


def test_the_next_working_day_policy_moves_them_to_the_friday():
    friday_policy = {s.name: s for s in build_schedules(
        Settings(home="unused", holiday_policy="next_working_day"))}
    assert runs(friday_policy["reminder_list_schedule"], datetime(2026, 5, 11, tzinfo=UTC), 1) == [
        (datetime(2026, 5, 15, 8, 0, tzinfo=UTC), "2026-W20")]


def test_a_day_without_deadline_skips(schedules):
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    result = schedules["reminder_list_schedule"].evaluate_tick(
        build_schedule_context(scheduled_execution_time=monday))
    assert not result.run_requests and "Pas d'échéance" in result.skip_message


def test_the_monthly_report_fires_on_the_configured_day_and_hour(schedules):
    assert fire_times(schedules["monthly_report_schedule"], datetime(2026, 3, 1, tzinfo=UTC), 2) == [
        datetime(2026, 3, 6, 8, 0, tzinfo=UTC), datetime(2026, 4, 6, 7, 0, tzinfo=UTC)]
    custom = {s.name: s for s in build_schedules(
        Settings(home="unused", monthly_report_day=10, monthly_report_hour=14))}
    assert custom["monthly_report_schedule"].cron_schedule == "0 14 10 * *"


def _run_config(schedule, instant: datetime) -> dict:
    (request,) = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=instant)).run_requests
    return request.run_config["ops"]


def test_weekly_ticks_name_the_week_of_the_tick(schedules):
    tick = datetime(2026, 3, 26, 11, 5, tzinfo=UTC)
    assert _run_config(schedules["weekly_synthesis_schedule"], tick) == {
        "weekly_synthesis": {"config": {"week": "2026-W13"}}}
    assert _run_config(schedules["reminder_list_schedule"], datetime(2026, 11, 26, 9, 0, tzinfo=UTC)) == {
        "reminder_list": {"config": {"week": "2026-W48"}}}


def test_the_monthly_tick_reports_on_the_month_before(schedules):
    tick = datetime(2027, 1, 6, 8, 0, tzinfo=UTC)
    assert _run_config(schedules["monthly_report_schedule"], tick) == {
        "monthly_report": {"config": {"month": "2026-12"}}}


def _deadline_build_ticks(schedule, after: datetime, count: int) -> list[tuple[datetime, dict]]:
    found = []
    for tick in fire_times(schedule, after, 60):
        result = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
        if result.run_requests:
            found.append((tick, result.run_requests[0].tags))
        if len(found) == count:
            return found
    raise AssertionError(f"fewer than {count} runs after {after}")


def test_the_landing_job_rebuilds_the_marts_one_minute_after_the_weekly_deadline(schedules):
    schedule = schedules["weekly_deadline_build_schedule"]
    assert schedule.job_name == "ingest_build_publish"
    (tick, tags), = _deadline_build_ticks(schedule, datetime(2026, 11, 20, tzinfo=UTC), 1)
    assert tick == datetime(2026, 11, 26, 11, 1, tzinfo=UTC)  # Thursday 12:01 in Paris
    assert {"cipd/warehouse": "write", "cipd/deadline_passed": "2026-W48"}.items() <= tags.items()


def test_the_weekly_deadline_build_follows_a_holiday_deadline(schedules):
    # Ascension, Thursday 14 May 2026: the deadline moves to Wednesday 13 May.
    (tick, tags), = _deadline_build_ticks(schedules["weekly_deadline_build_schedule"],
                                          datetime(2026, 5, 11, tzinfo=UTC), 1)
    assert tick == datetime(2026, 5, 13, 10, 1, tzinfo=UTC) and tags["cipd/deadline_passed"] == "2026-W20"


def test_the_landing_job_rebuilds_the_marts_one_minute_after_the_monthly_deadline(schedules):
    (tick, tags), = _deadline_build_ticks(schedules["monthly_deadline_build_schedule"],
                                          datetime(2026, 11, 20, tzinfo=UTC), 1)
    assert tick == datetime(2026, 12, 5, 11, 1, tzinfo=UTC) and tags["cipd/deadline_passed"] == "2026-12"
