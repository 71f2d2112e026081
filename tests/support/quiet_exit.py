"""A pytest plugin that ends the test process right after pytest's own exit, with its status.

DuckDB's Python module is built with nanobind, whose leak checker prints ~40 lines of
« nanobind: leaked instances » at interpreter finalisation when DuckDB objects are still
alive (connections cached by Streamlit's ``cache_resource`` in AppTest threads, relations held
by fixtures). They are not leaks of the tests, and DuckDB exposes no switch for nanobind's
``set_leak_warnings``. So once pytest has printed its summary and returned, an ``atexit``
handler registered last (run first) flushes the streams and leaves with ``os._exit(status)``,
before finalisation reaches nanobind. Only pytest's own command line does this (never an
in-process ``pytest.main`` call nor an xdist worker); ``CIPD_PYTEST_QUIET_EXIT=0`` turns it off.
"""

from __future__ import annotations

import atexit
import os
import sys
from pathlib import Path

import pytest


def _is_pytest_command() -> bool:
    script = Path(sys.argv[0]).name if sys.argv else ""
    return script in {"pytest", "py.test", "__main__.py", "pytest.exe"}


def _leave(session: pytest.Session) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(int(session.exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    if os.environ.get("CIPD_PYTEST_QUIET_EXIT") == "0" or hasattr(session.config, "workerinput"):
        return
    if _is_pytest_command():
        atexit.register(_leave, session)
