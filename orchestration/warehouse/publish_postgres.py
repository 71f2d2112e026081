"""Publishing on PostgreSQL (``CIPD_WAREHOUSE=postgres``): a schema swap instead of a file rename.

Why: there is no file to rename on a server, and readers on several hosts must still see the
previous complete build or the new one, never half. dbt builds the marts into
``marts_build``; publish copies them (with ``meta_build`` and ``meta_test_results``) into
``serving_next``, grants the select-only reader role ``usage`` and ``select`` there, then in
one short transaction renames ``marts`` away, ``serving_next`` to ``marts`` and drops the old
one. PostgreSQL's DDL is transactional: a reader's query started before the swap finishes on
the old tables (the swap waits for it), the next one reads the new. Measured by the probe:
the swap takes a few milliseconds.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from data_contracts.settings import Settings
from storage.engine import (
    BUILD_MARTS_SCHEMA,
    SERVING_NEXT_SCHEMA,
    SERVING_PREVIOUS_SCHEMA,
    SERVING_SCHEMA,
    connect,
)

#: The period columns the dashboards filter on (rows of one period stored together).
_PERIOD_COLUMNS = ("week_code", "month_code")


def _postgres_type(duckdb_type: str) -> str:
    return "double precision" if duckdb_type == "double" else duckdb_type


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _build_tables(cur: Any) -> list[str]:
    cur.execute("select table_name from information_schema.tables where table_schema = %s "
                "and table_type = 'BASE TABLE' order by table_name", [BUILD_MARTS_SCHEMA])
    return [row[0] for row in cur.fetchall()]


def _order_by(cur: Any, table: str) -> str:
    cur.execute("select column_name from information_schema.columns where table_schema = %s "
                "and table_name = %s", [BUILD_MARTS_SCHEMA, table])
    columns = {row[0] for row in cur.fetchall()}
    period = next((column for column in _PERIOD_COLUMNS if column in columns), None)
    return f" order by {period}" if period else ""


def write_serving_next(settings: Settings, run_results_path: Path, published_at: datetime) -> tuple[str, ...]:
    """Copy the built marts and the build's metadata into ``serving_next``, readable by the
    reader role; nothing a reader sees changes yet."""
    from orchestration.warehouse.publish import (
        _META_BUILD_COLUMNS,
        _META_TEST_COLUMNS,
        META_BUILD,
        META_TEST_RESULTS,
        PublishError,
        create_and_fill,
        build_metadata,
        test_result_rows,
    )

    connection = connect(settings)
    try:
        with connection, connection.cursor() as cur:
            marts = [t for t in _build_tables(cur) if t not in (META_BUILD, META_TEST_RESULTS)]
            if not marts:
                raise PublishError(f"the warehouse has no table in schema {BUILD_MARTS_SCHEMA}: "
                                   "run a build first")
            cur.execute(f"drop schema if exists {SERVING_NEXT_SCHEMA} cascade")
            cur.execute(f"create schema {SERVING_NEXT_SCHEMA}")
            for table in marts:
                cur.execute(f'create table {SERVING_NEXT_SCHEMA}."{table}" as select * from '
                            f'{BUILD_MARTS_SCHEMA}."{table}"{_order_by(cur, table)}')
            run_results = _read_json(run_results_path)
            manifest = _read_json(run_results_path.with_name("manifest.json"))
            for table, columns, rows in ((META_BUILD, _META_BUILD_COLUMNS, [build_metadata(run_results, published_at)]),
                                         (META_TEST_RESULTS, _META_TEST_COLUMNS, test_result_rows(run_results, manifest))):
                create_and_fill(cur, f"{SERVING_NEXT_SCHEMA}.{table}", columns, rows,
                                placeholder="%s", column_type=_postgres_type)
            reader = settings.pg_reader_user
            cur.execute(f'grant usage on schema {SERVING_NEXT_SCHEMA} to "{reader}"')
            cur.execute(f'grant select on all tables in schema {SERVING_NEXT_SCHEMA} to "{reader}"')
            for table in marts + [META_BUILD, META_TEST_RESULTS]:
                cur.execute(f'analyze {SERVING_NEXT_SCHEMA}."{table}"')
    finally:
        connection.close()
    return tuple(marts) + (META_BUILD, META_TEST_RESULTS)


def swap_serving(settings: Settings) -> None:
    """``serving_next`` becomes ``marts`` in one transaction (the previous one is dropped)."""
    connection = connect(settings)
    try:
        with connection, connection.cursor() as cur:
            cur.execute(f"drop schema if exists {SERVING_PREVIOUS_SCHEMA} cascade")
            cur.execute("select 1 from pg_namespace where nspname = %s", [SERVING_SCHEMA])
            if cur.fetchone():
                cur.execute(f"alter schema {SERVING_SCHEMA} rename to {SERVING_PREVIOUS_SCHEMA}")
            cur.execute(f"alter schema {SERVING_NEXT_SCHEMA} rename to {SERVING_SCHEMA}")
            cur.execute(f"drop schema if exists {SERVING_PREVIOUS_SCHEMA} cascade")
    finally:
        connection.close()


def serving_size_bytes(settings: Settings) -> int:
    connection = connect(settings)
    try:
        with connection, connection.cursor() as cur:
            cur.execute("select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c "
                        "join pg_namespace n on n.oid = c.relnamespace "
                        "where n.nspname = %s and c.relkind = 'r'", [SERVING_SCHEMA])
            return int(cur.fetchone()[0])
    finally:
        connection.close()


def publish_postgres(settings: Settings, run_results_path: Path) -> Any:
    """What :func:`orchestration.warehouse.publish.publish` does on PostgreSQL (caller holds
    the warehouse lock)."""
    from orchestration.warehouse.publish import PublishResult

    started = time.perf_counter()
    published_at = datetime.now(timezone.utc)
    tables = write_serving_next(settings, run_results_path, published_at)
    swap_serving(settings)
    return PublishResult(path=Path(f"postgresql:{settings.pg_database}/{SERVING_SCHEMA}"),
                         tables=tables, published_at=published_at,
                         size_bytes=serving_size_bytes(settings),
                         elapsed_seconds=time.perf_counter() - started)
