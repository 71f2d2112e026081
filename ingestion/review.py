"""The one path that records a review event (issue 17): a correction request, a check, a
préfecture's confirmation.

Like an upload's receipt, each event is a small insert-only JSON record under
``CIPD_HOME/reviews/`` (the submit path never writes the warehouse) and an audit event; the
loader copies the records into ``raw.review_events`` and dbt derives the states. The actor is
the caller's code path (the CLI's OS user, the signed-in page user), never a typed-in name.
Validation goes through the :class:`data_contracts.review.ReviewEvent` contract, so the
message gets the same free-text screening as a report's comment.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from data_contracts import calendar
from data_contracts.review import ReviewEvent
from data_contracts.settings import Settings
from storage import audit
from storage.atomic import write_once


def reviews_dir(settings: Settings) -> Path:
    return settings.root / "reviews"


def record_review(settings: Settings, *, action: str, report_kind: str, departement: str,
                  period_code: str, actor: str, fields: list[str] | None = None,
                  reason_code: str | None = None, message: str | None = None) -> ReviewEvent:
    """Validate, keep and audit one review event; returns it as recorded.

    ``occurred_at`` is the hub's clock (``settings.now``), the one receipts' ``received_at``
    uses: dbt compares the two to tell whether a version came after a request.

    Raises ``pydantic.ValidationError`` (French messages) for an invalid event, and OSError
    with nothing kept when the record or its audit event cannot be written."""
    event = ReviewEvent(
        event_id=uuid.uuid4().hex, action=action, report_kind=report_kind, departement=departement,
        period_code=period_code, field_names=",".join(fields) if fields else None,
        reason_code=reason_code, message=message or None, actor=actor,
        occurred_at=calendar.now_utc(settings.now).replace(tzinfo=None))
    path = reviews_dir(settings) / f"{event.event_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_once(path, event.model_dump_json().encode("utf-8"))
    try:
        audit.append_events(settings, [audit.new_event(
            f"review_{event.action}", actor=actor, outcome="recorded", kind=event.report_kind,
            departement=event.departement,
            detail={"review_event_id": event.event_id, "period_code": event.period_code,
                    "fields": event.field_names, "reason_code": event.reason_code})])
    except OSError:
        path.unlink(missing_ok=True)  # an event nobody can audit was never recorded
        raise
    return event


def list_review_records(settings: Settings, exclude: set[str] | None = None) -> list[dict[str, Any]]:
    """The recorded events not in ``exclude`` (already loaded), oldest first, as raw rows.

    Not validated again: the contract checked each one before it was written (and screening
    a message costs the NER model)."""
    rows = []
    for path in sorted(reviews_dir(settings).glob("*.json")):
        if exclude and path.stem in exclude:
            continue
        row = json.loads(path.read_text("utf-8"))
        row["occurred_at"] = datetime.fromisoformat(row["occurred_at"])
        rows.append(row)
    return sorted(rows, key=lambda row: (row["occurred_at"], row["event_id"]))
