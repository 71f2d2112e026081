"""The writing paths on PostgreSQL: the loader's COPY, the advisory writer lock, the publish
swap and the select-only reader role."""

from __future__ import annotations

import threading
import time

import psycopg2
import pytest
from landing_scenario import send_weekly

from data_contracts.settings import get_settings
from ingestion.loader import ingest_pending
from orchestration.warehouse.build import build
from orchestration.warehouse.publish import publish
from storage.engine import connect
from storage.lock import WarehouseBusy, warehouse_lock
from tests_now import FROZEN_NOW


def _one(sql: str, role: str = "owner", settings=None):
    connection = connect(settings or get_settings(), role)
    try:
        with connection.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()
    finally:
        connection.close()


@pytest.fixture
def loaded(pg_home):
    for departement in ("01", "13", "75"):
        send_weekly(get_settings(), departement, "2026-W47")
    return ingest_pending(get_settings())


def test_loader_copies_rows_and_receipts_into_postgres_once(loaded):
    again = ingest_pending(get_settings())
    assert len(loaded.loaded) == 3 and not loaded.failed and again.loaded == []
    assert _one("select count(*), count(distinct load_sequence) from raw.submissions") == (3, 3)
    assert _one("select count(*) from raw.weekly_reports")[0] == loaded.rows_loaded == 3


def test_writer_lock_on_postgres_is_refused_to_a_second_holder_while_held(pg_home):
    held, release = threading.Event(), threading.Event()

    def holder():
        with warehouse_lock(get_settings()):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert held.wait(10)
        started = time.monotonic()
        with pytest.raises(WarehouseBusy, match="advisory lock"):
            with warehouse_lock(get_settings(), timeout=0.3):
                pass
        assert time.monotonic() - started >= 0.3
    finally:
        release.set()
        thread.join()
    with warehouse_lock(get_settings(), timeout=1):  # free again once the holder left
        with warehouse_lock(get_settings(), timeout=1):  # and re-entrant in one thread
            pass


@pytest.fixture(scope="module")
def published(tmp_path_factory, postgres_cluster):
    """One build published for the read-side tests (a build costs seconds)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIPD_HOME", str(tmp_path_factory.mktemp("published") / "cipd_home"))
        patch.setenv("CIPD_NOW", FROZEN_NOW.isoformat())
        for name, value in postgres_cluster.create_database("cipd_published").items():
            patch.setenv(name, value)
        for departement in ("01", "13", "75"):
            send_weekly(get_settings(), departement, "2026-W47")
        ingest_pending(get_settings())
        assert build(get_settings(), unit_tests=False).success
        yield publish(get_settings()), get_settings()


def test_publish_on_postgres_swaps_the_marts_schema_readable_by_the_reader(published):
    result, settings = published
    assert "fct_weekly_reports" in result.tables and "meta_build" in result.tables
    received = _one("select count(*) from marts.fct_weekly_reports "
                    "where week_code = '2026-W47' and is_received", role="reader", settings=settings)[0]
    assert received == 3
    assert _one("select count(*) from pg_namespace where nspname in ('serving_next', 'serving_previous')",
                settings=settings)[0] == 0


def test_publish_on_postgres_a_second_time_replaces_the_served_build(loaded):
    assert build(get_settings(), unit_tests=False).success
    publish(get_settings())
    send_weekly(get_settings(), "69", "2026-W47")
    ingest_pending(get_settings())
    assert build(get_settings(), unit_tests=False).success
    publish(get_settings())
    assert _one("select count(*) from marts.fct_weekly_reports where week_code = '2026-W47' "
                "and is_received", role="reader")[0] == 4


@pytest.mark.parametrize("statement", [
    "delete from marts.fct_weekly_reports",
    "select count(*) from raw.submissions",
    "select count(*) from marts_build.fct_weekly_reports",
    "select pg_read_file('/etc/passwd')",
])
def test_reader_role_is_refused_writes_raw_tables_and_files(published, statement):
    _, settings = published
    with pytest.raises(psycopg2.Error):
        _one(statement, role="reader", settings=settings)


def test_clock_for_the_writer_tests_is_frozen(pg_home):
    assert get_settings().now == FROZEN_NOW and get_settings().is_postgres


_HOLD_LOCK = """
import sys, time
from storage.lock import warehouse_lock
with warehouse_lock():
    print("held", flush=True)
    time.sleep(60)
"""


def test_writer_lock_on_postgres_is_freed_when_its_holder_is_killed(pg_home):
    import os
    import signal
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ))
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy):
            with warehouse_lock(get_settings(), timeout=0.2):
                pass
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        with warehouse_lock(get_settings(), timeout=10):  # the server ended the dead session
            pass
    finally:
        holder.kill()
        holder.wait(10)
