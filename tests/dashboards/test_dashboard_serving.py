"""The dashboards' connection to ``serving.duckdb``: locked down, and reopened when publish
renames a new file over the old one."""

from __future__ import annotations

import os
from datetime import datetime, timezone

import duckdb
import pytest

from data_contracts.settings import get_settings
from dashboards import queries, serving


def _publish(path, published_at: datetime, mtime: int) -> None:
    """What orchestration.warehouse.publish does: write beside, rename over."""
    beside = path.with_name(".serving-test.duckdb.tmp")
    with duckdb.connect(str(beside)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.meta_build as select ?::timestamp as published_at",
                    [published_at.replace(tzinfo=None)])
    os.utime(beside, (mtime, mtime))
    os.replace(beside, path)


def test_a_new_publish_is_read_at_the_next_query(cipd_home):
    path = get_settings().serving_path
    path.parent.mkdir(parents=True)
    first = datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc)
    second = datetime(2026, 11, 26, 8, 5, tzinfo=timezone.utc)
    _publish(path, first, 1_800_000_000)
    assert queries.published_at() == first
    held = serving.cursor(serving.serving_file())  # a reader still busy on the old file
    _publish(path, second, 1_800_000_300)
    assert queries.published_at() == second
    assert held.execute("select published_at from marts.meta_build").fetchone()[0] == first.replace(tzinfo=None)
    held.close()


@pytest.mark.parametrize("statement", [
    "select * from read_csv('/etc/passwd')",
    "attach '/tmp/other.duckdb' as other",
    "copy (select 1) to '/tmp/leak.csv'",
    "set enable_external_access = true",
    "create table marts.injected as select 1",
])
def test_the_connection_reads_the_marts_and_nothing_else(cipd_home, statement):
    path = get_settings().serving_path
    path.parent.mkdir(parents=True)
    _publish(path, datetime(2026, 11, 26, 8, 0, tzinfo=timezone.utc), 1_800_000_000)
    cur = serving.cursor(serving.serving_file())
    with pytest.raises(duckdb.Error):
        cur.execute(statement)


def test_nothing_published_yet(cipd_home):
    assert serving.serving_file() is None and queries.published_at() is None
    assert queries.build_info() == {}
    with pytest.raises(serving.ServingUnavailable):
        serving.fetch("select * from {meta_build}", None)
