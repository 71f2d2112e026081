"""The TOTP second factor of local accounts (``cipd users add --totp``): the password alone
no longer signs in, the current code does, and wrong codes are throttled like passwords."""

from __future__ import annotations

import pyotp
import pytest

from accounts import sign_in, sign_in_throttle, users
from accounts.second_factor import provisioning_uri
from data_contracts.settings import Settings
from storage import audit

PASSWORD = "mot-de-passe-solide"
CLIENT = "198.51.100.7"


@pytest.fixture
def settings(tmp_path, now) -> Settings:
    return Settings(home=tmp_path / "cipd_home", now=now)


@pytest.fixture
def admin(settings) -> users.Account:
    return users.add_user(settings, "exploitant", "admin", PASSWORD, totp=True)


def _attempt(settings: Settings, code: str | None) -> sign_in.Attempt:
    return sign_in.attempt(settings, "exploitant", PASSWORD, client=CLIENT, channel="test",
                           code=code)


def test_second_factor_secret_is_kept_and_readable_by_an_authenticator(settings, admin):
    assert users.load_accounts(settings)["exploitant"].totp_secret == admin.totp_secret
    assert provisioning_uri(admin.login, admin.totp_secret).startswith("otpauth://totp/")


def test_password_alone_is_refused_when_the_account_has_a_second_factor(settings, admin):
    result = _attempt(settings, None)
    assert result.account is None and result.needs_code
    last = audit.read_events(settings)[0][-1]
    assert last["outcome"] == "failure"
    assert last["detail"]["reason"] == "missing or wrong one-time code"


def test_password_and_current_code_sign_in(settings, admin):
    result = _attempt(settings, pyotp.TOTP(admin.totp_secret).now())
    assert result.account is not None and result.account.login == "exploitant"


def test_wrong_codes_are_throttled_like_wrong_passwords(settings, admin):
    for _ in range(sign_in_throttle.FREE_FAILURES):
        assert _attempt(settings, "000000").needs_code
    assert _attempt(settings, pyotp.TOTP(admin.totp_secret).now()).throttled


def test_second_factor_needs_a_password_account(settings):
    with pytest.raises(users.AccountError, match="demande un mot de passe"):
        users.add_user(settings, "agent@interieur.gouv.fr", "admin", None, totp=True)
