"""The audit trail: who submitted or loaded what, when, and with which outcome — as a hash chain.

The submit path may not write the warehouse (one writer, and receipts must stay fast during
the Thursday burst), so events are appended as JSON lines to ``CIPD_HOME/audit/events.jsonl``
(``O_APPEND`` + fsync: an acknowledged event survives a crash). The loader copies new lines
into ``raw.audit_log``, idempotently, after checking the chain (``storage.audit_verify``).

Why a chain: a journal anyone with file access can append to or edit proves nothing. Each
line is the canonical JSON of its event (sorted keys, no spaces), carries its sequence number
``seq`` and ``prev_hash``, the SHA-256 of the previous line: editing, inserting, deleting or
reordering a line breaks the chain at that line, and the daily seal (``storage.audit_seal``)
plus the loader's saved position catch a truncated tail. Appends are serialised by a file
lock beside the journal (``audit/journal.lock``, a blocking ``flock``), so concurrent writers (upload page, CLI,
Dagster runs) never fork the chain; the head is read back from the journal's tail, not from
a second file that could disagree with it. ``recorded_at`` is stamped under the lock and
never goes backwards, so a back-dated line stands out. docs/audit.md has the whole design.
"""

from __future__ import annotations

import fcntl
import getpass
import hashlib
import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from data_contracts.settings import Settings
from storage.atomic import append_durably

#: ``prev_hash`` of the very first event.
GENESIS_HASH = "0" * 64
#: Archived segments: ``events-<first seq, 12 digits>.jsonl`` (see ``storage.audit_retention``).
SEGMENT_GLOB = "events-*.jsonl"
_TAIL_CHUNK = 8192


def audit_dir(settings: Settings) -> Path:
    return settings.root / "audit"


def audit_path(settings: Settings) -> Path:
    """The active segment of the journal (the only one ever appended to)."""
    return audit_dir(settings) / "events.jsonl"


def archive_dir(settings: Settings) -> Path:
    return audit_dir(settings) / "archive"


@contextmanager
def journal_lock(settings: Settings) -> Iterator[None]:
    """Held by every append and every rotation: one writer at a time extends the chain.

    A blocking ``flock`` rather than a polling lock: the kernel queues the waiters, so under the
    Thursday burst no writer starves behind the others' retries (a 50 ms polling lock left one
    append waiting seconds), and the lock goes with its holder if it dies."""
    path = audit_dir(settings) / "journal.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def cli_actor() -> str:
    """The actor of a command-line action: the OS user and the host, never a claimed name."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        user = "unknown"
    return f"cli:{user}@{socket.gethostname() or 'unknown'}"


def default_actor() -> str:
    """Who runs an action when no code path says otherwise: the command-line user."""
    return cli_actor()


def new_event(action: str, *, actor: str | None, outcome: str, kind: str | None = None,
              departement: str | None = None, submission_id: str | None = None,
              detail: dict[str, Any] | None = None, event_id: str | None = None,
              claimed_actor: str | None = None) -> dict[str, Any]:
    """One audit event; ``occurred_at`` is the real clock (when it happened, even when a
    demo forces the reception time of the data).

    ``claimed_actor`` is a name a caller asserted without proof (``cipd submit --actor``, for
    demos and tests): it is kept beside the real actor, marked untrusted, never in its place."""
    event = {
        "event_id": event_id or uuid.uuid4().hex,
        "occurred_at": _utc_stamp(datetime.now(timezone.utc)),
        "actor": actor or default_actor(),
        "action": action,
        "kind": kind,
        "departement": departement,
        "submission_id": submission_id,
        "outcome": outcome,
        "detail": detail or {},
    }
    if claimed_actor is not None:
        event.update(actor_claimed=claimed_actor, actor_trusted=False, actor_via="--actor")
    return event


def canonical_line(event: dict[str, Any]) -> bytes:
    """The one byte form of an event: what is written, and what the next event hashes."""
    return json.dumps(event, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def _utc_stamp(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def last_line(path: Path) -> tuple[bytes | None, int]:
    """The last complete line of ``path`` and the length of the file up to its end (a torn
    fragment after it — a crash or a full disk mid-append — is not counted)."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            end, data, position = None, b"", size
            while position > 0:
                step = min(_TAIL_CHUNK, position)
                position -= step
                handle.seek(position)
                data = handle.read(step) + data
                if end is None and b"\n" in data:
                    end = position + data.rfind(b"\n") + 1
                if end is not None:
                    body = data[:end - position - 1]
                    if b"\n" in body or position == 0:
                        return body[body.rfind(b"\n") + 1:], end
            return None, 0
    except FileNotFoundError:
        return None, 0


def expired_dir(settings: Settings) -> Path:
    """Segments past the online retention, waiting to leave the server (docs/audit.md)."""
    return audit_dir(settings) / "expired"


def archived_segments(settings: Settings) -> list[Path]:
    """Archived segments (expired ones included), oldest first: names sort by first seq."""
    found = [*expired_dir(settings).glob(SEGMENT_GLOB), *archive_dir(settings).glob(SEGMENT_GLOB)]
    return sorted(found, key=lambda path: path.name)


def chain_head(settings: Settings) -> tuple[int, str, str]:
    """(seq, hash, recorded_at) of the last complete event, over the active segment or, when
    it is empty (just rotated), the newest archived one; (0, genesis, "") for a new journal."""
    return _head(settings, last_line(audit_path(settings))[0])


def _head(settings: Settings, active_last: bytes | None) -> tuple[int, str, str]:
    line = active_last
    if not line:  # the archives are listed only right after a rotation
        line = next((found for found in (last_line(p)[0] for p in reversed(archived_segments(settings)))
                     if found), None)
    if not line:
        return 0, GENESIS_HASH, ""
    event = json.loads(line)
    return int(event["seq"]), line_hash(line), str(event.get("recorded_at", ""))


def append_events(settings: Settings, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Chain and append ``events`` (one ``write`` + fsync); returns them as written.

    Raises OSError (full disk…) with nothing acknowledged: the caller must not answer "done".
    A fragment after the journal's last newline was never acknowledged (its append raised or
    the process died before fsync returned): it is cut first, or the next line would be glued
    to it."""
    if not events:
        return []
    path = audit_path(settings)
    with journal_lock(settings):
        last, end = last_line(path)
        if path.exists() and path.stat().st_size > end:
            os.truncate(path, end)
        seq, previous, last_recorded = _head(settings, last)
        recorded = max(_utc_stamp(datetime.now(timezone.utc)), last_recorded)
        chained, lines = [], []
        for event in events:
            seq += 1
            entry = {**event, "seq": seq, "prev_hash": previous, "recorded_at": recorded}
            line = canonical_line(entry)
            previous = line_hash(line)
            chained.append(entry)
            lines.append(line + b"\n")
        append_durably(path, b"".join(lines))
    return chained


def read_events(settings: Settings, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Complete events of the active segment from byte ``offset`` on, and the offset after the
    last complete line (a line being appended right now is left for the next read). No
    checking: readers that must trust the events use ``storage.audit_verify``."""
    path = audit_path(settings)
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            data = handle.read()
    except FileNotFoundError:
        return [], offset
    end = data.rfind(b"\n") + 1
    events = []
    for line in data[:end].splitlines():
        if line.strip():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
    return events, offset + end


def last_outcomes(settings: Settings, action: str, submission_ids: list[str]) -> dict[str, str]:
    """The last ``action`` outcome recorded for each of ``submission_ids`` (absent: none).

    For the rare repair of a receipt left pending by a crash: reads the active segment and the
    newest archived one (a rotation may have happened since), so it is not for hot paths."""
    wanted = {sid.encode("ascii") for sid in submission_ids}
    found: dict[str, str] = {}
    for path in [*archived_segments(settings)[-1:], audit_path(settings)]:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            continue
        for line in data.split(b"\n"):
            if any(sid in line for sid in wanted):
                try:
                    event = json.loads(line)
                except ValueError:
                    continue
                if event.get("action") == action and event.get("submission_id") in submission_ids:
                    found[event["submission_id"]] = event["outcome"]
    return found
