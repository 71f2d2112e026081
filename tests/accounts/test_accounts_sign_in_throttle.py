"""Sign-in throttling (``accounts.sign_in`` over ``accounts.sign_in_throttle``): it slows a
guesser down without ever letting anyone lock someone else out, and audits every failure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts import sign_in, sign_in_throttle, users
from data_contracts.settings import Settings
from storage import audit

PASSWORD = "mot-de-passe-solide"
ATTACKER, COLLEAGUE = "203.0.113.66", "198.51.100.7"


@pytest.fixture
def settings(tmp_path, now) -> Settings:
    settings = Settings(home=tmp_path / "cipd_home", now=now)
    users.add_user(settings, "agent69", "departement:69", PASSWORD)
    return settings


def _later(settings: Settings, seconds: float) -> Settings:
    return settings.model_copy(update={"now": settings.now + timedelta(seconds=seconds)})


def _attempt(settings: Settings, login: str, password: str, client: str) -> sign_in.Attempt:
    return sign_in.attempt(settings, login, password, client=client, channel="test")


def _sign_in_events(settings: Settings) -> list[dict]:
    return [e for e in audit.read_events(settings)[0] if e["action"] == "sign_in"]


def test_five_wrong_passwords_from_one_client_leave_the_login_open_to_another(settings):
    for _ in range(5):
        assert _attempt(settings, "agent69", "faux", ATTACKER).account is None
    assert _attempt(settings, "agent69", PASSWORD, COLLEAGUE).account is not None


def test_back_off_doubles_per_failure_beyond_the_free_ones(settings):
    waits = [sign_in_throttle.record_failure(settings, "agent69", ATTACKER).seconds
             for _ in range(sign_in_throttle.FREE_FAILURES + 3)]
    assert waits == [0, 0, 2, 4, 8, 16]


def test_throttled_client_is_refused_without_the_password_being_checked(settings):
    for _ in range(sign_in_throttle.FREE_FAILURES):
        _attempt(settings, "agent69", "faux", ATTACKER)
    refused = _attempt(settings, "agent69", PASSWORD, ATTACKER)
    assert refused.throttled and refused.wait.reason == "per_login"
    assert _sign_in_events(settings)[-1]["detail"]["reason"] == "throttled (per_login)"


def test_back_off_ends_by_itself_and_never_exceeds_the_maximum(settings):
    for _ in range(40):  # an attacker "renewing" the lock only lengthens his own wait, capped
        wait = sign_in_throttle.record_failure(settings, "agent69", ATTACKER)
    assert wait.seconds == sign_in_throttle.MAX_DELAY.total_seconds()
    later = _later(settings, sign_in_throttle.MAX_DELAY.total_seconds() + 1)
    assert _attempt(later, "agent69", PASSWORD, ATTACKER).account is not None


def test_a_spray_across_logins_is_slowed_by_the_global_limit_and_audited(settings):
    results = [_attempt(settings, f"agent{n:03d}", "printemps2026", ATTACKER) for n in range(100)]
    checked = [r for r in results if not r.throttled]
    assert len(checked) == sign_in_throttle.GLOBAL_FAILURES_PER_MINUTE
    assert {r.wait.reason for r in results if r.throttled} == {"global"}
    events = _sign_in_events(settings)
    assert len(events) == 100 and {e["outcome"] for e in events} == {"failure"}
    assert {e["detail"]["client"] for e in events} == {ATTACKER}


def test_during_a_spray_a_client_without_failures_still_signs_in(settings):
    for n in range(sign_in_throttle.GLOBAL_FAILURES_PER_MINUTE + 5):
        _attempt(settings, f"agent{n:03d}", "printemps2026", ATTACKER)
    assert _attempt(settings, "agent69", PASSWORD, COLLEAGUE).account is not None


def test_the_global_limit_lifts_a_minute_after_the_spray(settings):
    for n in range(sign_in_throttle.GLOBAL_FAILURES_PER_MINUTE):
        _attempt(settings, f"agent{n:03d}", "printemps2026", ATTACKER)
    assert _attempt(settings, "agent69", PASSWORD, ATTACKER).throttled
    assert _attempt(_later(settings, 61), "agent69", PASSWORD, ATTACKER).account is not None
