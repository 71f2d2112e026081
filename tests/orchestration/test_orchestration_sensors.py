"""The landing sensor's decisions (files and mtimes made by hand; no warehouse needed)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

import pytest
from dagster import build_sensor_context

from ingestion.landing import LandedSubmission
from orchestration.resources import HubResource
from orchestration.sensors import (
    FRESHNESS_REPORT_EVERY_SECONDS,
    freshness_report_due,
    landing_sensor,
    new_submissions,
)

RECEIVED = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


class LandingZone:
    """Receipts written with chosen landing instants (mtimes), listed like list_landed does."""

    def __init__(self, root: Path):
        self.root = root
        self.submissions: list[LandedSubmission] = []

    def land(self, submission_id: str, landed_ns: int, received_at: datetime = RECEIVED) -> LandedSubmission:
        receipt = self.root / f"{submission_id}.json"
        receipt.write_text("{}", encoding="utf-8")
        os.utime(receipt, ns=(landed_ns, landed_ns))
        submission = LandedSubmission(
            submission_id=submission_id, kind="weekly", departement="13", sha256="0" * 64, path=None,
            receipt_path=receipt, received_at=received_at, status="accepted", filename="hebdo.csv")
        self.submissions.append(submission)
        return submission

    def listed(self) -> list[LandedSubmission]:
        return sorted(self.submissions, key=lambda s: (s.received_at, s.submission_id))


@pytest.fixture
def zone(tmp_path) -> LandingZone:
    return LandingZone(tmp_path)


def evaluate(zone: LandingZone, tmp_path: Path, cursor: str | None = None):
    context = build_sensor_context(cursor=cursor, resources={"hub": HubResource(home=str(tmp_path / "home"))})
    with mock.patch("orchestration.sensors.landed_submissions", return_value=zone.listed()):
        return landing_sensor(context)


def test_nothing_landed_skips(zone, tmp_path):
    result = evaluate(zone, tmp_path)
    assert result.run_requests == []
    assert result.skip_reason.skip_message == "Aucun nouveau dépôt en zone d'atterrissage"


def test_two_new_files_give_two_runs_keyed_by_submission(zone, tmp_path):
    zone.land("sub-a", 1_000)
    zone.land("sub-b", 2_000)
    result = evaluate(zone, tmp_path)
    assert [r.run_key for r in result.run_requests] == ["sub-a", "sub-b"]
    assert all(r.tags["cipd/warehouse"] == "write" for r in result.run_requests)
    assert result.run_requests[0].tags["cipd/submission_id"] == "sub-a"


def test_the_same_file_seen_twice_gives_one_run(zone, tmp_path):
    zone.land("sub-a", 1_000)
    first = evaluate(zone, tmp_path)
    second = evaluate(zone, tmp_path, cursor=first.cursor)
    assert [r.run_key for r in first.run_requests] == ["sub-a"]
    assert second.run_requests == [] and second.skip_reason is not None


def test_a_backdated_upload_landing_later_is_still_seen(zone, tmp_path):
    zone.land("sub-now", 5_000)
    cursor = evaluate(zone, tmp_path).cursor
    zone.land("sub-backdated", 6_000, received_at=RECEIVED - timedelta(days=30))
    assert [r.run_key for r in evaluate(zone, tmp_path, cursor=cursor).run_requests] == ["sub-backdated"]


def test_files_landing_in_the_same_instant_are_each_seen_once(zone):
    a = zone.land("sub-a", 7_000)
    new, cursor = new_submissions([a], None)
    b = zone.land("sub-b", 7_000)
    again, _ = new_submissions([a, b], cursor)
    assert [s.submission_id for s in new] == ["sub-a"]
    assert [s.submission_id for s in again] == ["sub-b"]


def test_freshness_is_reported_on_change_or_after_a_while():
    due, cursor = freshness_report_due(True, None, now=1000.0)
    assert due
    assert freshness_report_due(True, cursor, now=1060.0) == (False, cursor)
    assert freshness_report_due(False, cursor, now=1060.0)[0]
    assert freshness_report_due(True, cursor, now=1000.0 + FRESHNESS_REPORT_EVERY_SECONDS)[0]
