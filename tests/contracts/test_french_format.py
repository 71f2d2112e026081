"""French number and date rules shared by documents, pages and downloads."""

from __future__ import annotations

from datetime import date, datetime, timezone

from data_contracts.french_format import (
    fr_bool,
    fr_date,
    fr_datetime,
    fr_decimal,
    fr_int,
    fr_number,
    fr_percent,
    fr_short_month,
)


def test_thousands_are_grouped_with_a_narrow_no_break_space():
    assert fr_int(9830) == "9\u202f830" and fr_int(1234567) == "1\u202f234\u202f567"


def test_decimals_use_a_comma():
    assert fr_decimal(1.4) == "1,4" and fr_number(0.05, 2) == "0,05" and fr_number(10397) == "10\u202f397"


def test_percent_has_a_space_before_the_sign():
    assert fr_percent(0.8333, 2) == "83,33\u202f%"


def test_dates_read_dd_mm_yyyy_in_paris_time():
    assert fr_date(date(2026, 12, 4)) == "04/12/2026"
    assert fr_datetime(datetime(2026, 11, 26, 11, 0, tzinfo=timezone.utc)) == "26/11/2026 12:00 (heure de Paris)"


def test_chart_months_use_french_abbreviations():
    assert fr_short_month("2026-01") == "janv. 2026" and fr_short_month("2026-12") == "déc. 2026"


def test_booleans_read_oui_non_and_missing_a_dash():
    assert (fr_bool(True), fr_bool(False), fr_bool(None)) == ("Oui", "Non", "—")
