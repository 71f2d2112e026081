"""Real-browser check: Debian's headless Chromium signs in to a running ``streamlit run`` and
opens Vue nationale and Remontées and saves screenshots. They go to a temporary folder, or to
``$CIPD_SCREENSHOTS_DIR`` when set: ``make screenshots`` points it at ``docs/screenshots/`` (what
the README shows), so an ordinary test run leaves the working tree clean.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason="Debian's chromium is not installed (`make browser` installs it as root)"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{server.stdout.read()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")


@pytest.fixture
def dashboard_url(serving_home):
    """A ``streamlit run`` of the router on a free loopback port, against the session home."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboards" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def test_sign_in_and_screenshot_national_view_and_compliance(dashboard_url, serving_home, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    credentials = serving_home.credentials
    SCREENSHOTS = Path(os.environ.get("CIPD_SCREENSHOTS_DIR") or tmp_path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1800}, locale="fr-FR")
            page.goto(dashboard_url, wait_until="domcontentloaded")
            page.get_by_label("Identifiant").fill("demo-national")
            page.get_by_label("Mot de passe").fill(credentials["demo-national"])
            page.get_by_role("button", name="Se connecter").click()

            expect(page.get_by_role("heading", name="Vue nationale")).to_be_visible(timeout=30_000)
            expect(page.get_by_text("Rapports reçus").first).to_be_visible(timeout=30_000)
            page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
            _settle(page)
            page.screenshot(path=str(SCREENSHOTS / "vue_nationale.png"), full_page=True)

            page.get_by_role("link", name="Remontées").click()
            expect(page.get_by_role("heading", name="Remontées")).to_be_visible(timeout=30_000)
            page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
            _settle(page)
            page.screenshot(path=str(SCREENSHOTS / "remontees.png"), full_page=True)
            assert page.get_by_text("Traceback").count() == 0
        finally:
            browser.close()
    for name in ("vue_nationale.png", "remontees.png"):
        assert (SCREENSHOTS / name).stat().st_size > 20_000


def _settle(page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running…' status widget)."""
    page.wait_for_load_state("networkidle")
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=30_000)
    page.wait_for_timeout(1500)  # plotly animates its first draw
