"""Dashboard accounts: who signs in, and which role each identity gets.

One TOML file, ``CIPD_HOME/users.toml``, readable only by the hub's service account. Each
``[users."<login>"]`` table has a ``role`` and, for the local sign-in used by the demo and tests,
an argon2 ``password_hash``. In production the identity federation (OIDC) authenticates the
person and this file only maps the verified e-mail address to a role: an entry without
``password_hash`` can sign in through OIDC only. The role is therefore always decided on the
server, never by anything the browser sends.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from filelock import FileLock

from accounts import second_factor
from accounts.roles import Role
from data_contracts.settings import Settings

_HASHER = PasswordHasher()
# Verifying against a fixed hash when the login is unknown keeps the response time the same
# whether or not an account exists.
_DUMMY_HASH = _HASHER.hash("compte-inexistant")

#: The demo accounts ``cipd demo`` / ``make run`` create: one per role kind.
DEMO_ACCOUNTS = (
    ("demo-admin", "admin", "Administrateur du hub SG-CIPD (démo)"),
    ("demo-national", "national", "Analyste SG-CIPD (démo)"),
    ("demo-region", "region:84", "Agent régional Auvergne-Rhône-Alpes (démo)"),
    ("demo-departement", "departement:69", "Agent de la préfecture du Rhône (démo)"),
)

MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True)
class Account:
    login: str
    role: Role
    name: str
    password_hash: str | None = None
    #: base32 TOTP secret when the account has a second factor (:mod:`accounts.second_factor`)
    totp_secret: str | None = None


class AccountError(ValueError):
    """A refused account change (French message, shown by ``cipd users``)."""


def users_path(settings: Settings) -> Path:
    return settings.root / "users.toml"


def normalise_login(login: str) -> str:
    """Logins and e-mail addresses compare without case or surrounding spaces."""
    return (login or "").strip().lower()


def load_accounts(settings: Settings) -> dict[str, Account]:
    """Every account of the file (an absent file means no account: nobody signs in)."""
    path = users_path(settings)
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    accounts = {}
    for login, entry in (data.get("users") or {}).items():
        key = normalise_login(login)
        accounts[key] = Account(
            login=key,
            role=Role.parse(entry["role"]),
            name=entry.get("name") or key,
            password_hash=entry.get("password_hash") or None,
            totp_secret=entry.get("totp_secret") or None,
        )
    return accounts


def _write_accounts(settings: Settings, accounts: dict[str, Account]) -> None:
    """Replace the file atomically, mode 0600: it holds password hashes."""
    path = users_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Comptes des tableaux de bord CIPD (gérés par `cipd users`).", ""]
    for account in sorted(accounts.values(), key=lambda a: a.login):
        lines.append(f"[users.{json.dumps(account.login, ensure_ascii=False)}]")
        lines.append(f"role = {json.dumps(str(account.role))}")
        lines.append(f"name = {json.dumps(account.name, ensure_ascii=False)}")
        if account.password_hash:
            lines.append(f"password_hash = {json.dumps(account.password_hash)}")
        if account.totp_secret:
            lines.append(f"totp_secret = {json.dumps(account.totp_secret)}")
        lines.append("")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".toml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("\n".join(lines))
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _lock(settings: Settings) -> FileLock:
    settings.root.mkdir(parents=True, exist_ok=True)
    return FileLock(str(users_path(settings)) + ".lock", timeout=30)


def add_user(settings: Settings, login: str, role: str | Role, password: str | None = None, *,
             name: str | None = None, replace: bool = False, totp: bool = False) -> Account:
    """Create (or, with ``replace``, update) an account. Without ``password`` the account can
    only sign in through OIDC, its login being the identity's e-mail address. ``totp`` gives a
    password account a new second-factor secret (``Account.totp_secret``)."""
    key = normalise_login(login)
    if not key or any(ch.isspace() for ch in key):
        raise AccountError(f"Identifiant invalide « {login} » : un mot sans espace ou une adresse e-mail.")
    parsed = role if isinstance(role, Role) else Role.parse(role)
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"Mot de passe trop court ({len(password)} caractères) : {MIN_PASSWORD_LENGTH} au moins.")
    if totp and password is None:
        raise AccountError("La double authentification (--totp) demande un mot de passe : "
                           "avec ProConnect, c'est le fournisseur d'identité qui l'assure.")
    with _lock(settings):
        accounts = load_accounts(settings)
        if key in accounts and not replace:
            raise AccountError(
                f"Le compte « {key} » existe déjà : utilisez --replace pour le modifier.")
        account = Account(login=key, role=parsed, name=name or key,
                          password_hash=_HASHER.hash(password) if password else None,
                          totp_secret=second_factor.new_secret() if totp else None)
        accounts[key] = account
        _write_accounts(settings, accounts)
    return account


def remove_user(settings: Settings, login: str) -> bool:
    with _lock(settings):
        accounts = load_accounts(settings)
        if accounts.pop(normalise_login(login), None) is None:
            return False
        _write_accounts(settings, accounts)
    return True


def authenticate(settings: Settings, login: str, password: str) -> Account | None:
    """The account if the password matches its argon2 hash, else None (same cost either way)."""
    account = load_accounts(settings).get(normalise_login(login))
    stored = account.password_hash if account and account.password_hash else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    return account if account and account.password_hash else None


def account_for_identity(settings: Settings, email: str | None) -> Account | None:
    """The account an OIDC identity maps to (by its verified e-mail address), or None."""
    if not email:
        return None
    return load_accounts(settings).get(normalise_login(email))


def ensure_demo_users(settings: Settings) -> list[tuple[str, str, str]]:
    """(Re)create the three demo accounts with fresh random passwords and return
    ``(login, password, role)`` for the demo to print. Passwords are only ever stored hashed,
    so each call issues new ones: the last printed set is the valid one."""
    created = []
    for login, role, name in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        add_user(settings, login, role, password, name=name, replace=True)
        created.append((login, password, role))
    return created
