"""Real-browser check of what AppTest cannot click: a préfecture agent signs in to the
dashboards as ``cipd up`` runs them, downloads a table (generated on click, Streamlit's deferred download), and
finds in the audit trail their sign-in and that export."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from published import published_copy

from storage.audit import read_events

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
from test_dashboard_browser import CHROMIUM, CHROMIUM_ARGS, _free_port  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (`make browser` installs it as root)"),
]


@pytest.fixture
def running_dashboards(fast_burst, tmp_path):
    """The dashboards as ``cipd up`` serves them, on the burst's published marts."""
    from accounts import users
    from cli.launcher import services, wait_healthy

    with published_copy(fast_burst.home, tmp_path / "home") as settings:
        password = {login: pw for login, pw, _ in users.ensure_demo_users(settings)}["demo-departement"]
        port = _free_port()
        dashboards = services(settings, port, None, "127.0.0.1")[0]
        dashboards.start(tmp_path)
        try:
            assert wait_healthy(dashboards, 60), (tmp_path / "streamlit.log").read_text()
            yield settings, f"http://127.0.0.1:{port}", password
        finally:
            dashboards.stop()


def test_a_download_in_a_real_browser_is_generated_on_click_and_audited(running_dashboards):
    from playwright.sync_api import sync_playwright

    settings, url, password = running_dashboards
    _, start = read_events(settings)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True, locale="fr-FR")
            page.goto(url)
            page.get_by_label("Identifiant").fill("demo-departement")
            page.get_by_label("Mot de passe").fill(password)
            page.get_by_role("button", name="Se connecter").click()
            page.get_by_role("link", name="Remontées").click()
            button = page.get_by_role("button", name="Télécharger (CSV)").first
            button.wait_for(timeout=30_000)
            with page.expect_download(timeout=30_000) as download:
                button.click()
            name = download.value.suggested_filename
            content = Path(download.value.path()).read_text(encoding="utf-8-sig")
        finally:
            browser.close()
    assert name.endswith(".csv") and content.startswith("Code;Département;")  # French headers, as the table
    events, _ = read_events(settings, start)
    assert [(e["action"], e["outcome"]) for e in events] == [("sign_in", "success"),
                                                              ("export", "downloaded")]
    assert events[1]["detail"]["file"] == name and events[1]["departement"] == "69"
