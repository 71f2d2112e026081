"""The one local-password sign-in path, shared by the dashboards and the operator gateway.

Why one function: the throttle check, the argon2 verification, the throttle bookkeeping and the
audit event must happen together and in this order wherever a password is typed — a second
copy would sooner or later forget the audit or the back-off. Every attempt, refused or not,
is one event of the audit journal (:mod:`storage.audit`), with the client address.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts import second_factor, sign_in_throttle, users
from data_contracts.settings import Settings
from storage import audit


@dataclass(frozen=True)
class Attempt:
    """What a sign-in attempt gave: the account, or none; ``throttled`` when it was refused
    before the password was looked at; ``wait`` is the wait now in force for this client."""

    account: users.Account | None
    wait: sign_in_throttle.Wait
    throttled: bool = False
    #: the password was right but the account's one-time code was missing or wrong
    needs_code: bool = False


def record(settings: Settings, action: str, login: str | None, outcome: str,
           account: users.Account | None = None, **detail) -> None:
    """One sign-in/sign-out event; ``actor`` is the login (or the login attempted)."""
    role = account.role if account is not None else None
    audit.append_events(settings, [audit.new_event(
        action, actor=f"web:{login or 'inconnu'}", outcome=outcome,
        departement=role.code if role is not None and role.is_departement else None,
        detail={"role": str(role) if role is not None else None, **detail})])


def attempt(settings: Settings, login: str, password: str, *, client: str,
            channel: str, code: str | None = None) -> Attempt:
    """Check ``login``/``password`` (and ``code``, the one-time code of an account with a
    second factor) from ``client`` (an address) through the throttle.

    ``channel`` names where it was typed (``dashboards``, ``operator``) for the audit. A
    throttled attempt is refused without looking at the password, so guessing stays slow; a
    wrong one-time code counts as a failure like a wrong password.
    """
    key = users.normalise_login(login)
    client = client or "inconnu"
    wait = sign_in_throttle.wait_before_attempt(settings, key, client)
    if wait:
        record(settings, "sign_in", key, "failure", mode="local", channel=channel, client=client,
               reason=f"throttled ({wait.reason})", wait_seconds=round(wait.seconds, 1))
        return Attempt(None, wait, throttled=True)
    account = users.authenticate(settings, login, password)
    if account is None:
        wait = sign_in_throttle.record_failure(settings, key, client)
        record(settings, "sign_in", key, "failure", mode="local", channel=channel, client=client,
               reason="wrong login or password")
        return Attempt(None, wait)
    if account.totp_secret and not second_factor.verify(account.totp_secret, code):
        wait = sign_in_throttle.record_failure(settings, key, client)
        record(settings, "sign_in", key, "failure", account, mode="local", channel=channel,
               client=client, reason="missing or wrong one-time code")
        return Attempt(None, wait, needs_code=True)
    sign_in_throttle.clear(settings, account.login, client)
    record(settings, "sign_in", account.login, "success", account, mode="local", channel=channel,
           client=client, second_factor=bool(account.totp_secret))
    return Attempt(account, sign_in_throttle.Wait(0))
