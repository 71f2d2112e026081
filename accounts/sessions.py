"""Signed, expiring session cookies: a reload or a second tab keeps a local sign-in.

Why a signed token rather than a server-side session table: the dashboards (Streamlit) and the
operator gateway (Dagster) are separate processes; both only need to know *which login* a
browser proved, and *when*. The token carries the login and its issue time, signed (HMAC,
``itsdangerous``) with a key kept in ``CIPD_HOME/secrets/session.key`` (0600, created on first
use, never in the repository). It expires :func:`lifetime` after it was issued whatever the
browser claims. The role is *not* in the token: every request re-reads the account, so
removing an account or changing its role takes effect at the next request.

Each use passes a ``purpose`` (``dashboards``, ``operator``): a token issued for one is refused
by the other.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from accounts import users
from data_contracts.settings import Settings


def lifetime(settings: Settings) -> timedelta:
    """How long a sign-in lasts, reloads included (``CIPD_SESSION_LIFETIME_SECONDS``, 8 h)."""
    return timedelta(seconds=settings.session_lifetime_seconds)


def _key_path(settings: Settings) -> Path:
    return settings.root / "secrets" / "session.key"


def _key(settings: Settings) -> bytes:
    path = _key_path(settings)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_bytes()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(32))
        out.flush()
        os.fsync(out.fileno())
    return path.read_bytes()


def _serializer(settings: Settings, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_key(settings), salt=f"cipd-session:{purpose}")


def issue(settings: Settings, login: str, *, purpose: str) -> str:
    """A token proving ``login`` signed in now, for ``purpose``."""
    return _serializer(settings, purpose).dumps({"login": users.normalise_login(login)})


def account_for_token(settings: Settings, token: str | None, *,
                      purpose: str) -> users.Account | None:
    """The account a valid, unexpired token names (re-read from the users file), else None."""
    if not token:
        return None
    try:
        payload = _serializer(settings, purpose).loads(
            token, max_age=lifetime(settings).total_seconds())
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    login = payload.get("login") if isinstance(payload, dict) else None
    account = users.load_accounts(settings).get(login or "")
    return account if account and account.password_hash else None
