"""Durable file writes for the landing zone and the audit log.

An upload is acknowledged only once its bytes are on disk: a crash (power cut, SIGKILL) at
any instant must leave either the whole file or nothing, never a truncated receipt that the
loader would later trip over. Hence temp file in the same directory, fsync, rename, fsync of
the directory (the rename itself is only durable once the directory entry is flushed).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` all-or-nothing (replacing any previous file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
    return path


def write_once(path: Path, data: bytes) -> Path:
    """Content-addressed write: a file already present holds the same bytes, keep it."""
    if not path.exists():
        write_atomic(path, data)
    return path


def append_durably(path: Path, data: bytes) -> None:
    """Append with ``O_APPEND`` in one ``write`` call, then fsync: concurrent submitters'
    lines never interleave, and an acknowledged event survives a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        written = os.write(fd, data)
        if written != len(data):  # pragma: no cover - regular files write fully or raise
            raise OSError(f"short append to {path}: {written} of {len(data)} bytes")
        os.fsync(fd)
    finally:
        os.close(fd)
