"""The warehouse's one-writer lock.

DuckDB allows one writing process per file, and a writer blocks readers. Measured on this
project: several processes writing one file with retry-on-lock silently lost acknowledged
rows at 8+ writers. So every writing path (the loader, ``cipd build``, Dagster) takes this
OS file lock first and holds it for its whole run; the kernel releases it if the holder dies
(even on SIGKILL), so a crash never leaves the warehouse locked.

On PostgreSQL (``CIPD_WAREHOUSE=postgres``) the writers may run on several hosts, which a
local file cannot coordinate: the lock is then a session-level ``pg_advisory_lock`` on the
hub's database, held by a connection of its own; the server releases it when that session
ends, so a killed holder frees it too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from data_contracts.settings import Settings, get_settings


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse lock longer than the caller agreed to wait."""


@contextmanager
def warehouse_lock(settings: Settings | None = None, timeout: float | None = None) -> Iterator[None]:
    """Hold the warehouse write lock; ``timeout=None`` waits as long as needed.

    Re-entrant within one thread (a Dagster op holding it may call ``ingest_pending``);
    other threads and other processes wait for it.
    """
    settings = settings or get_settings()
    if settings.is_postgres:
        with _advisory_lock(settings, timeout):
            yield
        return
    settings.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.lock_path), is_singleton=True)
    try:
        lock.acquire(timeout=-1 if timeout is None else timeout)
    except Timeout:
        raise WarehouseBusy(
            f"the warehouse lock {settings.lock_path} is held by another writer "
            f"(waited {timeout} s)") from None
    try:
        yield
    finally:
        lock.release()


#: The advisory lock's key: one writer per hub database (any constant bigint would do).
ADVISORY_LOCK_KEY = 0x43495044_57524954  # "CIPD" "WRIT"
_held = threading.local()


@contextmanager
def _advisory_lock(settings: Settings, timeout: float | None) -> Iterator[None]:
    """Re-entrant within one thread like the file lock: the outermost call opens the session
    that holds the lock, nested calls only count."""
    from storage.engine import connect

    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    connection = connect(settings, autocommit=True)
    try:
        _acquire(connection, settings, timeout)
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            with connection.cursor() as cur:
                cur.execute("select pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])
    finally:
        connection.close()


def _acquire(connection, settings: Settings, timeout: float | None) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    with connection.cursor() as cur:
        if deadline is None:
            cur.execute("select pg_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            return
        while True:
            cur.execute("select pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if cur.fetchone()[0]:
                return
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse's advisory lock on {settings.pg_database} is held by another "
                    f"writer (waited {timeout} s)")
            time.sleep(0.05)
