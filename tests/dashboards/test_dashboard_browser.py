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
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def _streamlit(*args: str, port: int | None = None, **env: str) -> Iterator[str]:
    """A ``streamlit run`` of the router on a loopback port (free by default); yields its URL."""
    port = port or _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboards" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1",
         *args],
        cwd=REPO, env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
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


@pytest.fixture
def dashboard_url(serving_home):
    """The router in local-password mode, against the session home."""
    with _streamlit() as url:
        yield url


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


# --- Sign-in for real: ProConnect's flow against a real OIDC provider, local session cookies ---

MAPPED = "agent.rhone@rhone.gouv.fr"
UNMAPPED = "inconnu@example.gouv.fr"


@pytest.fixture(scope="module")
def oidc_provider():
    """A real OpenID Connect provider (PyPI ``oidc-provider-mock``) on a loopback port: it
    signs the ID tokens, serves discovery, JWKS, token and end-session endpoints."""
    import oidc_provider_mock

    users_claims = [oidc_provider_mock.User(sub=MAPPED, claims={"email": MAPPED,
                                                                "email_verified": True})]
    with oidc_provider_mock.run_server_in_thread(user_claims=users_claims) as server:
        yield f"http://127.0.0.1:{server.server_port}"


@contextmanager
def _proconnect_dashboards(provider: str, tmp_path: Path, **env: str) -> Iterator[str]:
    """The router with an ``[auth]`` section pointing at ``provider`` (what production's
    ``.streamlit/secrets.toml`` does with ProConnect)."""
    from accounts import users
    from data_contracts.settings import get_settings

    users.add_user(get_settings(), MAPPED, "departement:69", replace=True)  # OIDC-only mapping
    port, secrets = _free_port(), tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "0123456789abcdef0123456789abcdef"\n'
        'client_id = "cipd-hub"\nclient_secret = "secret-de-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    with _streamlit("--secrets.files", str(secrets), port=port, **env) as url:
        yield url


@contextmanager
def _browser_page() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(locale="fr-FR")
        finally:
            browser.close()


def _proconnect_sign_in(page, url: str, subject: str) -> None:
    """Through the provider's own authorisation page, as a person would."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Se connecter avec ProConnect").click()
    page.get_by_placeholder("sub").fill(subject)
    page.get_by_role("button", name="Authorize").click()


def _heading(page, name: str):
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=name)).to_be_visible(timeout=30_000)


def test_proconnect_sign_in_maps_role_server_side_and_sign_out_ends_it(
        serving_home, oidc_provider, tmp_path):
    from playwright.sync_api import expect

    with _proconnect_dashboards(oidc_provider, tmp_path) as url, _browser_page() as page:
        _proconnect_sign_in(page, f"{url}/?role=national", MAPPED)
        _heading(page, "Vue nationale")
        expect(page.get_by_text("Département 69 – Rhône").first).to_be_visible(timeout=30_000)
        page.reload()
        _heading(page, "Vue nationale")  # Streamlit's identity cookie survives a reload

        page.get_by_role("button", name="Se déconnecter").click()
        page.get_by_role("button", name="End session").click()  # the provider's end-session page
        expect(page.get_by_role("button", name="Se connecter avec ProConnect")).to_be_visible(
            timeout=30_000)
        page.reload()
        expect(page.get_by_role("button", name="Se connecter avec ProConnect")).to_be_visible(
            timeout=30_000)


def test_proconnect_identity_without_mapping_is_refused_in_french(
        serving_home, oidc_provider, tmp_path):
    from playwright.sync_api import expect

    with _proconnect_dashboards(oidc_provider, tmp_path) as url, _browser_page() as page:
        _proconnect_sign_in(page, url, UNMAPPED)
        expect(page.get_by_text(f"Votre identité ({UNMAPPED}) n'a pas de droit d'accès")).to_be_visible(
            timeout=30_000)
        assert page.get_by_role("heading", name="Vue nationale").count() == 0


def test_proconnect_identity_older_than_a_session_must_sign_in_again(
        serving_home, oidc_provider, tmp_path):
    from playwright.sync_api import expect

    with _proconnect_dashboards(oidc_provider, tmp_path, CIPD_SESSION_LIFETIME_SECONDS="1") as url, \
            _browser_page() as page:
        _proconnect_sign_in(page, url, MAPPED)
        page.wait_for_timeout(1500)
        page.reload()
        expect(page.get_by_text("Votre session a expiré : reconnectez-vous avec ProConnect")
               ).to_be_visible(timeout=30_000)
        assert page.get_by_role("heading", name="Vue nationale").count() == 0


def _local_sign_in(page, url: str, login: str, password: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_local_sign_in_survives_a_reload_until_sign_out(serving_home, dashboard_url):
    with _browser_page() as page:
        _local_sign_in(page, dashboard_url, "demo-region", serving_home.credentials["demo-region"])
        _heading(page, "Vue nationale")
        page.wait_for_timeout(500)  # the cookie script runs with the page
        page.reload()
        _heading(page, "Vue nationale")
        cookie = {c["name"]: c for c in page.context.cookies()}["cipd_session"]
        assert cookie["sameSite"] == "Strict"

        page.get_by_role("button", name="Se déconnecter").click()
        _heading(page, "Connexion")
        page.wait_for_timeout(500)
        page.reload()
        _heading(page, "Connexion")
        assert "cipd_session" not in {c["name"] for c in page.context.cookies()}


def test_local_session_cookie_older_than_a_session_is_refused(serving_home, dashboard_url):
    """The browser drops the cookie at its Max-Age; a copy replayed later is refused by the
    server, which checks the token's signed issue time itself."""
    from unittest import mock

    from playwright.sync_api import expect

    from accounts import sessions
    from data_contracts.settings import get_settings

    settings = get_settings()
    nine_hours_ago = time.time() - 9 * 3600
    with mock.patch("itsdangerous.timed.time.time", return_value=nine_hours_ago):
        stale = sessions.issue(settings, "demo-region", purpose="dashboards")
    with _browser_page() as page:
        page.context.add_cookies([{"name": "cipd_session", "value": stale, "url": dashboard_url}])
        page.goto(dashboard_url, wait_until="domcontentloaded")
        _heading(page, "Connexion")
        expect(page.get_by_text("Votre session a expiré")).to_be_visible(timeout=30_000)
        fresh = sessions.issue(settings, "demo-region", purpose="dashboards")
        page.context.add_cookies([{"name": "cipd_session", "value": fresh, "url": dashboard_url}])
        page.reload()
        _heading(page, "Vue nationale")  # the same path with a token of now signs in
