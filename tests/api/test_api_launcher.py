"""``cipd up --api-port N`` serves the API: the launcher's service starts and answers."""

from __future__ import annotations

import socket

import httpx

from cli.launcher import services, wait_healthy
from data_contracts.settings import get_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_launcher_api_service_serves_the_docs_on_the_loopback(cipd_home, tmp_path):
    settings = get_settings()
    port = _free_port()
    (api,) = [s for s in services(settings, 8501, None, "127.0.0.1", port) if s.name == "api"]
    api.start(tmp_path)
    try:
        assert wait_healthy(api, timeout=60)
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/v1/echeances").status_code == 401
    finally:
        api.stop()
