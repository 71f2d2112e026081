"""``cipd submit`` and ``cipd ingest``: exit codes, French receipts, the ``--json`` object."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from cli.main import main
from ingestion_helpers import FIXTURES, WEEKLY, raw_counts, to_csv

JSON_KEYS = {"status", "submission_id", "sha256", "rows", "periods", "received_at", "on_time",
             "duplicate_of", "errors", "warnings"}


@pytest.fixture
def weekly_file(tmp_path):
    path = tmp_path / "semaine 47.csv"
    path.write_bytes(to_csv([WEEKLY]))
    return path


def test_accepted_exits_0_with_a_french_receipt(weekly_file, cipd_home, capsys):
    assert main(["submit", "weekly", str(weekly_file), "--departement", "13"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Dépôt ACCEPTÉ.") and "Période(s) : 2026-W47" in out


def test_rejected_exits_1_with_numbered_errors(cipd_home, capsys):
    assert main(["submit", "weekly", str(FIXTURES / "negative_count.csv"), "--departement", "13"]) == 1
    out = capsys.readouterr().out
    assert "Dépôt REFUSÉ" in out and "  1. Ligne 1, colonne « signalements_cnapr » : " in out


def test_json_prints_one_object(weekly_file, cipd_home, capsys):
    assert main(["submit", "weekly", str(FIXTURES / "duplicate_rows.csv"), "--departement", "13",
                 "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert JSON_KEYS <= set(data) and data["status"] == "rejected"
    assert data["errors"] == [{"row": 3, "column": "semaine", "code": "duplicate_row",
                               "message": data["errors"][0]["message"], "value": "2026-W47"}]
    assert main(["submit", "weekly", str(weekly_file), "--departement", "13", "--json"]) == 0
    accepted = json.loads(capsys.readouterr().out)
    assert accepted["status"] == "accepted" and accepted["errors"] == [] and accepted["rows"] == 1


def test_usage_errors_exit_2(weekly_file, cipd_home, tmp_path, capsys):
    for argv in (["submit", "weekly", str(weekly_file), "--departement", "99"],
                 ["submit", "daily", str(weekly_file), "--departement", "13"],
                 ["submit", "weekly", str(weekly_file)]):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
    assert main(["submit", "weekly", str(tmp_path / "absent.csv"), "--departement", "13"]) == 2
    assert "impossible de lire" in capsys.readouterr().err


def test_dry_run_writes_nothing(weekly_file, cipd_home, capsys):
    assert main(["submit", "weekly", str(weekly_file), "--departement", "13", "--dry-run"]) == 0
    assert "Vérification seule" in capsys.readouterr().out
    assert not cipd_home.exists() or not any(p.is_file() for p in cipd_home.rglob("*"))


def test_ingest_loads_and_reports(weekly_file, cipd_home, capsys):
    main(["submit", "weekly", str(weekly_file), "--departement", "13"])
    capsys.readouterr()
    assert main(["ingest", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["loaded"]) == 1 and result["rows_loaded"] == 1
    assert main(["ingest"]) == 0
    assert "0 dépôt(s) accepté(s) chargé(s)" in capsys.readouterr().out
    from data_contracts.settings import get_settings

    assert raw_counts(get_settings())["weekly_reports"] == 1


def test_the_installed_command_runs(weekly_file, cipd_home):
    cipd = os.path.join(os.path.dirname(sys.executable), "cipd")
    done = subprocess.run([cipd, "submit", "weekly", str(weekly_file), "--departement", "13", "--json"],
                          capture_output=True, text=True, timeout=120, env=os.environ)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "accepted"


def test_a_reader_that_leaves_early_gets_no_traceback(weekly_file, cipd_home):
    """``cipd submit … --json | head -c 100``: the pipe closes before the receipt is written."""
    cipd = os.path.join(os.path.dirname(sys.executable), "cipd")
    process = subprocess.Popen([cipd, "submit", "weekly", str(weekly_file), "--departement", "13", "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ)
    process.stdout.close()  # the reader is gone before the command writes
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 141, errors
    assert b"Traceback" not in errors
