"""``cipd ingest``: load landed, not-yet-loaded submissions into the warehouse's raw tables.

Exactly once, whatever happens: the raw rows of a submission and its ``raw.submissions`` row
commit in the same transaction, and "not yet loaded" means "no ``raw.submissions`` row". A
crash (even SIGKILL) mid-run rolls back the open transaction; the rerun loads what is missing.
Transactions may hold several whole submissions (``batch_size``) for speed — never part of
one. A submission that cannot be loaded is isolated and reported; it never blocks the others.
A later submission for the same (département, période) is a correction: both versions stay
in raw, and dbt picks the latest.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from data_contracts.raw_schema import (LINEAGE_COLUMNS, RAW_TABLES, REVIEW_EVENTS_TABLE, contract_columns,
                                      review_event_columns)
from data_contracts.settings import Settings, get_settings
from storage import audit
from ingestion.audit_copy import AuditJournalTampered, copy_audit_events, json_detail
from ingestion.landing import LandedSubmission, list_landed, list_quarantined, recover_pending
from storage.lock import warehouse_lock
from ingestion.raw_tables import AUDIT_COLUMNS, SUBMISSIONS_COLUMNS, connect_raw_warehouse
from ingestion.review import list_review_records

DEFAULT_BATCH_SIZE = 100
logger = logging.getLogger(__name__)


@dataclass
class IngestResult:
    loaded: list[str] = field(default_factory=list)
    rejections_recorded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    rows_loaded: int = 0
    audit_events_copied: int = 0
    review_events_loaded: int = 0
    #: Receipts a crash left pending: {submission id: "completed" | "set aside"} (see landing).
    recovered: dict[str, str] = field(default_factory=dict)
    #: Why the audit journal was refused (nothing of it copied), or None when it checked.
    audit_refused: AuditJournalTampered | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"loaded": self.loaded, "rejections_recorded": self.rejections_recorded,
                "failed": self.failed, "rows_loaded": self.rows_loaded,
                "audit_events_copied": self.audit_events_copied,
                "review_events_loaded": self.review_events_loaded, "recovered": self.recovered,
                "audit_refused": self.audit_refused.problem.as_dict() if self.audit_refused else None}


def _utc_naive(instant: datetime) -> datetime:
    return instant.astimezone(timezone.utc).replace(tzinfo=None)


def _polars_type(sql: str) -> Any:
    import polars as pl

    base = sql.split()[0].upper()
    if base.startswith("DECIMAL"):
        precision, scale = (int(x) for x in base[len("DECIMAL("):-1].split(","))
        return pl.Decimal(precision, scale)
    return {"BIGINT": pl.Int64, "INTEGER": pl.Int32, "BOOLEAN": pl.Boolean, "VARCHAR": pl.String,
            "TIMESTAMP": pl.Datetime("us")}[base]


def _frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> Any:
    """A polars frame typed like the raw table (decimals arrive as exact text, never floats)."""
    import polars as pl

    data = {name: [r.get(name) for r in rows] for name in columns}
    frame = pl.DataFrame({n: pl.Series(n, v, dtype=pl.String if "DECIMAL" in columns[n].upper()
                                       else _polars_type(columns[n]), strict=False)
                          for n, v in data.items()})
    return frame.with_columns(pl.col(n).cast(_polars_type(sql)) for n, sql in columns.items()
                              if "DECIMAL" in sql.upper())


def _insert(con: Any, table: str, frame: Any) -> None:
    if hasattr(con, "copy_frame"):  # PostgreSQL: COPY (ingestion.postgres_writer)
        con.copy_frame(f"raw.{table}", frame)
        return
    columns = ", ".join(frame.columns)
    con.register("incoming_rows", frame)
    try:
        con.execute(f"insert into raw.{table} ({columns}) select {columns} from incoming_rows")
    finally:
        con.unregister("incoming_rows")


def _submission_row(sub: LandedSubmission, loaded_at: datetime) -> dict[str, Any]:
    receipt = sub.receipt()
    return {
        "submission_id": receipt.submission_id, "kind": receipt.kind,
        "departement": receipt.departement, "filename": receipt.filename,
        "sha256": receipt.sha256, "size_bytes": receipt.size_bytes,
        "received_at": _utc_naive(receipt.received_at), "status": receipt.status,
        "row_count": receipt.rows, "periods": ",".join(receipt.periods),
        "is_on_time": receipt.on_time, "duplicate_of": receipt.duplicate_of,
        "error_count": receipt.error_count, "warning_count": len(receipt.warnings),
        "errors_json": json.dumps([e.as_dict() for e in receipt.errors], ensure_ascii=False),
        "warnings_json": json.dumps([w.as_dict() for w in receipt.warnings], ensure_ascii=False),
        "actor": receipt.actor, "loaded_at": loaded_at,
    }


def _audit_row(event: dict[str, Any], loaded_at: datetime) -> dict[str, Any]:
    occurred = datetime.fromisoformat(str(event["occurred_at"]).replace("Z", "+00:00"))
    return {
        "event_id": event["event_id"], "occurred_at": _utc_naive(occurred),
        "actor": event.get("actor"), "action": event["action"], "kind": event.get("kind"),
        "departement": event.get("departement"), "submission_id": event.get("submission_id"),
        "outcome": event["outcome"],
        "detail_json": json_detail(event),
        "loaded_at": loaded_at,
    }


def _load_batch(con: Any, batch: list[LandedSubmission], actor: str | None) -> int:
    """Insert whole submissions in one transaction; returns the number of raw rows."""
    loaded_at = _utc_naive(datetime.now(timezone.utc))
    rows_by_kind: dict[str, list[dict[str, Any]]] = {}
    submissions, events = [], []
    for sub in batch:
        submissions.append(_submission_row(sub, loaded_at))
        if sub.status == "accepted":
            received = _utc_naive(sub.received_at)
            for record in sub.records():
                rows_by_kind.setdefault(sub.kind, []).append(
                    {**record, "submission_id": sub.submission_id, "received_at": received,
                     "source_sha256": sub.sha256})
        events.append(_audit_row(audit.new_event(
            "load", actor=actor, outcome="loaded" if sub.status == "accepted" else "recorded",
            kind=sub.kind, departement=sub.departement, submission_id=sub.submission_id,
            detail={"status": sub.status}, event_id=f"load-{sub.submission_id}"), loaded_at))
    con.execute("begin transaction")
    try:
        for kind, rows in rows_by_kind.items():
            _insert(con, RAW_TABLES[kind], _frame(rows, {**LINEAGE_COLUMNS, **contract_columns(kind)}))
        _insert(con, "submissions", _frame(submissions, SUBMISSIONS_COLUMNS))
        _insert(con, "audit_log", _frame(events, AUDIT_COLUMNS))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return sum(len(r) for r in rows_by_kind.values())


def _copy_audit_events(con: Any, settings: Settings) -> int:
    """Copy the journal's new events once the chain checks (:mod:`ingestion.audit_copy`);
    the position moves in the same transaction."""
    def insert(rows: list[dict[str, Any]]) -> int:
        frame = _frame(rows, AUDIT_COLUMNS).unique(subset="event_id", keep="first")
        return int(_insert_new_events(con, frame) or 0)

    return copy_audit_events(con, settings, _audit_row, insert)


def _insert_new_events(con: Any, frame: Any) -> int:
    """Insert the events whose id is not in ``raw.audit_log`` yet; returns how many."""
    columns = ", ".join(frame.columns)
    select_new = (f"insert into raw.audit_log ({columns}) select {columns} from incoming_events "
                  "where event_id not in (select event_id from raw.audit_log)")
    if hasattr(con, "copy_frame"):  # PostgreSQL: COPY into a temporary table, then filter
        con.execute("create temporary table incoming_events "
                    "(like raw.audit_log including defaults) on commit drop")
        con.copy_frame("incoming_events", frame)
        return con.execute(select_new).rowcount
    con.register("incoming_events", frame)
    try:
        return con.execute(select_new).fetchone()[0]
    finally:
        con.unregister("incoming_events")


def _load_review_events(con: Any, settings: Settings) -> int:
    """Copy the review records (:mod:`ingestion.review`) not in ``raw.review_events`` yet, in
    one transaction; ``loaded_at`` is what incremental builds read to mark their reports."""
    done = {r[0] for r in con.execute(f"select event_id from raw.{REVIEW_EVENTS_TABLE}").fetchall()}
    rows = list_review_records(settings, exclude=done)
    if not rows:
        return 0
    loaded_at = _utc_naive(datetime.now(timezone.utc))
    frame = _frame([{**row, "loaded_at": loaded_at} for row in rows], review_event_columns())
    con.execute("begin transaction")
    try:
        _insert(con, REVIEW_EVENTS_TABLE, frame)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(rows)


def pending_submissions(con: Any, settings: Settings) -> list[LandedSubmission]:
    """Receipts (accepted and rejected) with no ``raw.submissions`` row yet, oldest first."""
    done = {r[0] for r in con.execute("select submission_id from raw.submissions").fetchall()}
    pending = list_landed(settings, exclude=done) + list_quarantined(settings, exclude=done)
    return sorted(pending, key=lambda s: (s.received_at, s.submission_id))


def ingest_pending(settings: Settings | None = None, *, batch_size: int = DEFAULT_BATCH_SIZE,
                   lock_timeout: float | None = None, actor: str | None = None) -> IngestResult:
    """Load every pending submission, holding the warehouse lock for the whole run."""
    settings = settings or get_settings()
    result = IngestResult()
    with warehouse_lock(settings, timeout=lock_timeout):
        result.recovered = recover_pending(settings, lambda ids: audit.last_outcomes(settings, "submit", ids))
        with connect_raw_warehouse(settings) as con:
            pending = pending_submissions(con, settings)
            for start in range(0, len(pending), max(1, batch_size)):
                batch = pending[start:start + max(1, batch_size)]
                try:
                    result.rows_loaded += _load_batch(con, batch, actor)
                    _count(result, batch)
                except Exception:  # noqa: BLE001 - isolate the culprit, load the rest
                    for sub in batch:
                        try:
                            result.rows_loaded += _load_batch(con, [sub], actor)
                            _count(result, [sub])
                        except Exception as exc:  # noqa: BLE001
                            result.failed[sub.submission_id] = f"{type(exc).__name__}: {exc}"[:500]
            result.review_events_loaded = _load_review_events(con, settings)
            try:
                result.audit_events_copied = _copy_audit_events(con, settings)
            except AuditJournalTampered as refused:  # recorded in raw.audit_integrity
                logger.error("%s", refused)
                result.audit_refused = refused
    if result.failed:
        audit.append_events(settings, [audit.new_event(
            "load", actor=actor, outcome="failed", submission_id=sid, detail={"error": reason})
            for sid, reason in result.failed.items()])
    return result


def _count(result: IngestResult, batch: list[LandedSubmission]) -> None:
    for sub in batch:
        (result.loaded if sub.status == "accepted" else result.rejections_recorded).append(sub.submission_id)
