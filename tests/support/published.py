"""A built and published CIPD_HOME (the burst's) reused by the dashboard-level tests, kept out
of conftest.py: several test folders have one, so ``import conftest`` is ambiguous."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest
from burst import BASE

from data_contracts.settings import Settings, get_settings


@contextmanager
def published_copy(source: Path, home: Path) -> Iterator[Settings]:
    """A copy of a built and published CIPD_HOME, with the demo accounts, as the process's
    environment (AppTest runs the app in this process) until the block ends."""
    from accounts import users

    shutil.copytree(source, home, symlinks=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIPD_HOME", str(home))
        patch.setenv("CIPD_NOW", BASE.isoformat())
        users.ensure_demo_users(get_settings())
        yield get_settings()


def rebuilt_copy(source: Path, home: Path, now: datetime, before_build=None) -> Path:
    """A copy of a built and published CIPD_HOME, built and published again on the clock ``now``
    after ``before_build(settings)`` (new review events, say): for pages whose marts must
    reflect a later clock or new loads without touching the session's home."""
    from orchestration.warehouse.build import build
    from orchestration.warehouse.publish import publish

    shutil.copytree(source, home, symlinks=True)
    settings = Settings(home=home, now=now)
    if before_build is not None:
        before_build(settings)
    result = build(settings, unit_tests=False)
    assert result.success, [(p.name, p.message) for p in result.problems]
    publish(settings)
    return home
