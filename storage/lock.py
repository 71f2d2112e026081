"""The warehouse's one-writer lock.

DuckDB allows one writing process per file, and a writer blocks readers. Measured on this
project: several processes writing one file with retry-on-lock silently lost acknowledged
rows at 8+ writers. So every writing path (the loader, ``cipd build``, Dagster) takes this
OS file lock first and holds it for its whole run; the kernel releases it if the holder dies
(even on SIGKILL), so a crash never leaves the warehouse locked.
"""

from __future__ import annotations

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
