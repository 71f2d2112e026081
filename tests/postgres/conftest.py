"""The PostgreSQL part of the suite: one throwaway cluster per session (tests/support/
postgres_server.py), a fresh database per test. Skipped, with the reason, only where no
PostgreSQL server can be started at all (``make postgres`` installs Debian's package)."""

from __future__ import annotations

import itertools

import pytest

from postgres_server import PostgresUnavailable, start_cluster

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_cluster():
    try:
        cluster = start_cluster()
    except PostgresUnavailable as exc:
        pytest.skip(f"no PostgreSQL server could be started here ({exc}); "
                    "install Debian's postgresql package: make postgres")
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_home(cipd_home, postgres_cluster, monkeypatch):
    """``cipd_home`` on a fresh PostgreSQL database (CIPD_WAREHOUSE=postgres)."""
    for name, value in postgres_cluster.create_database(f"cipd_test_{next(_databases)}").items():
        monkeypatch.setenv(name, value)
    return cipd_home
