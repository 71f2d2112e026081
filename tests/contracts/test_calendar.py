"""The calendar facts the hub depends on: ISO weeks, DST, 53-week years, Thursday holidays."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from data_contracts import calendar

UTC = timezone.utc


@pytest.mark.parametrize(("year", "weeks"), [(2014, 52), (2015, 53), (2020, 53), (2025, 52), (2026, 53)])
def test_weeks_in_iso_year(year, weeks):
    assert calendar.weeks_in_year(year) == weeks


def test_week_codes_follow_iso_not_calendar_years():
    assert calendar.week_code(date(2021, 1, 1)) == "2020-W53"
    assert calendar.week_code(date(2027, 1, 1)) == "2026-W53"
    assert calendar.week_code(date(2026, 12, 31)) == "2026-W53"
    assert calendar.week_monday("2026-W48") == date(2026, 11, 23)
    assert calendar.shift_week("2026-W53", 1) == "2027-W01"
    assert len(list(calendar.iter_weeks("2026-W01", "2026-W53"))) == 53


@pytest.mark.parametrize("code", ["2026-W54", "2025-W53", "2026-48", "2026-W4", "W48-2026", ""])
def test_invalid_week_codes(code):
    with pytest.raises(ValueError):
        calendar.parse_week(code)


def test_deadline_is_thursday_noon_paris_in_utc_across_the_march_dst_change():
    # Last Thursday of winter time, then the first of summer time (clocks change Sun 29 March 2026).
    assert calendar.weekly_deadline("2026-W13") == datetime(2026, 3, 26, 11, 0, tzinfo=UTC)
    assert calendar.weekly_deadline("2026-W14") == datetime(2026, 4, 2, 10, 0, tzinfo=UTC)


def test_deadline_comparison_across_the_october_dst_change():
    # Clocks go back on Sunday 25 October 2026: W43's deadline is 10:00 UTC, W44's 11:00 UTC.
    w43 = calendar.weekly_deadline("2026-W43")
    w44 = calendar.weekly_deadline("2026-W44")
    assert w43 == datetime(2026, 10, 22, 10, 0, tzinfo=UTC)
    assert w44 == datetime(2026, 10, 29, 11, 0, tzinfo=UTC)
    # 10:30 UTC on 29 October is 11:30 in Paris: on time, though it would be late in summer time.
    received = datetime(2026, 10, 29, 10, 30, tzinfo=UTC)
    assert received <= w44
    assert received.replace(month=10, day=22) > w43


def test_ascension_moves_the_deadline_by_policy():
    # Ascension 2026 is Thursday 14 May (2026-W20).
    assert calendar.holiday_name(date(2026, 5, 14)) is not None
    assert calendar.weekly_deadline("2026-W20", "keep") == datetime(2026, 5, 14, 10, 0, tzinfo=UTC)
    assert calendar.weekly_deadline("2026-W20") == datetime(2026, 5, 13, 10, 0, tzinfo=UTC)
    assert calendar.weekly_deadline("2026-W20", "next_working_day") == datetime(2026, 5, 15, 10, 0, tzinfo=UTC)


def test_christmas_and_new_year_thursdays_2014_2015():
    assert calendar.weekly_deadline("2014-W52") == datetime(2014, 12, 24, 11, 0, tzinfo=UTC)
    assert calendar.weekly_deadline("2015-W01") == datetime(2014, 12, 31, 11, 0, tzinfo=UTC)
    # next working day after Christmas is Friday 26 December, except in Alsace-Moselle.
    assert calendar.weekly_deadline("2014-W52", "next_working_day") == datetime(2014, 12, 26, 11, 0, tzinfo=UTC)
    assert calendar.weekly_deadline("2014-W52", "next_working_day", "67") == datetime(2014, 12, 29, 11, 0, tzinfo=UTC)


def test_local_holidays_move_only_their_departements():
    # 26 December 2024 is a Thursday: a holiday in Alsace-Moselle only.
    # Wednesday 25th is Christmas, so the previous working day is Tuesday 24th.
    assert calendar.weekly_deadline("2024-W52", departement_code="57") == datetime(2024, 12, 24, 11, 0, tzinfo=UTC)
    assert calendar.weekly_deadline("2024-W52", departement_code="75") == datetime(2024, 12, 26, 11, 0, tzinfo=UTC)


def test_monthly_deadline_is_the_fifth_at_noon_paris():
    assert calendar.monthly_deadline("2026-11") == datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
    assert calendar.monthly_deadline("2026-05") == datetime(2026, 6, 5, 10, 0, tzinfo=UTC)


def test_weeks_belong_to_the_month_of_their_thursday():
    assert calendar.weeks_of_month("2026-11") == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    months = {}
    for week in calendar.iter_weeks("2025-W01", "2026-W53"):
        months.setdefault(week, []).append(calendar.month_code(calendar.week_thursday(week)))
    assert all(len(v) == 1 for v in months.values())


def test_the_committed_deadline_seed_is_the_calendar_output(tmp_path):
    from cli.contracts import CALENDAR_SEED, write_calendar_seed

    fresh = write_calendar_seed(tmp_path / "seed.csv")
    assert fresh.read_text() == CALENDAR_SEED.read_text(), "run `cipd calendar-seed` and commit"
