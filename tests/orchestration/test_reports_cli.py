"""``cipd synthesis``, ``cipd monthly-report`` and ``cipd reminders`` from the command line."""

from __future__ import annotations

import pytest

from cli.main import main


@pytest.fixture
def built_environment(built_hub, monkeypatch):
    monkeypatch.setenv("CIPD_HOME", str(built_hub.settings.root))
    monkeypatch.setenv("CIPD_NOW", built_hub.settings.now.isoformat())
    return built_hub


def test_synthesis_writes_html_and_xlsx_where_asked(built_environment, tmp_path, capsys):
    assert main(["synthesis", "--week", "2026-W48", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "synthese_nationale_2026-W48.html", "synthese_nationale_2026-W48.xlsx"]
    assert "état des connaissances au 26/11/2026 10:00" in capsys.readouterr().out


def test_documents_default_to_cipd_home_reports(built_environment):
    assert main(["monthly-report", "--month", "2026-10"]) == 0
    assert main(["reminders"]) == 0
    reports = built_environment.settings.reports_dir
    assert (reports / "mensuel" / "rapport_mensuel_2026-10.html").exists()
    assert (reports / "relances" / "relances_2026-W48.csv").exists()


def test_a_malformed_week_is_a_usage_error_in_french(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["synthesis", "--week", "2026-48"])
    assert exit_info.value.code == 2
    assert "écrivez AAAA-Wss" in capsys.readouterr().err


def test_no_published_marts_is_refused_with_what_to_do(cipd_home, capsys):
    assert main(["synthesis", "--week", "2026-W48"]) == 1
    error = capsys.readouterr().err
    assert "Aucune base publiée" in error and "cipd build" in error


def test_known_at_without_offset_is_paris_time():
    from datetime import datetime, timezone

    from cli.reports import parse_known_at

    assert parse_known_at("2026-11-26T12:05") == datetime(2026, 11, 26, 11, 5, tzinfo=timezone.utc)
    assert parse_known_at("2026-07-02T12:05") == datetime(2026, 7, 2, 10, 5, tzinfo=timezone.utc)
