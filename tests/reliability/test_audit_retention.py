"""Monthly segments and retention: the active journal is closed into a read-only archived segment,
segments past ``CIPD_AUDIT_RETENTION_DAYS`` move to ``expired/``; the chain runs across them,
``cipd audit verify`` checks the archives too, and still checks once expired segments have left
the server (the seal vouches for them). Who a Dagster run acts as is named after the run."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from data_contracts.settings import get_settings
from ingestion.loader import ingest_pending
from orchestration.defs.run_actor import run_trigger
from storage import audit
from storage.audit_retention import rotate
from storage.audit_seal import seal, verify_all


def _events(settings, count: int, outcome: str = "ok") -> None:
    for _ in range(count):
        audit.append_events(settings, [audit.new_event("test", actor="test:retention", outcome=outcome)])


def _next_month() -> datetime:
    return datetime.now(timezone.utc) + timedelta(days=32)


def test_rotation_closes_last_month_into_a_read_only_segment_and_the_chain_continues(cipd_home):
    settings = get_settings()
    _events(settings, 3)
    moved = rotate(settings, now=_next_month())
    assert moved["archive"] == ["events-000000000001.jsonl"]
    segment = audit.archive_dir(settings) / "events-000000000001.jsonl"
    assert segment.stat().st_mode & 0o777 == 0o440 and not audit.audit_path(settings).exists()
    _events(settings, 2)
    first_new = json.loads(audit.audit_path(settings).read_bytes().splitlines()[0])
    assert first_new["seq"] == 4
    assert first_new["prev_hash"] == audit.line_hash(segment.read_bytes().splitlines()[-1])
    report = verify_all(settings)
    assert report.ok and report.segments == 2 and report.events == 5


def test_rotation_leaves_the_current_month_alone(cipd_home):
    settings = get_settings()
    _events(settings, 2)
    assert rotate(settings) == {"archive": [], "expired": []}


def test_verify_names_an_edited_line_in_an_archived_segment(cipd_home):
    settings = get_settings()
    _events(settings, 3)
    rotate(settings, now=_next_month())
    _events(settings, 1)
    segment = audit.archive_dir(settings) / "events-000000000001.jsonl"
    segment.chmod(0o640)
    segment.write_bytes(segment.read_bytes().replace(b'"outcome":"ok"', b'"outcome":"xx"', 1))
    report = verify_all(settings)
    assert not report.ok and report.problem.path == segment and report.problem.line == 1


def test_expired_segments_still_verify_once_removed_thanks_to_the_seal(cipd_home, monkeypatch):
    monkeypatch.setenv("CIPD_AUDIT_RETENTION_DAYS", "30")
    settings = get_settings()
    _events(settings, 3)
    moved = rotate(settings, now=_next_month() + timedelta(days=40))
    assert moved == {"archive": ["events-000000000001.jsonl"], "expired": ["events-000000000001.jsonl"]}
    _events(settings, 2)
    seal(settings)
    (audit.expired_dir(settings) / "events-000000000001.jsonl").unlink()  # exported off-line
    report = verify_all(settings)
    assert report.ok, report.problem
    assert report.head.seq == 5


def test_removing_a_segment_the_seal_does_not_vouch_for_fails(cipd_home):
    settings = get_settings()
    _events(settings, 3)
    rotate(settings, now=_next_month())
    _events(settings, 2)
    (audit.archive_dir(settings) / "events-000000000001.jsonl").unlink()
    report = verify_all(settings)
    assert not report.ok and "début a été supprimé" in report.problem.message_fr


def test_loader_follows_the_chain_across_a_rotation(cipd_home):
    settings = get_settings()
    _events(settings, 2)
    assert ingest_pending(settings).audit_events_copied == 2
    _events(settings, 1)
    rotate(settings, now=_next_month())
    _events(settings, 2)
    result = ingest_pending(settings)
    assert result.audit_refused is None and result.audit_events_copied == 3


def test_dagster_trigger_names_the_sensor_schedule_or_manual_launch():
    assert run_trigger({"dagster/sensor_name": "landing_sensor"}) == "sensor=landing_sensor"
    assert run_trigger({"dagster/schedule_name": "audit_seal_schedule"}) == "schedule=audit_seal_schedule"
    assert run_trigger({"cipd/launched_by": "web:admin"}) == "manual=web:admin"
    assert run_trigger({}) == "manual"
