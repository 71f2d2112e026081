"""Sign-in: the local users file (argon2) for demo and tests, OIDC (``st.login``) in
production with the role mapped server-side from the verified e-mail address."""

from __future__ import annotations

import pytest
from dashboard_app import APP, APP_TIMEOUT
from page_text import texts
from streamlit.testing.v1 import AppTest

from accounts import sign_in_throttle, users
from data_contracts.settings import get_settings

OIDC_SECRETS = {"auth": {
    "redirect_uri": "https://cipd.example.gouv.fr/oauth2callback",
    "cookie_secret": "0123456789abcdef0123456789abcdef",
    "client_id": "cipd-hub", "client_secret": "secret",
    "server_metadata_url": "https://proconnect.example/api/v2/.well-known/openid-configuration",
}}


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)


def _sign_in(at: AppTest, login: str, password: str) -> AppTest:
    at.text_input[0].input(login)
    at.text_input[1].input(password)
    at.button[0].click()
    return at.run()


def test_anonymous_visitor_only_gets_the_sign_in_page(serving_home):
    at = _app().run()
    assert texts(at.title) == ["Connexion"]
    assert not at.get("plotly_chart") and not at.dataframe
    with pytest.raises(ValueError):
        at.switch_page("app_pages/vue_nationale.py")


def test_local_sign_in_then_sign_out(serving_home):
    at = _sign_in(_app().run(), "demo-region", serving_home.credentials["demo-region"])
    assert not at.exception
    assert texts(at.title) == ["Vue nationale"]
    assert "Région Auvergne-Rhône-Alpes" in " ".join(texts(at.sidebar.markdown))
    at.sidebar.button[0].click().run()
    assert texts(at.title) == ["Connexion"]


def test_wrong_password_is_refused_then_slowed_down_when_repeated(serving_home, monkeypatch):
    # its own login and instant: failures count per (login, client), and every AppTest
    # session is the same client ("local")
    monkeypatch.setenv("CIPD_NOW", "2026-11-26T11:00:00+00:00")
    users.add_user(get_settings(), "agent-distrait", "national", "mot-de-passe-long", replace=True)
    at = _app().run()
    for _ in range(sign_in_throttle.FREE_FAILURES):
        _sign_in(at, "agent-distrait", "mauvais-mot-de-passe")
        assert "Identifiant ou mot de passe incorrect" in " ".join(texts(at.error))
    _sign_in(at, "agent-distrait", "mot-de-passe-long")  # even the right one must wait now
    assert texts(at.title) == ["Connexion"]
    assert "Trop d'essais depuis ce poste : réessayez dans 2 secondes" in " ".join(texts(at.error))

    monkeypatch.setenv("CIPD_NOW", "2026-11-26T11:00:03+00:00")
    later = _sign_in(_app().run(), "agent-distrait", "mot-de-passe-long")
    assert texts(later.title) == ["Vue nationale"]


def test_failures_from_another_client_do_not_lock_a_login_out(serving_home, monkeypatch):
    monkeypatch.setenv("CIPD_NOW", "2026-11-26T12:00:00+00:00")
    settings = get_settings()
    users.add_user(settings, "agent-cible", "departement:69", "mot-de-passe-long", replace=True)
    for _ in range(5):  # an attacker elsewhere hammers the login
        sign_in_throttle.record_failure(settings, "agent-cible", "203.0.113.66")
    at = _sign_in(_app().run(), "Agent-Cible ", "mot-de-passe-long")  # however typed
    assert not at.exception
    assert texts(at.title) == ["Vue nationale"]


def test_account_with_a_second_factor_signs_in_only_with_the_current_code(serving_home):
    import pyotp

    account = users.add_user(get_settings(), "agent-2fa", "national", "mot-de-passe-long",
                             replace=True, totp=True)
    at = _sign_in(_app().run(), "agent-2fa", "mot-de-passe-long")
    assert texts(at.title) == ["Connexion"]
    assert "Code à usage unique manquant ou incorrect" in " ".join(texts(at.error))
    at.text_input[2].input(pyotp.TOTP(account.totp_secret).now())
    at = _sign_in(at, "agent-2fa", "mot-de-passe-long")
    assert texts(at.title) == ["Vue nationale"]


def test_session_of_a_removed_account_ends_at_next_run(serving_home):
    settings = get_settings()
    users.add_user(settings, "agent-temporaire", "departement:69", "mot-de-passe-long", replace=True)
    at = _sign_in(_app().run(), "agent-temporaire", "mot-de-passe-long")
    assert texts(at.title) == ["Vue nationale"]
    users.remove_user(settings, "agent-temporaire")
    at.run()
    assert texts(at.title) == ["Connexion"]


def test_oidc_identity_gets_its_role_from_the_server_side_mapping(serving_home):
    users.add_user(get_settings(), "Agent.Rhone@rhone.gouv.fr", "departement:69", replace=True)
    at = _app()
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": "agent.rhone@rhone.gouv.fr", "email_verified": True}
    at.query_params["role"] = "national"
    at.run()
    assert not at.exception
    assert texts(at.title) == ["Vue nationale"]
    assert "Département 69 – Rhône" in " ".join(texts(at.sidebar.markdown))
    at.switch_page("app_pages/deposer.py").run()
    assert texts(at.title) == ["Déposer un rapport"]


def test_oidc_identity_without_mapping_is_refused(serving_home):
    at = _app()
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": True, "email": "inconnu@example.gouv.fr"}
    at.run()
    assert texts(at.title) == ["Connexion"]
    assert "n'a pas de droit d'accès" in " ".join(texts(at.error))


def test_oidc_mode_disables_local_passwords(serving_home):
    at = _app()
    at.secrets = OIDC_SECRETS
    at.user = {"is_logged_in": False}
    at.session_state["_cipd_login"] = "demo-national"
    at.run()
    assert texts(at.title) == ["Connexion"]
    assert [b.label for b in at.button] == ["Se connecter avec ProConnect"]
    assert not at.text_input
