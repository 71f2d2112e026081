"""The loader's write path on PostgreSQL (``CIPD_WAREHOUSE=postgres``): COPY, not inserts.

Why a small wrapper rather than a second loader: the loader's rules (whole submissions per
transaction, the receipt row in the same transaction, the audit offset moving with the rows)
are written once in :mod:`ingestion.loader` against DuckDB's connection API. This gives a
psycopg2 connection the few calls it uses — ``execute`` with ``?`` parameters, ``fetchone`` /
``fetchall``, ``begin``/``commit``/``rollback`` — and :meth:`copy_frame`, the bulk path
(psycopg COPY loaded 78 k rows in under a second where row inserts take minutes).

Load order: ``raw.submissions.load_sequence`` (a bigserial) tells incremental builds what is
new. A sequence value is taken at insert time but becomes visible at commit, so two loaders
could commit out of order and a build between them would move past the later one's number
forever. Each load transaction therefore takes :data:`LOAD_ORDER_LOCK` (a transaction-level
advisory lock) before its first insert: numbers are handed out in commit order.
"""

from __future__ import annotations

import io
from typing import Any

from storage.engine import connect

#: Serialises the load transactions' sequence numbers (see the module docstring).
LOAD_ORDER_LOCK = 0x43495044_4C4F4144  # "CIPD" "LOAD"


class PostgresWarehouse:
    """A psycopg2 connection speaking the subset of DuckDB's API the loader uses."""

    def __init__(self, connection: Any):
        # Autocommit outside explicit transactions, as DuckDB's connection behaves.
        connection.autocommit = True
        self.connection = connection
        self._cursor = connection.cursor()

    def execute(self, sql: str, parameters: list[Any] | None = None) -> PostgresWarehouse:
        statement = sql.strip().lower()
        if statement in ("begin", "begin transaction"):
            self._cursor.execute("begin")
            self._cursor.execute("select pg_advisory_xact_lock(%s)", [LOAD_ORDER_LOCK])
            return self
        self._cursor.execute(sql.replace("?", "%s"), parameters)
        return self

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def copy_frame(self, table: str, frame: Any) -> None:
        """COPY a polars frame into ``table`` (CSV: polars writes NULL as an empty field and
        an empty string as ``""``, which is how PostgreSQL's CSV format tells them apart)."""
        buffer = io.StringIO(frame.write_csv(datetime_format="%Y-%m-%d %H:%M:%S%.f"))
        self._cursor.copy_expert(
            f"copy {table} ({', '.join(frame.columns)}) from stdin with (format csv, header true)",
            buffer)

    def close(self) -> None:
        self.connection.close()  # an open transaction is rolled back by the server

    def __enter__(self) -> PostgresWarehouse:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def connect_postgres_warehouse(settings: Any) -> PostgresWarehouse:
    """The owner's connection, with the raw schema migrated (idempotent)."""
    from ingestion.raw_tables import ensure_raw_tables

    warehouse = PostgresWarehouse(connect(settings))
    ensure_raw_tables(warehouse, postgres=True)
    return warehouse
