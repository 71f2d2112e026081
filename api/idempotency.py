"""``Idempotency-Key``: a retried deposit gets the first answer, never a second deposit.

A client that lost the answer to a POST (timeout, dropped connection) sends it again with the
same key. The first complete answer (status and body) is kept on disk, per token, under
``CIPD_HOME/api/idempotency/<token id>/<sha256 of the key>.json`` (atomic write: survives a
restart). While a first request with a key is being answered, a retry with that key waits for
it (a file lock) and then replays it. The same key with a different file is a client bug: 409.
Dry runs keep nothing, so they are never stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from data_contracts.settings import Settings
from storage.atomic import write_atomic

MAX_KEY_LENGTH = 255
#: How long a retry waits for the first request with its key to be answered.
WAIT_SECONDS = 30.0


class KeyInUse(Exception):
    """The first request with this key is still being answered after :data:`WAIT_SECONDS`."""


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()


@dataclass
class Slot:
    path: Path
    fingerprint: str
    stored: dict[str, Any] | None

    @property
    def conflicts(self) -> bool:
        """The key was first used for another request (other file, kind or département)."""
        return self.stored is not None and self.stored["fingerprint"] != self.fingerprint

    def save(self, status_code: int, body: dict[str, Any]) -> None:
        record = {"fingerprint": self.fingerprint, "status_code": status_code, "body": body}
        write_atomic(self.path, json.dumps(record, ensure_ascii=False).encode("utf-8"))


def fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@contextmanager
def claim(settings: Settings, token_id: str, key: str, request_fingerprint: str) -> Iterator[Slot]:
    """Hold the key while the request is answered; ``Slot.stored`` is the first answer, if any."""
    folder = settings.root / "api" / "idempotency" / token_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(key.encode('ascii')).hexdigest()}.json"
    lock = FileLock(str(path) + ".lock", timeout=WAIT_SECONDS, thread_local=False)
    try:
        lock.acquire()
    except Timeout as error:
        raise KeyInUse(key) from error
    try:
        try:
            stored = json.loads(path.read_bytes())
        except FileNotFoundError:
            stored = None
        yield Slot(path, request_fingerprint, stored)
    finally:
        lock.release()
