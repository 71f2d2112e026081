"""The loader's own raw tables (receipts, audit trail, loader state) beside the contract
tables of :mod:`data_contracts.raw_schema`. Portable SQL: the same DDL runs on DuckDB and on
PostgreSQL, where two additions make the server's migration (:func:`ensure_raw_tables`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from data_contracts.raw_schema import RAW_TABLES, REVIEW_EVENTS_TABLE, raw_table_ddl, review_event_columns
from ingestion.audit_copy import ensure_audit_tables
from storage.atomic import fsync_dir
from storage.file_modes import restrict

#: A warehouse being created, beside its final place (same file system, so the rename is atomic).
CREATING_SUFFIX = ".creating"

SUBMISSIONS_COLUMNS: dict[str, str] = {
    "submission_id": "VARCHAR NOT NULL PRIMARY KEY",
    "kind": "VARCHAR NOT NULL",
    "departement": "VARCHAR NOT NULL",
    "filename": "VARCHAR NOT NULL",
    "sha256": "VARCHAR NOT NULL",
    "size_bytes": "BIGINT NOT NULL",
    "received_at": "TIMESTAMP NOT NULL",
    "status": "VARCHAR NOT NULL",
    "row_count": "INTEGER NOT NULL",
    "periods": "VARCHAR",          # comma-separated period codes, in order
    "is_on_time": "BOOLEAN",
    "duplicate_of": "VARCHAR",
    "error_count": "INTEGER NOT NULL",
    "warning_count": "INTEGER NOT NULL",
    "errors_json": "VARCHAR NOT NULL",
    "warnings_json": "VARCHAR NOT NULL",
    "actor": "VARCHAR",
    "loaded_at": "TIMESTAMP NOT NULL",
}

AUDIT_COLUMNS: dict[str, str] = {
    "event_id": "VARCHAR NOT NULL PRIMARY KEY",
    "occurred_at": "TIMESTAMP NOT NULL",
    "actor": "VARCHAR",
    "action": "VARCHAR NOT NULL",
    "kind": "VARCHAR",
    "departement": "VARCHAR",
    "submission_id": "VARCHAR",
    "outcome": "VARCHAR NOT NULL",
    "detail_json": "VARCHAR NOT NULL",
    "loaded_at": "TIMESTAMP NOT NULL",
}

#: Where the loader remembers how far it has read the audit file (byte offset).
STATE_COLUMNS: dict[str, str] = {
    "name": "VARCHAR NOT NULL PRIMARY KEY",
    "value": "VARCHAR NOT NULL",
}


def _ddl(table: str, columns: dict[str, str]) -> str:
    body = ",\n    ".join(f"{name} {sql}" for name, sql in columns.items())
    return f"create table if not exists raw.{table} (\n    {body}\n)"


#: PostgreSQL only: the load order incremental builds read (ingestion.postgres_writer says why
#: not ``loaded_at``), and ``unaccent`` for the dashboards' accent-insensitive search (a
#: trusted extension since PostgreSQL 13: the database owner may create it).
POSTGRES_MIGRATION = (
    "alter table raw.submissions add column if not exists load_sequence bigserial",
    "create extension if not exists unaccent",
)
#: Whether the migration has run: ``alter table`` takes an exclusive lock even when the column
#: exists, so a build's check would otherwise wait behind every open load transaction.
_POSTGRES_MIGRATED = ("select count(*) from information_schema.columns where table_schema = 'raw' "
                      "and table_name = 'submissions' and column_name = 'load_sequence'")


def ensure_raw_tables(con: Any, *, postgres: bool = False) -> None:
    """Create schema ``raw`` and every raw table if missing (idempotent)."""
    con.execute("create schema if not exists raw")
    for kind in RAW_TABLES:
        con.execute(raw_table_ddl(kind))
    con.execute(_ddl("submissions", SUBMISSIONS_COLUMNS))
    con.execute(_ddl("audit_log", AUDIT_COLUMNS))
    con.execute(_ddl("loader_state", STATE_COLUMNS))
    con.execute(_ddl(REVIEW_EVENTS_TABLE, review_event_columns()))
    ensure_audit_tables(con)  # the journal checks: the Qualité page's alert reads them
    if postgres and not con.execute(_POSTGRES_MIGRATED).fetchone()[0]:
        for statement in POSTGRES_MIGRATION:
            con.execute(statement)


def create_warehouse(path: Path) -> None:
    """Make sure ``path`` is a whole DuckDB warehouse with its raw tables, creating it if absent.

    Why not let ``duckdb.connect`` create it: DuckDB writes a new file's headers in several
    steps, and a writer killed between them leaves a file that no process can ever open again
    ("exists, but it is not a valid DuckDB database file") — the hub would be down until someone
    deletes it by hand. So a new warehouse is built under a temporary name, checkpointed, flushed
    and renamed into place: ``path`` holds a complete database or does not exist.

    Callers hold the warehouse lock, so any half-created file left by a killed predecessor is
    garbage and is removed.
    """
    import duckdb

    if path.exists():
        restrict(path)  # a warehouse created before databases were owner-only
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(f".{path.name}.*{CREATING_SUFFIX}*"):
        leftover.unlink(missing_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}{CREATING_SUFFIX}")
    try:
        with duckdb.connect(str(temporary)) as con:
            ensure_raw_tables(con)
            con.execute("checkpoint")
        with temporary.open("rb") as created:
            os.fsync(created.fileno())
        restrict(temporary)
        os.replace(temporary, path)
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
    fsync_dir(path.parent)


def connect_raw_warehouse(settings: Any) -> Any:
    """The loader's writable connection on the engine the settings choose (the caller holds
    the warehouse lock): a DuckDB connection, or a PostgreSQL one speaking the same calls."""
    if settings.is_postgres:
        from ingestion.postgres_writer import connect_postgres_warehouse

        return connect_postgres_warehouse(settings)
    return connect_warehouse(settings.warehouse_path)


def connect_warehouse(path: Path) -> Any:
    """A writable connection to the warehouse, created whole first if absent (the caller holds
    the warehouse lock), with every raw table present."""
    import duckdb

    create_warehouse(path)
    con = duckdb.connect(str(path))
    ensure_raw_tables(con)
    return con
