"""The PostgreSQL side of the warehouse engine setting (``CIPD_WAREHOUSE``), in one place.

Why one module: the loader, dbt's profile, publish, the writer lock and the readers all reach
the same server with one of two roles, and the way to reach it (libpq keywords, the unix
socket's directory as host, the select-only reader) must not drift between them. DuckDB keeps
its file paths in :mod:`data_contracts.settings`; nothing here runs when the engine is DuckDB.
"""

from __future__ import annotations

from typing import Any, Literal

from data_contracts.settings import Settings

Role = Literal["owner", "reader"]

#: Schemas on PostgreSQL: dbt builds its marts into ``marts_build``; publish copies them into
#: ``serving_next`` and renames that to ``marts`` in one transaction, so readers' SQL names
#: ``marts.<table>`` on both engines and never sees a build in progress.
BUILD_MARTS_SCHEMA = "marts_build"
SERVING_SCHEMA = "marts"
SERVING_NEXT_SCHEMA = "serving_next"
SERVING_PREVIOUS_SCHEMA = "serving_previous"


def connection_parameters(settings: Settings, role: Role = "owner") -> dict[str, Any]:
    """libpq keywords for ``role`` (a host starting with ``/`` is a unix socket's directory)."""
    user, password = ((settings.pg_user, settings.pg_password) if role == "owner"
                      else (settings.pg_reader_user, settings.pg_reader_password))
    parameters = {"host": settings.pg_host, "port": settings.pg_port,
                  "dbname": settings.pg_database, "user": user,
                  "application_name": f"cipd-hub-{role}"}
    if password:
        parameters["password"] = password
    return parameters


def connect(settings: Settings, role: Role = "owner", *, autocommit: bool = False) -> Any:
    """A psycopg2 connection as ``role``; the reader's is read-only at the session level too
    (its grants already refuse writes: this makes a mistaken write fail the same way early)."""
    import psycopg2

    connection = psycopg2.connect(**connection_parameters(settings, role))
    if role == "reader":
        connection.set_session(readonly=True, autocommit=True)
    else:
        connection.autocommit = autocommit
    return connection


def sqlalchemy_url(settings: Settings) -> str:
    """The owner's URL for SQLAlchemy clients (Dagster's storage): ``postgresql+psycopg2``,
    because a bare ``postgresql://`` picks psycopg 3, on which dagster-postgres' NOTIFY fails."""
    from urllib.parse import quote

    credentials = quote(settings.pg_user, safe="")
    if settings.pg_password:
        credentials += ":" + quote(settings.pg_password, safe="")
    if settings.pg_host.startswith("/"):
        return (f"postgresql+psycopg2://{credentials}@/{settings.pg_database}"
                f"?host={quote(settings.pg_host, safe='/')}&port={settings.pg_port}")
    return (f"postgresql+psycopg2://{credentials}@{settings.pg_host}:{settings.pg_port}"
            f"/{settings.pg_database}")


def to_pyformat(sql: str, parameters: Any) -> str:
    """DuckDB's placeholders (``$name`` with a mapping, ``?`` with a list) as psycopg2's; a
    literal ``%`` (``like '%x'``) doubled, since psycopg2 formats every statement it is given
    parameters for."""
    import re

    if not parameters:
        return sql
    sql = sql.replace("%", "%%")
    if isinstance(parameters, dict):
        return re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)", r"%(\1)s", sql)
    return sql.replace("?", "%s")


class ReaderCursor:
    """One statement's result, read like a DuckDB cursor (``description``, ``fetchall``,
    ``fetchone``, ``pl()``)."""

    def __init__(self, cursor: Any):
        self._cursor = cursor
        self.description = cursor.description

    def fetchall(self) -> list[tuple]:
        return self._cursor.fetchall()

    def fetchone(self) -> tuple | None:
        return self._cursor.fetchone()

    def pl(self) -> Any:
        import polars as pl

        names = [column[0] for column in self.description]
        return pl.DataFrame(self.fetchall(), schema=names, orient="row", infer_schema_length=None)


class ReaderConnection:
    """The reader role's connection with DuckDB's ``execute(sql, parameters)``, so the SQL that
    reads the published marts is written once for both engines."""

    def __init__(self, settings: Settings):
        self._connection = connect(settings, "reader")

    def execute(self, sql: str, parameters: Any = None) -> ReaderCursor:
        cursor = self._connection.cursor()
        cursor.execute(to_pyformat(sql, parameters), parameters or None)
        return ReaderCursor(cursor)

    def cursor(self) -> ReaderConnection:
        return self

    def close(self) -> None:
        self._connection.close()
