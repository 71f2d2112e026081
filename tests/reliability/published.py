"""A built and published CIPD_HOME (the burst's) reused by the dashboard-level tests, kept out
of conftest.py: several test folders have one, so ``import conftest`` is ambiguous."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from burst import BASE
from data_contracts.settings import Settings, get_settings


@contextmanager
def published_copy(source: Path, home: Path) -> Iterator[Settings]:
    """A copy of a built and published CIPD_HOME, with the demo accounts, as the process's
    environment (AppTest runs the app in this process) until the block ends."""
    from dashboards import users

    shutil.copytree(source, home, symlinks=True)
    saved = {key: os.environ.get(key) for key in ("CIPD_HOME", "CIPD_NOW")}
    os.environ.update(CIPD_HOME=str(home), CIPD_NOW=BASE.isoformat())
    try:
        users.ensure_demo_users(get_settings())
        yield get_settings()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
