"""The loader's own raw tables (receipts, audit trail, loader state) beside the contract
tables of :mod:`data_contracts.raw_schema`. Portable SQL (DuckDB now, PostgreSQL later)."""

from __future__ import annotations

from typing import Any

from data_contracts.raw_schema import RAW_TABLES, raw_table_ddl

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


def ensure_raw_tables(con: Any) -> None:
    """Create schema ``raw`` and every raw table if missing (idempotent)."""
    con.execute("create schema if not exists raw")
    for kind in RAW_TABLES:
        con.execute(raw_table_ddl(kind))
    con.execute(_ddl("submissions", SUBMISSIONS_COLUMNS))
    con.execute(_ddl("audit_log", AUDIT_COLUMNS))
    con.execute(_ddl("loader_state", STATE_COLUMNS))
