"""The loader: raw rows exactly once, with lineage; corrections kept; audit copied; lock held."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone

import duckdb
import pytest

from storage.audit import audit_path
from ingestion.loader import ingest_pending
from storage.lock import WarehouseBusy, warehouse_lock
from ingestion.submit import submit
from ingestion_helpers import MONTHLY, PRACTICE, WEEKLY, raw_counts, to_csv, weekly


def _query(settings, sql):
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_submit_ingest_ingest_loads_once(settings):
    receipt = submit("weekly", to_csv([WEEKLY, weekly(semaine="2026-W46")]), "s.csv", "13",
                     settings=settings)
    first = ingest_pending(settings)
    assert first.loaded == [receipt.submission_id] and first.rows_loaded == 2
    second = ingest_pending(settings)
    assert second.loaded == [] and second.rows_loaded == 0 and second.audit_events_copied == 0
    assert raw_counts(settings) == {"weekly_reports": 2, "monthly_reports": 0, "good_practices": 0,
                                    "submissions": 1}


def test_raw_rows_carry_their_lineage(settings):
    receipt = submit("weekly", to_csv([WEEKLY]), "s.csv", "13", settings=settings)
    ingest_pending(settings)
    ((sid, row, received, sha, dep, stock, comment),) = _query(
        settings, "select submission_id, source_row, received_at, source_sha256, departement, "
                  "suivis_en_cours, commentaire from raw.weekly_reports")
    assert (sid, row, sha, dep, stock) == (receipt.submission_id, 1, receipt.sha256, "13", 1041)
    assert received.isoformat() == "2026-11-26T09:00:00"  # UTC, naive
    assert comment == WEEKLY["commentaire"]


def test_every_kind_lands_in_its_raw_table(settings):
    submit("monthly", to_csv([MONTHLY]), "m.csv", "2A", settings=settings)
    submit("practices", to_csv([PRACTICE]), "p.csv", "971", settings=settings)
    ingest_pending(settings)
    assert _query(settings, "select fipd_engage_eur, partenaire_spip from raw.monthly_reports") == [
        (pytest.approx(12500.50), False)]
    assert _query(settings, "select type_action, public_cible from raw.good_practices") == [
        ("parentalite", "familles")]


def test_a_correction_keeps_both_versions(settings):
    first = submit("weekly", to_csv([WEEKLY]), "s.csv", "13", settings=settings)
    ingest_pending(settings)
    fixed = submit("weekly", to_csv([weekly(commentaire="corrigé")]), "s.csv", "13", settings=settings)
    ingest_pending(settings)
    rows = _query(settings, "select submission_id, commentaire from raw.weekly_reports order by submission_id")
    assert [r[0] for r in rows] == sorted([first.submission_id, fixed.submission_id])


def test_rejections_and_duplicates_are_visible_to_the_departement(settings):
    bad = submit("weekly", to_csv([weekly(semaine="2026-W60")]), "faux.csv", "13", settings=settings)
    good = submit("weekly", to_csv([WEEKLY]), "s.csv", "13", settings=settings)
    submit("weekly", to_csv([WEEKLY]), "s.csv", "13", settings=settings)  # duplicate: not loaded
    ingest_pending(settings)
    rows = _query(settings, "select submission_id, status, row_count, error_count, errors_json, periods, "
                            "is_on_time from raw.submissions order by status")
    assert [(r[0], r[1]) for r in rows] == [(good.submission_id, "accepted"), (bad.submission_id, "rejected")]
    errors = json.loads(rows[1][4])
    assert errors[0]["code"] == "invalid_week" and errors[0]["row"] == 1
    assert rows[0][5] == "2026-W47" and rows[0][6] is False


def test_audit_events_are_copied_once(settings):
    submit("weekly", to_csv([WEEKLY]), "s.csv", "13", actor="agent", settings=settings)
    submit("weekly", to_csv([WEEKLY]), "s.csv", "13", actor="agent", settings=settings)
    ingest_pending(settings)
    ingest_pending(settings)
    with audit_path(settings).open("ab") as handle:
        handle.write(b'{"event_id": "torn", "occu')  # a crash mid-append leaves a torn line
    ingest_pending(settings)
    events = _query(settings, "select action, outcome, actor from raw.audit_log order by action, outcome")
    assert events == [("load", "loaded", "cli:" + events[0][2].split(":", 1)[1]),
                      ("submit", "accepted", "agent"), ("submit", "duplicate", "agent")]


def test_a_broken_submission_is_isolated_and_retried(settings):
    sent = [submit("weekly", to_csv([weekly(semaine=f"2026-W4{i}")]), "s.csv", "13",
                   received_at=datetime(2026, 11, 20 + i, tzinfo=timezone.utc), settings=settings)
            for i in range(3)]
    sid = sent[1].submission_id
    records = settings.landing_dir / "records" / sid[:4] / sid[4:6] / f"{sid}.json"  # see landing.py
    saved = records.read_bytes()
    records.write_text('[{"source_row": 1, "departement": null}]')
    result = ingest_pending(settings, batch_size=10)
    assert result.loaded == [sent[0].submission_id, sent[2].submission_id]
    assert list(result.failed) == [sid]
    records.write_bytes(saved)
    assert ingest_pending(settings).loaded == [sid]
    assert raw_counts(settings)["weekly_reports"] == 3


def _hold_lock_in_another_process(settings, seconds):
    code = textwrap.dedent(f"""
        import sys, time
        from data_contracts.settings import get_settings
        from storage.lock import warehouse_lock
        with warehouse_lock(get_settings()):
            print("held", flush=True)
            time.sleep({seconds})
    """)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_the_loader_waits_for_the_warehouse_lock_but_submit_does_not(settings):
    holder = _hold_lock_in_another_process(settings, 30)
    try:
        start = time.monotonic()
        receipt = submit("weekly", to_csv([WEEKLY]), "s.csv", "13", settings=settings)
        assert receipt.status == "accepted" and time.monotonic() - start < 5
        with pytest.raises(WarehouseBusy):
            ingest_pending(settings, lock_timeout=0.3)
        assert not settings.warehouse_path.exists()
    finally:
        holder.kill()
        holder.wait()
    assert ingest_pending(settings, lock_timeout=10).loaded == [receipt.submission_id]


def test_the_lock_is_released_when_its_holder_is_killed(settings):
    holder = _hold_lock_in_another_process(settings, 60)
    holder.kill()
    holder.wait()
    with warehouse_lock(settings, timeout=5):
        pass


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(settings):
    import threading

    outcome = []

    def other_thread():
        try:
            with warehouse_lock(settings, timeout=0.3):
                outcome.append("acquired")
        except WarehouseBusy:
            outcome.append("busy")

    with warehouse_lock(settings):
        submit("weekly", to_csv([WEEKLY]), "s.csv", "13", settings=settings)
        assert len(ingest_pending(settings, lock_timeout=1).loaded) == 1  # same thread: re-entrant
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    assert outcome == ["busy"]
