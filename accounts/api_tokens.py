"""Submission API tokens: one per département and calling system, shown once, stored hashed.

One JSON file, ``CIPD_HOME/api_tokens.json`` (mode 0600), written atomically under a file lock
by ``cipd tokens``. A token reads ``cipd_<id>_<secret>``: the id finds its entry without trying
every hash, the secret is 256 random bits checked against SHA-256(salt + secret) with a
per-token salt. A slow hash (argon2, as for passwords) protects guessable secrets; these are
not guessable, and argon2's ~50 ms per request would eat most of the API's latency budget when
a hundred préfectures deposit at once. The hash is compared in constant time.

The file is read again only when it changed (mtime, size), so a revocation takes effect on the
next request without a restart, and a request costs one ``stat``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import threading
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

from filelock import FileLock

from data_contracts.referential import is_departement, normalise_departement_code
from data_contracts.settings import Settings
from storage import audit
from storage.atomic import write_atomic

PREFIX = "cipd_"
_TOKEN = re.compile(r"^cipd_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")


class TokenError(ValueError):
    """A refused token change (French message, shown by ``cipd tokens``)."""


@dataclass(frozen=True)
class ApiToken:
    """What the hub keeps of a token: never the secret itself."""

    token_id: str
    departement: str
    label: str
    salt: str
    secret_sha256: str
    created_at: str
    expires_at: str
    revoked_at: str | None = None

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < _parse(self.expires_at)

    @property
    def state(self) -> str:
        """French state for ``cipd tokens list`` (expiry is judged by the caller's clock)."""
        return "révoqué" if self.revoked_at else "actif"


def tokens_path(settings: Settings) -> Path:
    return settings.root / "api_tokens.json"


def _text(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("ascii")).hexdigest()


def _lock(settings: Settings) -> FileLock:
    settings.root.mkdir(parents=True, exist_ok=True)
    return FileLock(str(tokens_path(settings)) + ".lock", timeout=30)


_cache: dict[Path, tuple[tuple[int, int], dict[str, ApiToken]]] = {}
_cache_guard = threading.Lock()


def load_tokens(settings: Settings) -> dict[str, ApiToken]:
    """Every token by id (revoked and expired ones included: ``list`` shows them)."""
    path = tokens_path(settings)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    key = (stat.st_mtime_ns, stat.st_size)
    with _cache_guard:
        cached = _cache.get(path)
        if cached and cached[0] == key:
            return cached[1]
    found = {entry["token_id"]: ApiToken(**entry) for entry in json.loads(path.read_bytes())}
    with _cache_guard:
        _cache[path] = (key, found)
    return found


def _write(settings: Settings, tokens: dict[str, ApiToken]) -> None:
    data = json.dumps([asdict(t) for t in tokens.values()], ensure_ascii=False, indent=1)
    path = write_atomic(tokens_path(settings), data.encode("utf-8"))
    os.chmod(path, 0o600)


def create_token(settings: Settings, departement: str, label: str | None = None, *,
                 now: datetime | None = None, days: int | None = None) -> tuple[str, ApiToken]:
    """A new token for ``departement``: (the secret to show once, what is kept)."""
    code = normalise_departement_code(departement)
    if not is_departement(code):
        raise TokenError(f"département inconnu « {departement} » : donnez le code INSEE (ex. 69, 2A, 971)")
    now = now or datetime.now(timezone.utc)
    token_id, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_hex(16)
    label = (label or f"systeme-{code}").strip()
    if not label or len(label) > 80 or not label.isprintable():
        raise TokenError("libellé invalide : donnez un nom court du système appelant (80 caractères au plus)")
    token = ApiToken(token_id=token_id, departement=code, label=label, salt=salt,
                     secret_sha256=_digest(salt, secret), created_at=_text(now),
                     expires_at=_text(now + timedelta(days=days or settings.api_token_days)))
    with _lock(settings):
        tokens = dict(load_tokens(settings))
        tokens[token_id] = token
        _write(settings, tokens)
    _audit(settings, "api_token_create", token)
    return f"{PREFIX}{token_id}_{secret}", token


def revoke_token(settings: Settings, token_id: str, *, now: datetime | None = None) -> ApiToken:
    """Mark a token revoked (kept, so ``list`` and the audit trail still name it)."""
    with _lock(settings):
        tokens = dict(load_tokens(settings))
        token = tokens.get(token_id)
        if token is None:
            raise TokenError(f"aucun jeton « {token_id} » : voir cipd tokens list")
        if token.revoked_at is None:
            token = tokens[token_id] = replace(token, revoked_at=_text(now or datetime.now(timezone.utc)))
            _write(settings, tokens)
            _audit(settings, "api_token_revoke", token)
    return token


def _audit(settings: Settings, action: str, token: ApiToken) -> None:
    """Who issued or revoked which token (the operator running ``cipd tokens``), never its secret."""
    audit.append_events(settings, [audit.new_event(
        action, actor=None, outcome="ok", departement=token.departement,
        detail={"token_id": token.token_id, "label": token.label, "expires_at": token.expires_at})])


def verify_token(settings: Settings, presented: str, now: datetime | None = None) -> ApiToken | None:
    """The active token ``presented`` is the secret of, or None (unknown, wrong, revoked, expired)."""
    match = _TOKEN.match(presented or "")
    if not match:
        return None
    token = load_tokens(settings).get(match.group(1))
    if token is None:
        return None
    if not hmac.compare_digest(token.secret_sha256, _digest(token.salt, match.group(2))):
        return None
    return token if token.is_active(now or datetime.now(timezone.utc)) else None
