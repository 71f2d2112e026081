"""The loader's copy of the audit journal into ``raw.audit_log`` — only of a journal that checks.

Why here and not a plain "read from the saved offset": a journal that was edited, had forged
lines appended or was cut shorter than what was already copied must not be copied on as if
nothing happened (the loader used to copy a forged line, and after a truncation silently copied
0 events forever). So the lines after the saved position must continue the chain from the saved
hash (``storage.audit_verify.read_verified``: cheap, never the whole file each time), and the
head must not be behind the last seal. On failure nothing is copied, the position stays, and a
row in ``raw.audit_integrity`` says what is wrong (the quality page shows it); the row flips
back once the journal checks again (after the operator restored it).

Seals (``audit/seals.jsonl``) are copied into ``raw.audit_seals``: the warehouse keeps its own
copy of every sealed head.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from data_contracts.settings import Settings
from storage.audit_seal import expired_points, read_seals
from storage.audit_verify import Position, Tampering, read_verified

POSITION_KEY = "audit_chain_position"

INTEGRITY_COLUMNS: dict[str, str] = {
    "checked_at": "TIMESTAMP NOT NULL",
    "is_intact": "BOOLEAN NOT NULL",
    "checked_up_to_seq": "BIGINT NOT NULL",
    "bad_file": "VARCHAR",
    "bad_line": "BIGINT",
    "message_fr": "VARCHAR",
    "message_en": "VARCHAR",
}

SEALS_COLUMNS: dict[str, str] = {
    "mac": "VARCHAR NOT NULL PRIMARY KEY",
    "sealed_at": "TIMESTAMP NOT NULL",
    "seq": "BIGINT NOT NULL",
    "head_hash": "VARCHAR NOT NULL",
    "key_id": "VARCHAR NOT NULL",
    "loaded_at": "TIMESTAMP NOT NULL",
}


class AuditJournalTampered(RuntimeError):
    """The journal failed its check: nothing of it was copied. ``message_fr`` for people."""

    def __init__(self, problem: Tampering):
        super().__init__(f"audit journal refused: {problem}")
        self.problem = problem
        self.message_fr = (
            f"Journal d'audit refusé ({problem.where_fr}) : {problem.message_fr}. Aucun événement "
            "n'a été copié dans l'entrepôt. Lancez `cipd audit verify`, restaurez le journal depuis "
            "la dernière sauvegarde et prévenez le responsable de la sécurité.")


def _ddl(table: str, columns: dict[str, str]) -> str:
    body = ", ".join(f"{name} {sql}" for name, sql in columns.items())
    return f"create table if not exists raw.{table} ({body})"


def ensure_audit_tables(con: Any) -> None:
    con.execute("create schema if not exists raw")
    con.execute(_ddl("audit_integrity", INTEGRITY_COLUMNS))
    con.execute(_ddl("audit_seals", SEALS_COLUMNS))


def saved_position(con: Any) -> Position | None:
    found = con.execute("select value from raw.loader_state where name = ?", [POSITION_KEY]).fetchone()
    return Position.from_json(found[0]) if found else None


def _utc_naive(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc).replace(tzinfo=None)


def _behind_last_seal(seals: list[dict[str, Any]], head: Position) -> Tampering | None:
    """A journal cut after the loader's position is caught by the seal (read, not checked:
    ``cipd audit verify`` authenticates seals; here only the sealed sequence number matters)."""
    if seals and int(seals[-1]["seq"]) > head.seq:
        return Tampering(None, head.line + 1,
                         f"le journal s'arrête à l'événement n° {head.seq} alors que le sceau du "
                         f"{seals[-1]['sealed_at']} couvre jusqu'au n° {seals[-1]['seq']} : "
                         "des événements ont été supprimés", "journal ends before the last seal")
    return None


def _record_status(con: Any, seq: int, problem: Tampering | None) -> None:
    """One row per change of state (not per run): intact → refused → intact again."""
    last = con.execute("select is_intact, message_en from raw.audit_integrity "
                       "order by checked_at desc limit 1").fetchone()
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if problem is None and (last is None or last[0]):
        return
    if problem is not None and last is not None and not last[0] and last[1] == problem.message_en:
        return
    con.execute("insert into raw.audit_integrity values (?, ?, ?, ?, ?, ?, ?)",
                [now, problem is None, seq, problem.path.name if problem and problem.path else None,
                 problem.line if problem else None, problem.message_fr if problem else None,
                 problem.message_en if problem else None])


def copy_audit_events(con: Any, settings: Settings, to_row: Any, insert: Any) -> int:
    """Check and copy the journal's new events; returns how many rows were inserted.

    ``to_row`` turns an event into a ``raw.audit_log`` row and ``insert(frame_rows)`` inserts
    them deduplicated (the loader's own helpers). Raises :class:`AuditJournalTampered` after
    recording the refusal; the saved position then stays where it was. The audit tables exist:
    ``ingestion.raw_tables.ensure_raw_tables`` creates them with every warehouse connection."""
    position = saved_position(con)
    try:
        seals = read_seals(settings)
        resume = expired_points(seals) if position is None else None
        events, head = read_verified(settings, position, resume=resume)
        problem = _behind_last_seal(seals, head)
    except Tampering as found:
        problem, events, head = found, [], position or Position()
    if problem is not None:
        con.execute("begin transaction")
        _record_status(con, (position or Position()).seq, problem)
        con.execute("commit")
        raise AuditJournalTampered(problem)
    copied = 0
    con.execute("begin transaction")
    try:
        if events:
            loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
            copied = insert([to_row(e, loaded_at) for e in events])
        if head != position:
            con.execute("delete from raw.loader_state where name = ?", [POSITION_KEY])
            con.execute("insert into raw.loader_state (name, value) values (?, ?)",
                        [POSITION_KEY, head.to_json()])
        _copy_seals(con, settings)
        _record_status(con, head.seq, None)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return copied


def _copy_seals(con: Any, settings: Settings) -> None:
    known = {row[0] for row in con.execute("select mac from raw.audit_seals").fetchall()}
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    for seal in read_seals(settings):
        if seal["mac"] not in known:
            con.execute("insert into raw.audit_seals values (?, ?, ?, ?, ?, ?)",
                        [seal["mac"], _utc_naive(seal["sealed_at"]), int(seal["seq"]),
                         seal["head_hash"], seal["key_id"], loaded_at])


def latest_integrity(con: Any) -> dict[str, Any] | None:
    """The last recorded state of the journal check (None: never refused). Read-only."""
    row = con.execute("select * from raw.audit_integrity order by checked_at desc limit 1").fetchone()
    return dict(zip(INTEGRITY_COLUMNS, row)) if row else None


def json_detail(event: dict[str, Any]) -> str:
    """The event's detail plus its chain and trust fields, for ``raw.audit_log.detail_json``:
    the raw table keeps its columns; what the chain adds is still queryable."""
    extra = {k: event[k] for k in ("seq", "prev_hash", "recorded_at", "actor_claimed",
                                   "actor_trusted", "actor_via") if k in event}
    return json.dumps({**(event.get("detail") or {}), **({"_audit": extra} if extra else {})},
                      ensure_ascii=False)


def warehouse_position(settings: Settings) -> tuple[Position | None, str | None]:
    """The loader's saved position, read from the warehouse without taking its lock, and why
    it could not be read (None when it was): ``cipd audit verify`` checks the journal still
    holds it, so a journal cut behind what the warehouse copied is named."""
    import duckdb

    path = settings.warehouse_path
    if not path.exists():
        return None, None
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            found = con.execute("select value from raw.loader_state where name = ?",
                                [POSITION_KEY]).fetchone()
    except duckdb.Error as error:  # a writer holds the file, or no loader_state yet
        return None, f"{type(error).__name__}: {error}"[:300]
    return (Position.from_json(found[0]) if found else None), None


def daily_seal(settings: Settings) -> dict[str, Any]:
    """Rotate, check (against the loader's saved position too) and seal: the plain function
    behind the Dagster schedule and ``cipd audit seal``. Raises ``Tampering`` on a bad journal."""
    from storage.audit_seal import seal_daily

    position, _ = warehouse_position(settings)
    return seal_daily(settings, expected=position)
