"""The audit trail: who submitted or loaded what, when, and with which outcome.

The submit path may not write the warehouse (one writer, and receipts must stay fast during
the Thursday burst), so events are appended as JSON lines to ``CIPD_HOME/audit/events.jsonl``
(``O_APPEND`` + fsync: concurrent submitters never interleave, an acknowledged event
survives a crash). The loader copies new lines into ``raw.audit_log``, idempotently.
"""

from __future__ import annotations

import getpass
import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from data_contracts.settings import Settings
from storage.atomic import append_durably


def audit_path(settings: Settings) -> Path:
    return settings.root / "audit" / "events.jsonl"


def default_actor() -> str:
    """Who runs a command-line action when no caller says otherwise."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no passwd entry (containers)
        return "cli:unknown"


def new_event(action: str, *, actor: str | None, outcome: str, kind: str | None = None,
              departement: str | None = None, submission_id: str | None = None,
              detail: dict[str, Any] | None = None, event_id: str | None = None) -> dict[str, Any]:
    """One audit event; ``occurred_at`` is the real clock (when it happened, even when a
    demo forces the reception time of the data)."""
    return {
        "event_id": event_id or uuid.uuid4().hex,
        "occurred_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor or default_actor(),
        "action": action,
        "kind": kind,
        "departement": departement,
        "submission_id": submission_id,
        "outcome": outcome,
        "detail": detail or {},
    }


def append_events(settings: Settings, events: list[dict[str, Any]]) -> None:
    if not events:
        return
    lines = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in events)
    append_durably(audit_path(settings), lines.encode("utf-8"))


def read_events(settings: Settings, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Complete events from byte ``offset`` on, and the offset after the last complete line
    (a line being appended right now is left for the next read)."""
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
                continue  # a torn line from a crash mid-append carries no acknowledged event
    return events, offset + end
