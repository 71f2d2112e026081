"""Sign-in lifetime and re-check, as the README's privacy section documents them: the account
and its role are re-read on every interaction (removing an account or changing a role takes
effect at the next click, cookie or not); an OIDC identity counts only if its e-mail is
verified and mapped server-side; Streamlit's sign-in cookie lives 30 days."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from accounts import users
from data_contracts.settings import get_settings
from storage import audit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
from dashboard_app import APP, APP_TIMEOUT  # noqa: E402
from page_text import texts  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
OIDC_SECRETS = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback",
                         "cookie_secret": "x" * 32, "client_id": "cipd", "client_secret": "s",
                         "server_metadata_url": "https://idp.invalid/.well-known/openid-configuration"}}
AGENT = "agent@rhone.gouv.fr"


def signed_in_label(at: AppTest) -> str | None:
    """The role line of the sidebar (None: the sign-in page is shown)."""
    if "Connexion" in texts(at.title):
        return None
    return " ".join(m.value for m in at.sidebar.markdown)


@pytest.fixture
def local_session(cipd_home, no_component_scan):
    settings = get_settings()
    users.add_user(settings, "agent69", "departement:69", "mot-de-passe-solide", name="Agent")
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = "agent69"
    return settings, at.run()


def test_removing_an_account_signs_it_out_at_the_next_click(local_session):
    settings, at = local_session
    assert "Département 69" in signed_in_label(at)
    users.remove_user(settings, "agent69")
    assert signed_in_label(at.run()) is None


def test_a_role_change_applies_at_the_next_click(local_session):
    settings, at = local_session
    users.add_user(settings, "agent69", "region:84", "mot-de-passe-solide", replace=True)
    assert "Région Auvergne-Rhône-Alpes" in signed_in_label(at.run())


def oidc_app(user: dict) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.secrets = OIDC_SECRETS
    at.user = user
    return at


def test_oidc_identity_is_mapped_server_side_and_rechecked(cipd_home, no_component_scan):
    settings = get_settings()
    users.add_user(settings, AGENT, "departement:69", None, name="Agent du Rhône")
    at = oidc_app({"is_logged_in": True, "email": AGENT, "email_verified": True,
                   "role": "national"})  # a claim cannot grant a role
    assert "Département 69" in signed_in_label(at.run())
    assert "Département 69" in signed_in_label(at.run())
    sign_ins = [e for e in audit.read_events(settings)[0] if e["action"] == "sign_in"]
    assert [(e["outcome"], e["detail"]["mode"]) for e in sign_ins] == [("success", "oidc")]
    users.remove_user(settings, AGENT)
    at.run()
    assert signed_in_label(at) is None
    assert any("n'a pas de droit d'accès" in e for e in texts(at.error))


def test_unverified_oidc_email_is_not_signed_in(cipd_home, no_component_scan):
    users.add_user(get_settings(), AGENT, "national", None)
    at = oidc_app({"is_logged_in": True, "email": AGENT, "email_verified": False}).run()
    assert signed_in_label(at) is None


def test_cookie_lifetime_in_the_readme_is_streamlits():
    from streamlit.web.server.starlette.starlette_server_config import (
        AUTH_COOKIE_MAX_AGE_SECONDS,
    )

    privacy = (REPO / "README.md").read_text(encoding="utf-8").split("## Privacy", 1)[1]
    days = int(re.search(r"(\d+) days", privacy).group(1))
    assert days * 24 * 3600 == AUTH_COOKIE_MAX_AGE_SECONDS
