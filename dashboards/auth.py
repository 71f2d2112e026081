"""Signing in to the dashboards: OIDC in production, a local users file for the demo and tests.

Production: when Streamlit's secrets hold an ``[auth]`` section, people sign in with
``st.login`` through the identity federation of civil servants (ProConnect, configuration in
``dashboards/README.md``). The identity provider proves who the person is; the role comes only
from the server-side mapping in ``CIPD_HOME/users.toml`` (by verified e-mail address), never
from the URL, query parameters or a form field. Local passwords are then disabled.

Local mode (no ``[auth]`` section): a login/password form checked against the argon2 hashes of
the same file (:func:`accounts.sign_in.attempt`: throttled and audited); a signed, expiring
cookie (:mod:`dashboards.session_cookie`) keeps the sign-in across reloads. Either way the
account is re-read from the file on every run, so removing a user or changing a role takes
effect at their next click, and a sign-in lasts ``Settings.session_lifetime_seconds`` (a
ProConnect identity older than that is asked to sign in again).
"""

from __future__ import annotations

import math
import time

import streamlit as st

from accounts import sign_in, users
from dashboards import audit_trail, session_cookie
from dashboards.ui import ACCOUNT_KEY
from data_contracts.settings import get_settings

_LOGIN_KEY = "_cipd_login"
#: Set once this session's OIDC sign-in (or refusal) is in the audit trail.
_AUDITED_KEY = "_cipd_sign_in_audited"
#: This session's cookie state: "written" once the sign-in's cookie is set, "erase" after a
#: sign-out (the browser still sends the old cookie until the page reloads: ignore it).
_COOKIE_KEY = "_cipd_session_cookie"


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: local mode
        return False


def oidc_identity_expired(claims: dict) -> bool:
    """An identity proven longer ago than a sign-in lasts (``auth_time`` or ``iat`` of the ID
    token, real clock): Streamlit's own cookie would keep it 30 days."""
    proven_at = claims.get("auth_time") or claims.get("iat")
    if not isinstance(proven_at, (int, float)):
        return False
    return time.time() - proven_at > get_settings().session_lifetime_seconds


def signed_in_account() -> users.Account | None:
    """The account of this session, re-read from the users file (None: not signed in)."""
    settings = get_settings()
    if oidc_configured():
        if not st.user.is_logged_in:
            return None
        claims = st.user.to_dict()
        if claims.get("email_verified") is False or oidc_identity_expired(claims):
            return None
        return users.account_for_identity(settings, claims.get("email"))
    login = st.session_state.get(_LOGIN_KEY)
    if not login:
        if st.session_state.get(_COOKIE_KEY) == "erase":
            return None
        account = session_cookie.account_from_cookie(settings)
        if account is not None:  # a reload or a new tab of a signed-in browser
            st.session_state[_LOGIN_KEY] = account.login
            st.session_state[_COOKIE_KEY] = "written"
        return account
    account = users.load_accounts(settings).get(login)
    return account if account and account.password_hash else None


def resolve_session() -> users.Account | None:
    """Store the signed-in account where pages read it (``ui.current_role``), or clear it."""
    account = signed_in_account()
    if account is None:
        st.session_state.pop(ACCOUNT_KEY, None)
        if st.session_state.pop(_COOKIE_KEY, None) == "erase":
            session_cookie.erase()
            st.session_state[_COOKIE_KEY] = "erase"
    else:
        st.session_state[ACCOUNT_KEY] = account
        if oidc_configured() and not st.session_state.get(_AUDITED_KEY):
            st.session_state[_AUDITED_KEY] = True
            audit_trail.record("sign_in", account.login, "success", account.role, mode="oidc")
        if not oidc_configured() and st.session_state.get(_COOKIE_KEY) != "written":
            session_cookie.write(get_settings(), account.login)
            st.session_state[_COOKIE_KEY] = "written"
    return account


def sign_in_page() -> None:
    """The page shown to anyone not signed in (the only page they can reach)."""
    st.title("Connexion")
    st.write("Plateforme nationale de suivi des cellules de prévention de la radicalisation (CIPD).")
    if oidc_configured():
        if st.user.is_logged_in and oidc_identity_expired(st.user.to_dict()):
            st.warning("Votre session a expiré : reconnectez-vous avec ProConnect.")
            st.button("Se reconnecter avec ProConnect", type="primary", on_click=st.logout)
            return
        if st.user.is_logged_in:
            if not st.session_state.get(_AUDITED_KEY):
                st.session_state[_AUDITED_KEY] = True
                audit_trail.record("sign_in", st.user.get("email"), "failure", mode="oidc",
                                   reason="no role")
            st.error(
                f"Votre identité ({st.user.get('email') or 'adresse inconnue'}) n'a pas de droit "
                "d'accès : demandez au SG-CIPD de vous attribuer un rôle, puis reconnectez-vous.")
            st.button("Se déconnecter", on_click=st.logout)
        else:
            st.button("Se connecter avec ProConnect", type="primary", on_click=st.login)
        return
    if session_cookie.presented_token() and st.session_state.get(_COOKIE_KEY) != "erase":
        st.warning("Votre session a expiré (ou n'est plus valable) : reconnectez-vous.")
    with st.form("sign-in"):
        login = st.text_input("Identifiant")
        password = st.text_input("Mot de passe", type="password")
        code = st.text_input("Code à usage unique (comptes à double authentification)",
                             max_chars=6)
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        result = sign_in.attempt(get_settings(), login, password, client=client_address(),
                                 channel="dashboards", code=code)
        if result.account is not None:
            st.session_state[_LOGIN_KEY] = result.account.login
            st.rerun()
        elif result.needs_code:
            st.error("Code à usage unique manquant ou incorrect : saisissez le code à 6 chiffres "
                     "que montre votre application d'authentification.")
        elif result.throttled:
            st.error(f"Trop d'essais depuis ce poste : réessayez dans {math.ceil(result.wait.seconds)} "
                     "secondes. Si vous avez oublié votre mot de passe, demandez au SG-CIPD de le "
                     "renouveler (`cipd users add --replace`).")
        else:
            st.error("Identifiant ou mot de passe incorrect : vérifiez-les (les comptes sont "
                     "créés par `cipd users add`).")


def client_address() -> str:
    """Where the attempt comes from, for the throttle (``local`` through localhost)."""
    try:
        address = st.context.ip_address
    except Exception:  # outside a browser session
        return "local"
    return address if isinstance(address, str) and address else "local"  # AppTest: a mock


def sign_out() -> None:
    account = st.session_state.get(ACCOUNT_KEY)
    if account is not None:
        audit_trail.record("sign_out", account.login, "success", account.role)
    st.session_state.pop(_AUDITED_KEY, None)
    st.session_state.pop(_LOGIN_KEY, None)
    st.session_state[_COOKIE_KEY] = "erase"
    st.session_state.pop(ACCOUNT_KEY, None)
    if oidc_configured():
        st.logout()
