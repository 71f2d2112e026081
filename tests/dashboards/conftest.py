"""Fixtures of the dashboard tests: one serving database and one set of accounts per session.

Building the serving database once keeps the AppTest suite fast; each test only starts an
``AppTest`` of the router, signed in as the account it needs.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data_contracts.settings import get_settings
from dashboards import users
from serving_fixture import build_serving

#: The instant ``tests/conftest.py`` freezes (Thursday of 2026-W48, before the deadline).
FROZEN_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
#: role → login of the account the tests sign in with
LOGINS = {"national": "demo-national", "region:84": "demo-region",
          "departement:69": "demo-departement"}
APP_TIMEOUT = 30


@pytest.fixture(scope="session")
def serving_home(tmp_path_factory):
    """CIPD_HOME with a published serving database and the demo accounts; the environment
    points at it for the whole session (AppTest runs the app in this process)."""
    home = tmp_path_factory.mktemp("dashboards") / "cipd_home"
    saved = {k: os.environ.get(k) for k in ("CIPD_HOME", "CIPD_NOW")}
    os.environ["CIPD_HOME"] = str(home)
    os.environ["CIPD_NOW"] = FROZEN_NOW.isoformat()
    settings = get_settings()
    build_serving(settings.serving_path)
    credentials = {login: password for login, password, _ in users.ensure_demo_users(settings)}
    yield home, credentials
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def signed_in(serving_home):
    """``signed_in(role, page=None, query=None)`` → an AppTest already run on ``page``."""
    def start(role: str, page: str | None = None, query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
        at.session_state["_cipd_login"] = LOGINS[role]
        if query:
            at.query_params.update(query)
        at.run()
        if page:
            at.switch_page(f"app_pages/{page}.py").run()
        return at
    return start
