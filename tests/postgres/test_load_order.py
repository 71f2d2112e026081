"""Two loaders and a build interleaved on PostgreSQL: a load that commits late is not skipped.

Loaders on two hosts (no shared writer lock here: each one calls the loader's transaction
directly) — A takes its load sequence number and stalls before committing, B starts its own
load meanwhile, and a build runs while both are open. Incremental builds read what is new by
``raw.submissions.load_sequence``; if B could take a higher number and commit before A, that
build would move past A's number and A would never be rebuilt. The load-order lock
(ingestion.postgres_writer) makes B wait for A's commit, so the next build sees both."""

from __future__ import annotations

import threading

from landing_scenario import send_weekly

from data_contracts.settings import get_settings
from ingestion.landing import list_landed
from ingestion.loader import _load_batch, ingest_pending
from ingestion.postgres_writer import PostgresWarehouse, connect_postgres_warehouse
from orchestration.warehouse.build import build
from storage.engine import BUILD_MARTS_SCHEMA, connect


class StallingCommit(PostgresWarehouse):
    """A loader's connection whose commit waits until the test lets it through."""

    def __init__(self, connection, release: threading.Event, reached: threading.Event):
        super().__init__(connection)
        self.release, self.reached = release, reached

    def execute(self, sql, parameters=None):
        if sql.strip().lower() == "commit":
            self.reached.set()
            assert self.release.wait(60)
        return super().execute(sql, parameters)


def _received(departement: str) -> bool:
    connection = connect(get_settings())
    try:
        with connection.cursor() as cur:
            cur.execute(f"select is_received from {BUILD_MARTS_SCHEMA}.fct_weekly_reports "
                        "where departement_code = %s and week_code = '2026-W47'", [departement])
            return cur.fetchone()[0]
    finally:
        connection.close()


def test_interleaved_loads_and_build_skip_no_load_on_postgres(pg_home):
    settings = get_settings()
    send_weekly(settings, "75", "2026-W47")
    ingest_pending(settings)
    assert build(settings, unit_tests=False).success
    send_weekly(settings, "01", "2026-W47")
    send_weekly(settings, "13", "2026-W47")
    by_departement = {sub.departement: sub for sub in list_landed(settings) if sub.departement in ("01", "13")}

    release_a, a_reached_commit = threading.Event(), threading.Event()
    b_done = threading.Event()
    loader_a = StallingCommit(connect_postgres_warehouse(settings).connection, release_a, a_reached_commit)
    loader_b = connect_postgres_warehouse(settings)
    thread_a = threading.Thread(target=_load_batch, args=(loader_a, [by_departement["01"]], "a"))
    thread_b = threading.Thread(target=lambda: (_load_batch(loader_b, [by_departement["13"]], "b"), b_done.set()))
    thread_a.start()
    assert a_reached_commit.wait(30)
    thread_b.start()
    try:
        assert not b_done.wait(1), "loader B committed while A held its load number uncommitted"
        during = build(settings, unit_tests=False)
        assert during.success and during.full_refresh_reason is None
        assert not _received("01") and not _received("13")
    finally:
        release_a.set()
        thread_a.join(30)
        thread_b.join(30)
        loader_a.close()
        loader_b.close()

    after = build(settings, unit_tests=False)
    assert after.success and after.full_refresh_reason is None
    assert _received("01") and _received("13") and _received("75")
