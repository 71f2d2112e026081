"""The landing sensor's decisions (files and mtimes made by hand; no warehouse needed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from unittest import mock

import pytest
from dagster import build_sensor_context

from orchestration.defs import sensors
from orchestration.defs.resources import HubResource
from orchestration.defs.sensors import (
    FRESHNESS_REPORT_EVERY_SECONDS,
    LANDING_MARGIN_NS,
    freshness_report_due,
    landing_sensor,
    new_submissions,
)

SECOND = 1_000_000_000


class LandingZone:
    """Receipts laid out as the landing zone keeps them (``receipts/YYYY/MM/<id>.json``), with
    chosen landing instants (mtimes of the receipt and of its month folder)."""

    def __init__(self, home: Path):
        self.home = home
        self.landing = home / "landing"
        self.receipts = self.landing / "receipts"
        self._folder_ns: dict[Path, int] = {}

    def land(self, submission_id: str, landed_ns: int, month: str = "2026/11", departement: str = "13") -> Path:
        folder = self.receipts / month
        folder.mkdir(parents=True, exist_ok=True)
        receipt = folder / f"{submission_id}.json"
        receipt.write_text(json.dumps({"submission_id": submission_id, "kind": "weekly",
                                       "departement": departement, "status": "accepted"}), encoding="utf-8")
        os.utime(receipt, ns=(landed_ns, landed_ns))
        # The rename into the folder moved the folder's mtime to the landing instant.
        self._folder_ns[folder] = max(self._folder_ns.get(folder, 0), landed_ns)
        os.utime(folder, ns=(self._folder_ns[folder], self._folder_ns[folder]))
        return receipt


@pytest.fixture
def zone(tmp_path) -> LandingZone:
    return LandingZone(tmp_path / "home")


def evaluate(zone: LandingZone, cursor: str | None = None):
    context = build_sensor_context(cursor=cursor, resources={"hub": HubResource(home=str(zone.home))})
    return landing_sensor(context)


def test_nothing_landed_skips(zone):
    result = evaluate(zone)
    assert result.run_requests == []
    assert result.skip_reason.skip_message == "Aucun nouveau dépôt en zone d'atterrissage"


def test_two_new_files_give_two_runs_keyed_by_submission(zone):
    zone.land("sub-a", SECOND)
    zone.land("sub-b", 2 * SECOND, departement="2A")
    result = evaluate(zone)
    assert [r.run_key for r in result.run_requests] == ["sub-a", "sub-b"]
    assert all(r.tags["cipd/warehouse"] == "write" for r in result.run_requests)
    assert result.run_requests[0].tags["cipd/submission_id"] == "sub-a"
    assert result.run_requests[1].tags["cipd/departement"] == "2A"


def test_the_same_file_seen_twice_gives_one_run(zone):
    zone.land("sub-a", SECOND)
    first = evaluate(zone)
    second = evaluate(zone, cursor=first.cursor)
    assert [r.run_key for r in first.run_requests] == ["sub-a"]
    assert second.run_requests == [] and second.skip_reason is not None


def test_a_backdated_upload_landing_later_is_still_seen(zone):
    zone.land("sub-now", 5 * SECOND)
    cursor = evaluate(zone).cursor
    # Backdated by the demo: its receipt goes to an old month folder, but lands now.
    zone.land("sub-backdated", 6 * SECOND, month="2025/03")
    assert [r.run_key for r in evaluate(zone, cursor=cursor).run_requests] == ["sub-backdated"]


def test_files_landing_in_the_same_instant_are_each_seen_once(zone):
    zone.land("sub-a", 7 * SECOND)
    new, cursor = new_submissions(zone.landing, None)
    zone.land("sub-b", 7 * SECOND)
    again, _ = new_submissions(zone.landing, cursor)
    assert [s.submission_id for s in new] == ["sub-a"]
    assert [s.submission_id for s in again] == ["sub-b"]


def test_a_receipt_renamed_in_after_a_newer_one_is_still_seen(zone):
    """Its mtime (when written) is older than a receipt a tick already saw: the cursor's
    margin looks back far enough to catch it."""
    zone.land("sub-newer", 100 * SECOND)
    _, cursor = new_submissions(zone.landing, None)
    zone.land("sub-slow", 100 * SECOND - LANDING_MARGIN_NS // 2)
    new, cursor = new_submissions(zone.landing, cursor)
    assert [s.submission_id for s in new] == ["sub-slow"]
    assert new_submissions(zone.landing, cursor) == ([], cursor)


def test_a_tick_reads_no_receipt_older_than_its_cursor(zone):
    """The sensor's cost does not grow with the history: years of receipts, one new upload,
    one receipt opened and only the folder that changed listed."""
    history = 20 * LANDING_MARGIN_NS
    for year in range(2015, 2026):
        for month in range(1, 13):
            for number in range(5):
                zone.land(f"old-{year}{month:02}-{number}", SECOND + number, month=f"{year}/{month:02}")
    _, cursor = new_submissions(zone.landing, None)
    zone.land("sub-new", history)
    _, cursor = new_submissions(zone.landing, cursor)  # the cursor is now far past the history
    zone.land("sub-next", history + SECOND)

    with mock.patch("orchestration.defs.sensors.read_receipt", wraps=sensors.read_receipt) as opened, \
            mock.patch("ingestion.landing.os.scandir", wraps=os.scandir) as listed:
        new, _ = new_submissions(zone.landing, cursor)
    assert [s.submission_id for s in new] == ["sub-next"]
    assert opened.call_count == 1
    month_folders_listed = [call.args[0] for call in listed.call_args_list
                            if Path(call.args[0]).parent.parent == zone.receipts]
    assert month_folders_listed == [zone.receipts / "2026" / "11"]


def test_freshness_is_reported_on_change_or_after_a_while():
    due, cursor = freshness_report_due(True, None, now=1000.0)
    assert due
    assert freshness_report_due(True, cursor, now=1060.0) == (False, cursor)
    assert freshness_report_due(False, cursor, now=1060.0)[0]
    assert freshness_report_due(True, cursor, now=1000.0 + FRESHNESS_REPORT_EVERY_SECONDS)[0]
