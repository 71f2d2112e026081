"""Fixtures of the dashboard tests: one real serving database (built through ``cipd demo`` and
``cipd build``, see ``real_serving.py``) and one set of accounts per session.

Building the serving database once keeps the AppTest suite fast; each test only starts an
``AppTest`` of the router, signed in as the account it needs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from dashboard_app import FROZEN_NOW, sign_in_and_run
from published import rebuilt_copy
from real_serving import build_real_serving
from streamlit.testing.v1 import AppTest

from accounts import users
from data_contracts.settings import get_settings


@dataclass(frozen=True)
class SessionHome:
    home: Path
    credentials: dict[str, str]  # demo login → password
    canary_submission_ids: list[str]

    def serving_value(self, sql: str, *params):
        """One value read straight from the published marts (what a page should show)."""
        from dashboards import serving

        cur = serving.cursor(serving.serving_file())
        try:
            return cur.execute(sql, list(params)).fetchone()[0]
        finally:
            cur.close()


@pytest.fixture(scope="session")
def serving_home(tmp_path_factory):
    """CIPD_HOME with a published serving database and the demo accounts; the environment
    points at it for the whole session (AppTest runs the app in this process)."""
    home = tmp_path_factory.mktemp("dashboards") / "cipd_home"
    saved = {k: os.environ.get(k) for k in ("CIPD_HOME", "CIPD_NOW")}
    canary_ids = build_real_serving(home, FROZEN_NOW.isoformat())
    os.environ["CIPD_HOME"] = str(home)
    os.environ["CIPD_NOW"] = FROZEN_NOW.isoformat()
    settings = get_settings()
    credentials = {login: password for login, password, _ in users.ensure_demo_users(settings)}
    yield SessionHome(home, credentials, canary_ids)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session", autouse=True)
def _no_component_discovery():
    """Each AppTest scans every installed distribution for custom components (~2 s); the
    dashboards use none, so the tests skip the scan."""
    from streamlit.components.v2.component_manager import BidiComponentManager

    original = BidiComponentManager.discover_and_register_components
    BidiComponentManager.discover_and_register_components = lambda self, **kwargs: None
    yield
    BidiComponentManager.discover_and_register_components = original


@pytest.fixture
def signed_in(serving_home):
    """``signed_in(role, page=None, query=None)`` → an AppTest run once, on ``page``.

    Pages are registered with ``url_path`` equal to their file name, so ``switch_page`` works
    before the first run and each test renders only the page it checks."""
    return sign_in_and_run


@pytest.fixture(scope="module")
def rendered(serving_home):
    """``rendered(role, page=None, query=None)`` → the page as ``signed_in`` renders it, run once
    per test module and shared by the tests that only read it (one behaviour per test without
    one render per behaviour). Tests that click or change the clock use ``signed_in``."""
    pages: dict[tuple, AppTest] = {}

    def render(role: str, page: str | None = None, query: dict | None = None) -> AppTest:
        key = (role, page, tuple(sorted((query or {}).items())))
        if key not in pages:
            pages[key] = sign_in_and_run(role, page, query)
        return pages[key]
    return render


#: 12:30 in Paris on the W48 deadline day (Thursday 26 November 2026).
AFTER_DEADLINE = datetime(2026, 11, 26, 11, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def after_deadline_home(serving_home, tmp_path_factory) -> Path:
    """A copy of the session's CIPD_HOME rebuilt and published at 12:30: « En attente » follows
    the published build's clock, so a page after the deadline needs a build after it."""
    return rebuilt_copy(serving_home.home, tmp_path_factory.mktemp("after_deadline") / "cipd_home",
                        AFTER_DEADLINE)


@pytest.fixture
def after_deadline(after_deadline_home, monkeypatch):
    """The process environment (read by AppTest's pages) on the after-deadline copy."""
    monkeypatch.setenv("CIPD_HOME", str(after_deadline_home))
    monkeypatch.setenv("CIPD_NOW", AFTER_DEADLINE.isoformat())
    return after_deadline_home
