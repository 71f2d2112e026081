"""The loader copies the audit journal only when its chain checks: a forged line, an edit after
the saved position or a truncation is refused with a French/English error, nothing of the
journal is copied, and ``raw.audit_integrity`` records it (the quality page's alert)."""

from __future__ import annotations

import json

import duckdb

from cli.main import main
from ingestion.audit_copy import latest_integrity
from ingestion.loader import ingest_pending
from storage import audit
from storage.audit_seal import seal


def _event(settings, outcome: str) -> None:
    audit.append_events(settings, [audit.new_event("test", actor="test:loader", outcome=outcome)])


def _copied(settings) -> int:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute("select count(*) from raw.audit_log where action = 'test'").fetchone()[0]


def _integrity(settings):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return latest_integrity(con)


def test_loader_copies_a_checked_journal_incrementally(settings):
    _event(settings, "a")
    assert ingest_pending(settings).audit_events_copied == 1
    _event(settings, "b")
    result = ingest_pending(settings)
    assert result.audit_events_copied == 1 and result.audit_refused is None
    assert _copied(settings) == 2 and _integrity(settings) is None


def test_loader_refuses_a_forged_appended_line(settings):
    _event(settings, "a")
    ingest_pending(settings)
    forged = {"event_id": "forged", "occurred_at": "2026-01-01T00:00:00.000000Z",
              "actor": "web:demo-national", "action": "test", "outcome": "back-dated"}
    with audit.audit_path(settings).open("ab") as handle:
        handle.write(json.dumps(forged).encode() + b"\n")
    result = ingest_pending(settings)
    assert result.audit_refused is not None and "ligne 2" in result.audit_refused.message_fr
    assert _copied(settings) == 1
    status = _integrity(settings)
    assert status["is_intact"] is False and status["bad_line"] == 2
    assert "Journal d'audit refusé" not in status["message_fr"] and status["message_en"]


def test_loader_refuses_a_truncated_journal_instead_of_copying_nothing(settings, capsys):
    for outcome in "abc":
        _event(settings, outcome)
    ingest_pending(settings)
    lines = audit.audit_path(settings).read_bytes().splitlines(keepends=True)
    audit.audit_path(settings).write_bytes(b"".join(lines[:1]))
    assert main(["ingest"]) == 1
    err = capsys.readouterr().err
    assert "Journal d'audit refusé" in err and "tronqué" in err
    assert _integrity(settings)["is_intact"] is False


def test_loader_refuses_a_journal_cut_behind_the_last_seal(settings):
    for outcome in "ab":
        _event(settings, outcome)
    ingest_pending(settings)
    _event(settings, "c")
    seal(settings)
    lines = audit.audit_path(settings).read_bytes().splitlines(keepends=True)
    audit.audit_path(settings).write_bytes(b"".join(lines[:2]))  # exactly what was loaded
    result = ingest_pending(settings)
    assert result.audit_refused is not None and "sceau" in result.audit_refused.message_fr


def test_loader_copies_again_once_the_journal_is_restored(settings):
    _event(settings, "a")
    ingest_pending(settings)
    path = audit.audit_path(settings)
    saved = path.read_bytes()
    path.write_bytes(saved.replace(b'"outcome":"a"', b'"outcome":"x"') + b"garbage\n")
    assert ingest_pending(settings).audit_refused is not None
    path.write_bytes(saved)
    _event(settings, "b")
    assert ingest_pending(settings).audit_refused is None
    assert _copied(settings) == 2 and _integrity(settings)["is_intact"] is True


def test_seals_are_copied_into_the_warehouse(settings):
    _event(settings, "a")
    sealed = seal(settings)
    ingest_pending(settings)
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        rows = con.execute("select seq, head_hash, mac from raw.audit_seals").fetchall()
    assert rows == [(1, sealed["head_hash"], sealed["mac"])]
