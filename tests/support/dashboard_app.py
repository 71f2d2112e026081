"""Where the dashboards' router is and how tests start it (shared by the fixtures and the tests,
kept out of conftest.py: several test folders have one, so ``import conftest`` is ambiguous)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "dashboards" / "app.py"
APP_TIMEOUT = 30
#: role → login of the demo account the tests sign in with
LOGINS = {"national": "demo-national", "region:84": "demo-region",
          "departement:69": "demo-departement"}
#: The instant ``tests/conftest.py`` freezes (Thursday of 2026-W48, before the deadline).
FROZEN_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


def sign_in_and_run(role: str, page: str | None = None, query: dict | None = None) -> AppTest:
    """The router signed in as ``role``'s demo account, run once on ``page`` (pages are
    registered with ``url_path`` equal to their file name, so ``switch_page`` works before the
    first run)."""
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = LOGINS[role]
    if query:
        at.query_params.update(query)
    if page:
        at.switch_page(f"app_pages/{page}.py")
    return at.run()
