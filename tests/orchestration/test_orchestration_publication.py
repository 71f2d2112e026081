"""What is landed but not yet published: read without opening the receipts already published."""

from __future__ import annotations

from unittest import mock

from ingestion import landing
from landing_scenario import send_weekly
from orchestration.warehouse.publication import unpublished_submissions


def test_a_published_hub_has_nothing_pending_and_reads_no_receipt(built_hub):
    with mock.patch("ingestion.landing._load", wraps=landing._load) as read:
        assert unpublished_submissions(built_hub.settings) == []
    assert read.call_count == 0


def test_only_the_new_upload_is_pending_and_only_its_receipt_is_read(hub_copy):
    receipt = send_weekly(hub_copy.settings, "13", "2026-W48", at=hub_copy.settings.now)
    with mock.patch("ingestion.landing._load", wraps=landing._load) as read:
        pending = unpublished_submissions(hub_copy.settings)
    assert [s.submission_id for s in pending] == [receipt.submission_id]
    assert read.call_count == 1
