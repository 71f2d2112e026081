"""The steering loop through the command line (issue 17): a correction request, then a new
upload, closes itself as `corrige` with the version number, across incremental builds."""

from __future__ import annotations

import json

import duckdb

from cli.main import main
from ingestion_helpers import to_csv, weekly

REPORT = ["--departement", "48", "--week", "2026-W47"]


def _run(capsys, *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _upload_and_build(capsys, tmp_path, monkeypatch, now: str, suivis: str) -> None:
    monkeypatch.setenv("CIPD_NOW", now)
    upload = tmp_path / f"hebdo-{now[:10]}.csv"
    upload.write_bytes(to_csv([weekly(departement="48", suivis_en_cours=suivis, commentaire="")]))
    _run(capsys, "submit", "weekly", str(upload), "--departement", "48")
    _ingest_and_build(capsys)


def _ingest_and_build(capsys) -> None:
    _run(capsys, "ingest")
    _run(capsys, "build", "--skip-unit-tests")


def _requests(capsys, *options: str) -> list[dict]:
    return json.loads(_run(capsys, "review", "list", "--json", *options))


def _review_state(cipd_home) -> tuple:
    with duckdb.connect(str(cipd_home / "serving.duckdb"), read_only=True) as con:
        return con.execute("select review_state, open_review_request_count, version_count "
                           "from marts.fct_weekly_reports where departement_code = '48' "
                           "and week_code = '2026-W47'").fetchone()


def test_review_request_then_new_upload_ends_corrected_with_version(cipd_home, tmp_path, monkeypatch, capsys):
    _upload_and_build(capsys, tmp_path, monkeypatch, "2026-11-19T09:00:00+00:00", "40")
    assert _review_state(cipd_home) == ("recu", 0, 1)

    monkeypatch.setenv("CIPD_NOW", "2026-11-20T10:00:00+00:00")
    _run(capsys, "review", "request", *REPORT, "--field", "suivis_en_cours", "--reason", "stock_incoherent",
         "--message", "Le stock baisse de 1 001 sans suivis clos")
    _ingest_and_build(capsys)  # incremental: the review event alone marks the report changed
    assert _review_state(cipd_home) == ("correction_demandee", 1, 1)
    (opened,) = _requests(capsys, "--open", "--departement", "48")
    assert opened["field_names"] == "suivis_en_cours" and opened["reason_code"] == "stock_incoherent"
    assert opened["requested_by"].startswith("cli:")

    _upload_and_build(capsys, tmp_path, monkeypatch, "2026-11-21T08:00:00+00:00", "1 041")
    assert _review_state(cipd_home) == ("corrige", 0, 2)
    (closed,) = _requests(capsys)
    assert closed["request_state"] == "corrige" and closed["corrected_version_number"] == 2
    assert _requests(capsys, "--open") == []
