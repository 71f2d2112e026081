"""Locking a login after repeated wrong passwords, whatever the browser session.

Why server-side: a limit kept in the Streamlit session is reset by opening a new tab, so it only
slows down an honest user. This one is kept per login in ``CIPD_HOME/sign_in_failures.json``
(shared by every session and every server process, behind a file lock): after
``MAX_FAILURES`` wrong passwords within ``WINDOW``, the login is refused — even with the right
password — until ``WINDOW`` has passed since the last failure. A successful sign-in clears it.
Only the local-password mode needs it: with OIDC the identity provider enforces its own policy.

The file holds logins and instants, nothing else; the audit journal keeps every attempt.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from filelock import FileLock

from data_contracts.calendar import now_utc
from data_contracts.settings import Settings
from storage.atomic import write_atomic

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _path(settings: Settings) -> Path:
    return settings.root / "sign_in_failures.json"


def _lock(settings: Settings) -> FileLock:
    settings.root.mkdir(parents=True, exist_ok=True)
    return FileLock(str(_path(settings)) + ".lock", timeout=30)


def _read(settings: Settings) -> dict[str, list[str]]:
    try:
        return json.loads(_path(settings).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _write(settings: Settings, failures: dict[str, list[str]]) -> None:
    write_atomic(_path(settings), json.dumps(failures).encode("utf-8"))


def _recent(instants: list[str], now: datetime) -> list[datetime]:
    return [at for at in map(datetime.fromisoformat, instants) if now - at < WINDOW]


def _until(instants: list[str], now: datetime) -> datetime | None:
    recent = _recent(instants, now)
    return max(recent) + WINDOW if len(recent) >= MAX_FAILURES else None


def locked_until(settings: Settings, login: str) -> datetime | None:
    """When ``login`` may try again (UTC), or None when it is not locked."""
    return _until(_read(settings).get(login, []), now_utc(settings.now))


def record_failure(settings: Settings, login: str) -> datetime | None:
    """Count one wrong password for ``login``; returns when it is locked until, if it now is."""
    now = now_utc(settings.now)
    with _lock(settings):
        failures = _read(settings)
        # forget what no longer counts, for every login: the file stays small
        failures = {key: [at.isoformat() for at in _recent(values, now)]
                    for key, values in failures.items()}
        failures[login] = [*failures.get(login, []), now.isoformat()][-MAX_FAILURES:]
        _write(settings, {key: values for key, values in failures.items() if values})
    return _until(failures[login], now)


def clear(settings: Settings, login: str) -> None:
    """A successful sign-in starts the count again."""
    with _lock(settings):
        failures = _read(settings)
        if failures.pop(login, None) is not None:
            _write(settings, failures)
