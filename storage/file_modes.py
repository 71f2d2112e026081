"""Who may read the hub's databases: the owner only, or its group for the serving copy.

Why: ``warehouse.duckdb`` and ``serving.duckdb`` hold every figure before small-count
suppression, so a local account other than the hub's must not be able to open them (DuckDB
creates files 0644 under the usual umask). Every database file the hub writes — the warehouse,
the published copy, backups, the warehouses a rebuild sets aside — goes through
:func:`restrict` before it is renamed into place, so its final name is never readable by others.
The serving copy alone may be opened to one group (``CIPD_SERVING_READER_GROUP``), for a
dashboard process running under another account.

:func:`private_umask` closes what a ``chmod`` after the fact cannot: DuckDB's write-ahead log
(``*.wal``) and temporary copies are created by DuckDB itself; with a 077 umask they too are
born owner-only. The ``cipd`` command sets it for itself and every process it starts.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

from data_contracts.settings import Settings

#: Mode of every database file, backup and rebuild copy.
PRIVATE_MODE = 0o600
#: Mode of the serving copy when a reader group is configured.
GROUP_READABLE_MODE = 0o640
#: The process umask of the hub: new files owner-only.
PRIVATE_UMASK = 0o077


def private_umask() -> int:
    """Make every file this process (and its children) creates owner-only; returns the old umask."""
    return os.umask(PRIVATE_UMASK)


def restrict(path: Path, mode: int = PRIVATE_MODE, *, group: str | None = None) -> Path:
    """Set ``path``'s mode (and that of its ``.wal``, if any) and, given a group, its group."""
    gid = grp.getgrnam(group).gr_gid if group else -1
    for target in (path, path.with_name(path.name + ".wal")):
        try:
            status = target.stat()
        except FileNotFoundError:
            continue
        if gid != -1 and status.st_gid != gid:
            os.chown(target, -1, gid)
        if stat.S_IMODE(status.st_mode) != mode:  # already right: no write (read-only mounts)
            os.chmod(target, mode)
    return path


def restrict_serving(path: Path, settings: Settings) -> Path:
    """The serving copy: owner-only, or group-readable for ``settings.serving_reader_group``.

    With a group, the folder holding the copy (``CIPD_HOME``, born 0700 under the hub's umask)
    is handed to that group with only its search bit: the group can open ``serving.duckdb``
    by name, not list or read anything else there."""
    group = settings.serving_reader_group
    if group:
        folder = path.parent
        os.chown(folder, -1, grp.getgrnam(group).gr_gid)
        os.chmod(folder, stat.S_IMODE(folder.stat().st_mode) | stat.S_IXGRP)
    return restrict(path, GROUP_READABLE_MODE if group else PRIVATE_MODE, group=group)
