"""A live API per test, on the test's own CIPD_HOME and pinned clock."""

from __future__ import annotations

import pytest
from live_api import LiveApi

from data_contracts.settings import get_settings


@pytest.fixture
def start_api(cipd_home, monkeypatch):
    """``start_api(CIPD_X=value, ...)``: a server with those settings (stopped at the end)."""
    started = []

    def start(**env) -> LiveApi:
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        started.append(LiveApi(get_settings()).start())
        return started[-1]

    yield start
    for live in started:
        live.stop()


@pytest.fixture
def api(start_api) -> LiveApi:
    return start_api()


@pytest.fixture
def client(api):
    with api.client(api.token("13", "tableur-13")) as http:
        yield http
