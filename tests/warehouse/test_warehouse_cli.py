"""`cipd build`: a build that does not pass publishes nothing and says why, in French."""

from __future__ import annotations

from cli.main import main


def test_failed_build_publishes_nothing(cipd_home, monkeypatch, capsys):
    # A clock past the calendar seed's last year: the seed-coverage test fails.
    monkeypatch.setenv("CIPD_NOW", "2036-06-05T09:00:00+00:00")
    code = main(["build", "--skip-unit-tests",
                 "--select", "calendar_week_deadlines assert_calendar_seed_covers_as_of"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Rien n'a été publié" in err
    assert "assert_calendar_seed_covers_as_of" in err
    assert not (cipd_home / "serving.duckdb").exists()


def test_publish_without_a_build_explains_what_to_do(cipd_home, capsys):
    assert main(["publish"]) == 1
    assert "cipd build" in capsys.readouterr().err
