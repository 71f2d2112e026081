"""Nightly backup of the warehouse: checkpoint, copy, test-open, keep the last N.

Why, when the warehouse can be rebuilt from the landing zone: a rebuild replays every upload
through dbt (minutes on a long history), and a backup is the quick way back after a bad
deployment or a deleted file. Why these steps:

* *checkpoint* folds DuckDB's write-ahead log into the main file, so the one file copied is
  the whole database (a copy without its ``.wal`` could miss the last transactions);
* the copy is taken under the warehouse lock, so no writer changes the file mid-copy;
* *test-open*: the copy is opened read-only and every table is read back (DuckDB checks each
  block's checksum), before it is renamed into place: an unreadable copy is never kept as a
  backup;
* retention: the newest ``settings.backup_retention`` backups are kept, older ones deleted
  (as are the warehouses a rebuild set aside, ``replaced-*``, past the same count).

File names carry the real UTC instant (not ``CIPD_NOW``: a frozen demo clock would make every
backup collide), so they sort by age.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from data_contracts.settings import Settings, get_settings
from storage.atomic import fsync_dir
from storage.file_modes import restrict
from storage.lock import warehouse_lock
from orchestration.warehouse.rebuild import REPLACED_PREFIX, check_database

BACKUP_PREFIX = "warehouse-"
BACKUP_SUFFIX = ".duckdb"


class BackupError(RuntimeError):
    """No backup could be made (no warehouse, or the copy does not read back); the message is
    French (operators read it)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    tables: int
    removed: tuple[Path, ...]
    elapsed_seconds: float


def list_backups(settings: Settings, prefix: str = BACKUP_PREFIX) -> list[Path]:
    """Completed backups (or set-aside warehouses), oldest first."""
    if not settings.backups_dir.is_dir():
        return []
    return sorted(p for p in settings.backups_dir.glob(f"{prefix}*{BACKUP_SUFFIX}") if p.is_file())


def prune_backups(settings: Settings) -> tuple[Path, ...]:
    """Delete all but the newest ``settings.backup_retention`` of each kind of file."""
    removed: list[Path] = []
    for prefix in (BACKUP_PREFIX, REPLACED_PREFIX):
        for old in list_backups(settings, prefix)[:-settings.backup_retention]:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".wal").unlink(missing_ok=True)
            removed.append(old)
    for abandoned in settings.backups_dir.glob(f".{BACKUP_PREFIX}*.tmp"):
        abandoned.unlink(missing_ok=True)  # a backup killed mid-copy (we hold the lock)
    return tuple(removed)


def backup_warehouse(settings: Settings | None = None) -> BackupResult:
    """Checkpoint, copy, test-open and keep a backup; prune past the retention."""
    import duckdb

    settings = settings or get_settings()
    started = time.perf_counter()
    settings.backups_dir.mkdir(parents=True, exist_ok=True)
    name = f"{BACKUP_PREFIX}{datetime.now(timezone.utc):%Y%m%dT%H%M%S%fZ}{BACKUP_SUFFIX}"
    target = settings.backups_dir / name
    temporary = target.with_name(f".{name}.tmp")
    with warehouse_lock(settings):
        if not settings.warehouse_path.exists():
            raise BackupError(f"aucun entrepôt à {settings.warehouse_path} : rien à sauvegarder "
                              "(lancez d'abord « cipd ingest »)")
        try:
            with duckdb.connect(str(settings.warehouse_path)) as connection:
                connection.execute("checkpoint")
        except duckdb.Error as error:
            raise BackupError(f"l'entrepôt ne s'ouvre pas ({error}) : reconstruisez-le avec "
                              "« cipd rebuild » au lieu de le sauvegarder") from error
        try:
            shutil.copyfile(settings.warehouse_path, temporary)
            with temporary.open("rb") as copied:
                os.fsync(copied.fileno())
            restrict(temporary)
            check = check_database(temporary)
            if not check.ok:
                raise BackupError(f"la copie ne se relit pas ({check.problem}) : l'entrepôt est "
                                  "probablement endommagé, reconstruisez-le avec « cipd rebuild »")
            os.replace(temporary, target)
            fsync_dir(target.parent)
        finally:
            temporary.unlink(missing_ok=True)
        removed = prune_backups(settings)
    return BackupResult(path=target, size_bytes=target.stat().st_size, tables=len(check.table_hashes),
                        removed=removed, elapsed_seconds=time.perf_counter() - started)
