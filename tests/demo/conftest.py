"""One demo generated per session (with history): generation costs seconds, reading it is free."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from data_contracts.settings import Settings
from demo.generator import generate

#: The suite's frozen clock (tests/conftest.py), needed here at session scope.
FROZEN_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)

SEED = 7
WEEKS = 8


@pytest.fixture(scope="session")
def demo_settings(tmp_path_factory):
    return Settings(home=tmp_path_factory.mktemp("demo_home"), now=FROZEN_NOW)


@pytest.fixture(scope="session")
def plan(demo_settings):
    return generate(demo_settings.root / "demo", weeks=WEEKS, seed=SEED, history=True,
                    settings=demo_settings)
