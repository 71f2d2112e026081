"""Shared fixtures: every test gets its own CIPD_HOME and a pinned clock."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

#: DuckDB's exit-time nanobind noise silenced after pytest's summary (see quiet_exit).
pytest_plugins = ["quiet_exit"]

#: Thursday 26 November 2026, 09:00 UTC (10:00 in Paris): before the W48 deadline.
FROZEN_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def cipd_home(tmp_path, monkeypatch):
    home = tmp_path / "cipd_home"
    monkeypatch.setenv("CIPD_HOME", str(home))
    monkeypatch.setenv("CIPD_NOW", FROZEN_NOW.isoformat())
    return home


@pytest.fixture
def now():
    return FROZEN_NOW
