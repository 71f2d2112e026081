"""The local sign-in's session cookie in the browser, so a reload does not sign anyone out.

Why a script: Streamlit gives the app the request's cookies (``st.context.cookies``, read when
the browser session starts) but no way to set one from Python. The token (signed and expiring,
:mod:`accounts.sessions`) is written by a one-line script rendered once after sign-in
(``st.html(unsafe_allow_javascript=True)``, in the page itself, no iframe), and removed the
same way at sign-out. Limits, documented in ``docs/sign_in.md``: set from a script, the
cookie cannot be ``HttpOnly``; it is ``SameSite=Strict`` and, over HTTPS, ``Secure``.
"""

from __future__ import annotations

import json

import streamlit as st

from accounts import sessions, users
from data_contracts.settings import Settings

COOKIE = "cipd_session"
PURPOSE = "dashboards"


def presented_token() -> str | None:
    """The token the browser sent when this session started, if any."""
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser request behind this run
        return None
    return token if isinstance(token, str) and token else None  # AppTest: a mock


def account_from_cookie(settings: Settings) -> users.Account | None:
    return sessions.account_for_token(settings, presented_token(), purpose=PURPOSE)


def _script(value: str, max_age: int) -> str:
    cookie = json.dumps(f"{COOKIE}={value}; Max-Age={max_age}; Path=/; SameSite=Strict")
    return (f"<script>document.cookie = {cookie} + "
            "(location.protocol === 'https:' ? '; Secure' : '');</script>")


def write(settings: Settings, login: str) -> None:
    st.html(_script(sessions.issue(settings, login, purpose=PURPOSE),
                    settings.session_lifetime_seconds), unsafe_allow_javascript=True)


def erase() -> None:
    st.html(_script("", 0), unsafe_allow_javascript=True)
