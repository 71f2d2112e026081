"""Fixtures of the ingestion tests: settings bound to the test's CIPD_HOME."""

from __future__ import annotations

import pytest

from data_contracts.settings import get_settings


@pytest.fixture
def settings(cipd_home):
    return get_settings()
