"""What the published marts already reflect, compared with what has landed.

One question drives the sensor (does a new upload still need a run), the dbt step (is this
run's upload already built), and the freshness check (how long an upload has waited): *which
landed submissions are not yet in ``serving.duckdb``?* ``fct_submissions`` has one row per
receipt, so a landed submission is published exactly when its ``submission_id`` is there.
"""

from __future__ import annotations

from datetime import datetime, timezone

from data_contracts.settings import Settings
from ingestion.landing import list_landed
from storage.published import has_publication, serving_connection


def published_submission_ids(settings: Settings) -> set[str]:
    """Receipts already in the published marts (empty before the first publish)."""
    if not has_publication(settings):
        return set()
    with serving_connection(settings) as connection:
        rows = connection.execute("select submission_id from marts.fct_submissions").fetchall()
    return {row[0] for row in rows}


def unpublished_submissions(settings: Settings) -> list:
    """Landed submissions whose receipt is not yet in the published marts, oldest first.

    Only those receipts are read (the listing skips published ids by file name): the freshness
    sensor asks every minute and each landing run once, and the history only grows."""
    return list_landed(settings, exclude=published_submission_ids(settings))


def landed_at(submission) -> datetime:
    """When the upload really reached the landing zone: its receipt's mtime (written once, last,
    by an atomic rename). Not ``received_at``: trusted callers (the demo) may backdate that."""
    return datetime.fromtimestamp(submission.receipt_path.stat().st_mtime_ns / 1e9, tz=timezone.utc)
