"""A TOTP second factor for local accounts (RFC 6238, ``pyotp``), advised for ``admin`` ones.

Why: ANSSI recommends multi-factor authentication for administrators, and a local ``admin``
password opens the operator plane. The secret is created by ``cipd users add --totp`` (shown
once, as an ``otpauth://`` address any authenticator application reads) and kept in
``users.toml`` (0600) beside the argon2 hash. A code is accepted in its 30-second step and the
one before or after (clock drift). A wrong code counts as a failed sign-in for the throttle, so
codes cannot be tried quickly either.
"""

from __future__ import annotations

import pyotp

ISSUER = "Hub CIPD"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(login: str, secret: str) -> str:
    """What the authenticator application scans or imports."""
    return pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)


def verify(secret: str, code: str | None) -> bool:
    digits = "".join((code or "").split())
    return len(digits) == 6 and digits.isdigit() and pyotp.TOTP(secret).verify(digits, valid_window=1)
