"""What a receipt tells the agent in full: a correction keeps the first version's timeliness,
and a dry run says that nothing was kept and gives no submission number."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb

from cli.main import main
from ingestion.first_versions import first_received
from ingestion.submit import submit
from ingestion_helpers import FIXTURES, to_csv, weekly

#: 2026-W47 is due on Thursday 19 November 2026, 12:00 Paris (11:00 UTC).
BEFORE_DEADLINE = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)
AFTER_DEADLINE = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)
ON_TIME_CORRECTION = "correction de la semaine 2026-W47 (la ponctualité reste celle du premier dépôt : à l'heure)"


def deposit(settings, received_at, **changes):
    return submit("weekly", to_csv([weekly(**changes)]), "hebdo.csv", "13", received_at=received_at,
                  settings=settings)


def test_correction_receipt_keeps_the_on_time_first_version_when_sent_after_the_deadline(settings):
    deposit(settings, BEFORE_DEADLINE)
    correction = deposit(settings, AFTER_DEADLINE, signalements_cnapr="5")
    text = correction.to_text()
    assert f"— {ON_TIME_CORRECTION}" in text and "EN RETARD" not in text
    assert correction.first_received_at == {"2026-W47": BEFORE_DEADLINE}


def test_correction_receipt_of_a_late_first_version_stays_late(settings):
    deposit(settings, AFTER_DEADLINE)
    later = deposit(settings, datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc), signalements_cnapr="5")
    assert ("correction de la semaine 2026-W47 (la ponctualité reste celle du premier dépôt : "
            "EN RETARD)") in later.to_text()


def test_first_version_after_the_deadline_is_late(settings):
    assert "— EN RETARD" in deposit(settings, AFTER_DEADLINE).to_text()


def test_cli_correction_after_the_deadline_says_the_first_version_was_on_time(settings, tmp_path, capsys):
    deposit(settings, BEFORE_DEADLINE)
    path = tmp_path / "hebdo corrigé.csv"
    path.write_bytes(to_csv([weekly(signalements_cnapr="7")]))
    assert main(["submit", "weekly", str(path), "--departement", "13"]) == 0  # clock: 2026-11-26
    out = capsys.readouterr().out
    assert ON_TIME_CORRECTION in out and "EN RETARD" not in out


def test_first_received_reads_the_published_marts_for_versions_the_landing_zone_no_longer_lists(settings):
    settings.root.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.serving_path)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.fct_weekly_reports as select '13' as departement_code, "
                           "'2026-W47' as week_code, timestamp '2026-11-18 10:00:00' as first_received_at")
    assert first_received(settings, "weekly", "13", ["2026-W47", "2026-W46"]) == {"2026-W47": BEFORE_DEADLINE}


def test_dry_run_of_an_accepted_file_says_nothing_was_kept_and_gives_no_number(cipd_home, tmp_path, capsys):
    path = tmp_path / "hebdo.csv"
    path.write_bytes(to_csv([weekly()]))
    assert main(["submit", "weekly", str(path), "--departement", "13", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Vérification seule (--dry-run) : ce fichier serait ACCEPTÉ. "
                          "Rien n'a été enregistré")
    assert "Numéro de dépôt" not in out and "Dépôt ACCEPTÉ" not in out


def test_dry_run_of_a_rejected_file_says_nothing_was_kept_and_gives_no_number(cipd_home, capsys):
    assert main(["submit", "weekly", str(FIXTURES / "negative_count.csv"), "--departement", "13",
                 "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("Vérification seule (--dry-run) : ce fichier serait REFUSÉ, 1 erreur")
    assert "Rien n'a été enregistré" in out and "Numéro de dépôt" not in out
    assert "  1. Ligne 1, colonne « signalements_cnapr » : " in out
