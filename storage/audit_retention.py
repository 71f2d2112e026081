"""Segments and retention of the audit journal.

Why segments: the journal must stay checkable for years, yet the CNIL expects access logs to stay
online for 6 to 12 months only (``CIPD_AUDIT_RETENTION_DAYS``, default 365). So the active segment
``audit/events.jsonl`` is closed each month (renamed, never rewritten) into
``audit/archive/events-<first seq>.jsonl`` (read-only), and a segment whose newest event is older
than the retention moves on to ``audit/expired/``, from where the operator exports it to off-line
archive media and removes it. The chain runs across segments unchanged (the first event of a
segment carries the hash of the last one of the previous segment); the seal records the last
event of the newest expired segment, so ``cipd audit verify`` still checks a journal whose oldest
segments have left the server, and names the gap when one is missing without that record.

Everything here is a rename under the journal lock: an append never sees a half-rotated journal,
and the loader's saved position (segment = its first seq) stays valid.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from data_contracts.settings import Settings
from storage.atomic import fsync_dir
from storage.audit import archive_dir, audit_path, expired_dir, journal_lock, last_line, line_hash

READ_ONLY = 0o440


def _first_event(path: Path) -> dict | None:
    try:
        with path.open("rb") as handle:
            line = handle.readline()
    except FileNotFoundError:
        return None
    return json.loads(line) if line.endswith(b"\n") else None


def _move(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    os.replace(source, target)
    fsync_dir(folder)
    fsync_dir(source.parent)
    return target


def rotate(settings: Settings, now: datetime | None = None) -> dict[str, list[str]]:
    """Close the active segment when it started in an earlier month (UTC), and move archived
    segments past the retention to ``expired/``; returns what moved, by folder."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    moved: dict[str, list[str]] = {"archive": [], "expired": []}
    cutoff = (now - timedelta(days=settings.audit_retention_days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with journal_lock(settings):
        active = audit_path(settings)
        first = _first_event(active)
        if first is not None and str(first["recorded_at"])[:7] < now.strftime("%Y-%m"):
            _, end = last_line(active)
            if active.stat().st_size > end:
                os.truncate(active, end)  # a torn fragment was never acknowledged
            segment = active.with_name(f"events-{int(first['seq']):012d}.jsonl")
            os.replace(active, segment)
            os.chmod(segment, READ_ONLY)
            moved["archive"].append(_move(segment, archive_dir(settings)).name)
        for path in sorted(archive_dir(settings).glob("events-*.jsonl")):
            last, _ = last_line(path)
            if last and str(json.loads(last)["recorded_at"]) < cutoff:
                moved["expired"].append(_move(path, expired_dir(settings)).name)
    return moved


def expired_heads(settings: Settings) -> list[tuple[int, str]]:
    """(seq, hash) of the last event of each expired segment still on the server: what the
    next seal records, so that the chain still checks once those segments are gone."""
    heads = []
    for path in sorted(expired_dir(settings).glob("events-*.jsonl")):
        last, _ = last_line(path)
        if last:
            heads.append((int(json.loads(last)["seq"]), line_hash(last)))
    return heads
