"""Read-only access to a published (or any finished) DuckDB file: the one lockdown rule.

Why one module: the dashboards, the documents, the upload warnings and the warehouse check all
open DuckDB files they must not change, and each of them must also be unable to read any other
file (``enable_external_access``) or to undo that setting (``lock_configuration``). Written once
here, that rule cannot drift between its readers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from data_contracts.settings import Settings

#: DuckDB settings of every read-only connection the hub opens on a file it did not just write.
LOCKDOWN = {"enable_external_access": False, "lock_configuration": True}


def open_read_only(path: Path | str) -> duckdb.DuckDBPyConnection:
    """``path`` opened read-only, no access to any other file, configuration locked."""
    return duckdb.connect(str(path), read_only=True, config=dict(LOCKDOWN))


def lock_down(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Apply :data:`LOCKDOWN` to a connection that ATTACHed its file itself (the dashboards do,
    to see each newly published file); configuration is locked last, so nothing can lift it."""
    for name, value in LOCKDOWN.items():
        connection.execute(f"set {name} = {'true' if value else 'false'}")
    return connection


def has_publication(settings: Settings) -> bool:
    """Whether a build was ever published: ``serving.duckdb`` exists, or on PostgreSQL the
    ``marts`` schema holds the receipts mart (the reader role sees nothing else)."""
    if not settings.is_postgres:
        return settings.serving_path.exists()
    from storage.engine import ReaderConnection

    connection = ReaderConnection(settings)
    try:
        return connection.execute("select to_regclass('marts.fct_submissions') is not null").fetchone()[0]
    finally:
        connection.close()


@contextmanager
def serving_connection(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published marts that cannot touch any other file.

    Publishing renames a new file over ``serving.duckdb``, so a connection is opened per use
    (cheap) rather than kept: the next use sees the new file. On PostgreSQL it is the
    select-only reader role's (``storage.engine.ReaderConnection``: same ``execute`` calls)."""
    if settings.is_postgres:
        from storage.engine import ReaderConnection

        connection = ReaderConnection(settings)
        try:
            yield connection
        finally:
            connection.close()
        return
    connection = open_read_only(settings.serving_path)
    try:
        yield connection
    finally:
        connection.close()
