"""Slowing password guessing down without handing anyone a way to lock others out.

The previous rule (five failures lock a login for 15 minutes) was a weapon: anyone could keep any
account locked. This one never refuses a person because of what *someone else* did from
elsewhere:

- **Per (login, client) exponential back-off.** After ``FREE_FAILURES`` wrong passwords that
  client waits ``BASE_DELAY`` before trying that login again, twice as long after each further
  failure, never more than ``MAX_DELAY``. Another client (another address) signing in to the same
  login is not slowed. The count is forgotten ``FORGET_AFTER`` after the last failure.
- **A global limit across logins.** When more than ``GLOBAL_FAILURES_PER_MINUTE`` failures
  happened in the last minute (a spray over many logins), every client that itself failed
  recently waits until the minute has room again; a client with no recent failure still gets
  its attempt, so a flood does not keep honest people out.

Nothing is permanent: the longest wait is ``MAX_DELAY`` for one client, one minute for the global
limit. State lives in ``CIPD_HOME/sign_in_failures.json`` (shared by every session and process,
behind a file lock) and holds logins, client addresses and instants only; the audit journal keeps
every attempt (:mod:`accounts.sign_in`). The clock is ``Settings.now`` so tests can move it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from filelock import FileLock

from data_contracts.calendar import now_utc
from data_contracts.settings import Settings
from storage.atomic import write_atomic

FREE_FAILURES = 3
BASE_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(minutes=5)
FORGET_AFTER = timedelta(hours=1)
GLOBAL_FAILURES_PER_MINUTE = 20
_MINUTE = timedelta(minutes=1)
#: Bounds the file under a flood (only the last minute's instants matter).
_MAX_GLOBAL_INSTANTS = 1000


@dataclass(frozen=True)
class Wait:
    """How long a client must wait before its next attempt, and why (``per_login``/``global``)."""

    seconds: float
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.seconds > 0


def _path(settings: Settings) -> Path:
    return settings.root / "sign_in_failures.json"


def _lock(settings: Settings) -> FileLock:
    settings.root.mkdir(parents=True, exist_ok=True)
    return FileLock(str(_path(settings)) + ".lock", timeout=30)


def _key(login: str, client: str) -> str:
    return f"{login}\t{client}"


def _read(settings: Settings) -> dict:
    try:
        state = json.loads(_path(settings).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"pairs": {}, "clients": {}, "recent": []}
    if "pairs" not in state:  # the old per-login lock file: nothing in it still applies
        return {"pairs": {}, "clients": {}, "recent": []}
    return state


def _pruned(state: dict, now: datetime) -> dict:
    """Forget what no longer counts, so the file stays small."""
    def fresh(at: str, span: timedelta) -> bool:
        return now - datetime.fromisoformat(at) < span

    return {
        "pairs": {k: v for k, v in state["pairs"].items() if fresh(v["last"], FORGET_AFTER)},
        "clients": {k: v for k, v in state["clients"].items() if fresh(v, FORGET_AFTER)},
        "recent": [at for at in state["recent"] if fresh(at, _MINUTE)][-_MAX_GLOBAL_INSTANTS:],
    }


def _backoff(count: int) -> timedelta:
    if count < FREE_FAILURES:
        return timedelta(0)
    return min(BASE_DELAY * 2 ** (count - FREE_FAILURES), MAX_DELAY)


def _wait(state: dict, login: str, client: str, now: datetime) -> Wait:
    pair = state["pairs"].get(_key(login, client))
    per_login = (datetime.fromisoformat(pair["last"]) + _backoff(pair["count"]) - now
                 if pair else timedelta(0))
    global_wait = timedelta(0)
    recent = sorted(map(datetime.fromisoformat, state["recent"]))
    if len(recent) >= GLOBAL_FAILURES_PER_MINUTE and client in state["clients"]:
        # room again once enough of the last minute's failures have aged out
        global_wait = recent[len(recent) - GLOBAL_FAILURES_PER_MINUTE] + _MINUTE - now
    if per_login <= timedelta(0) and global_wait <= timedelta(0):
        return Wait(0)
    if per_login >= global_wait:
        return Wait(per_login.total_seconds(), "per_login")
    return Wait(global_wait.total_seconds(), "global")


def wait_before_attempt(settings: Settings, login: str, client: str) -> Wait:
    """How long ``client`` must wait before trying ``login`` again (falsy: it may try now)."""
    now = now_utc(settings.now)
    return _wait(_pruned(_read(settings), now), login, client, now)


def record_failure(settings: Settings, login: str, client: str) -> Wait:
    """Count one wrong password of ``client`` for ``login``; returns the wait now in force."""
    now = now_utc(settings.now)
    with _lock(settings):
        state = _pruned(_read(settings), now)
        pair = state["pairs"].get(_key(login, client), {"count": 0})
        state["pairs"][_key(login, client)] = {"count": pair["count"] + 1, "last": now.isoformat()}
        state["clients"][client] = now.isoformat()
        state["recent"].append(now.isoformat())
        write_atomic(_path(settings), json.dumps(state).encode("utf-8"))
    return _wait(state, login, client, now)


def clear(settings: Settings, login: str, client: str) -> None:
    """A successful sign-in starts this client's count for this login again."""
    with _lock(settings):
        state = _read(settings)
        if state["pairs"].pop(_key(login, client), None) is not None:
            write_atomic(_path(settings), json.dumps(state).encode("utf-8"))
