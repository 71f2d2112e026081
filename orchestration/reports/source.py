"""Where a document's figures come from: the published marts, or a rebuild "as known at".

By default a document reads ``serving.duckdb`` as published. ``known_at`` asks for the state
of knowledge at a past instant (to re-issue a synthesis exactly as it would have gone out):
dbt rebuilds the marts from a copy of the warehouse's raw tables, ignoring raw rows received
after that instant (dbt var ``known_at``), in a scratch folder under ``CIPD_HOME`` that is then
removed. Only ``raw`` is copied: the live marts are incremental, and an incremental model
rebuilt "as known at" would keep rows that arrived later. The live warehouse and serving file
are never touched.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from data_contracts.calendar import format_paris
from data_contracts.settings import Settings
from storage.published import serving_connection


class ReportError(RuntimeError):
    """A document cannot be produced; the message is French and says what to do."""


@contextmanager
def marts(settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    if not settings.serving_path.exists():
        raise ReportError(
            f"Aucune base publiée ({settings.serving_path}) : déposez des rapports puis lancez "
            "« cipd build », ou attendez que Dagster les intègre.")
    with serving_connection(settings) as connection:
        yield connection


def copy_raw_tables(source: Path, target: Path) -> list[str]:
    """Copy every table of schema ``raw`` from the ``source`` warehouse into a new ``target``."""
    with duckdb.connect(str(target)) as connection:
        connection.execute("attach ? as live (read_only)", [str(source)])
        tables = [row[0] for row in connection.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'live' and table_schema = 'raw' and table_type = 'BASE TABLE' "
            "order by table_name").fetchall()]
        connection.execute("create schema raw")
        for table in tables:
            connection.execute(f'create table raw."{table}" as select * from live.raw."{table}"')
        connection.execute("detach live")
    return tables


@contextmanager
def marts_as_known_at(settings: Settings, known_at: datetime) -> Iterator[duckdb.DuckDBPyConnection]:
    """The marts rebuilt as they stood at ``known_at`` (see the module docstring)."""
    from storage.lock import warehouse_lock
    from orchestration.warehouse.build import build
    from orchestration.warehouse.publish import publish

    if not settings.warehouse_path.exists():
        raise ReportError(
            f"Aucun entrepôt ({settings.warehouse_path}) : impossible de reconstituer l'état des "
            f"connaissances au {format_paris(known_at)}. Lancez d'abord « cipd build ».")
    scratch_parent = settings.root / "tmp"
    scratch_parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="known-at-", dir=scratch_parent))
    try:
        # Not model_copy(): it would carry the cached ``root`` of the live home along.
        scratch_settings = Settings(**{**settings.model_dump(), "home": scratch})
        with warehouse_lock(settings):  # a consistent copy: no writer while we read
            copy_raw_tables(settings.warehouse_path, scratch_settings.warehouse_path)
        result = build(scratch_settings, vars={"known_at": known_at, "as_of": known_at},
                       unit_tests=False)
        if not result.success:
            problems = ", ".join(p.name for p in result.problems[:5])
            raise ReportError(
                f"La reconstitution au {format_paris(known_at)} a échoué (dbt : {problems}). "
                "Vérifiez « cipd build » sur l'entrepôt courant.")
        publish(scratch_settings)
        with marts(scratch_settings) as connection:
            yield connection
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
