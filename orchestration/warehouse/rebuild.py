"""Rebuild the warehouse from the landing zone alone, and check a database before trusting it.

Why rebuild rather than repair: ``warehouse.duckdb`` is derived data. The landing zone keeps
every upload byte for byte with its receipt (immutable, written atomically), the audit journal
keeps every event, and dbt derives the marts from ``raw.*``. So a database that fails to open
or fails a block checksum is never patched in place (a patched file could hold half of a
submission): it is set aside, untouched, for investigation, and a new one is built next to it
from the landing zone, then swapped in and published.

How, without a moment where readers or writers see a half-built warehouse: the new warehouse
is built in a staging home (``CIPD_HOME/rebuild/<stamp>/``) whose ``landing``, ``quarantine``
and ``audit`` are links to the real ones, by the same loader and the same ``dbt build`` as
usual. Only then, under the warehouse lock, is the old file moved aside and the new one renamed
over it. Uploads keep arriving meanwhile: any receipt the new warehouse lacks has no
``raw.submissions`` row, so the next ``ingest_pending`` loads it, exactly once.

Proof that nothing was lost or invented: a content hash of every mart table, computed before
(when the old file is readable) and after. The hash does not depend on row order, and leaves
out ``loaded_at`` (when the loader ran, not what was submitted). Under the same clock
(``CIPD_NOW``, or ``as_of``) the hashes must be equal.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from data_contracts.settings import Settings, get_settings
from storage import audit
from storage.atomic import fsync_dir
from storage.file_modes import restrict
from storage.lock import warehouse_lock
from storage.published import open_read_only

MARTS_SCHEMA = "marts"
#: Columns that record when the hub processed data rather than what was submitted.
LOAD_TIME_COLUMNS = frozenset({"loaded_at"})
#: The parts of CIPD_HOME a rebuild reads (linked into the staging home, never copied).
SOURCE_DIRS = ("landing", "quarantine", "audit")
REPLACED_PREFIX = "replaced-"


class RebuildError(RuntimeError):
    """The new warehouse could not be built; the previous file was left in place untouched.
    The message is French (operators read it)."""


@dataclass(frozen=True)
class DatabaseCheck:
    """Whether a DuckDB file opens and every block of every table reads back (DuckDB verifies
    each block's checksum as it reads it)."""

    path: Path
    exists: bool
    problem: str | None = None
    #: ``schema.table`` → content hash (order-independent, without load-time columns).
    table_hashes: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exists and self.problem is None

    def mart_hashes(self) -> dict[str, str]:
        prefix = f"{MARTS_SCHEMA}."
        return {name[len(prefix):]: digest for name, digest in self.table_hashes.items()
                if name.startswith(prefix)}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_digest(connection: Any, schema: str, table: str,
                 exclude: frozenset[str] = LOAD_TIME_COLUMNS) -> str:
    """SHA-256 of a table's rows, whatever their order: each row's text is hashed, the row
    hashes are sorted and hashed together (duplicates count). Excluded columns are still read
    (so their blocks are checksum-verified) but do not enter the hash."""
    columns = [row[0] for row in connection.execute(
        "select column_name from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table]).fetchall()]
    kept = [c for c in columns if c not in exclude] or columns
    relation = f"{_quoted(schema)}.{_quoted(table)}"
    row_text = "cast(row({}) as varchar)".format(", ".join(_quoted(c) for c in kept))
    touched = ", ".join(f"count({_quoted(c)})" for c in columns if c not in kept)
    digest = connection.execute(
        f"select sha256(coalesce(string_agg(row_hash, '' order by row_hash), ''))"
        f"{', ' + touched if touched else ''} "
        f"from (select sha256({row_text}) as row_hash, * from {relation})").fetchone()[0]
    return str(digest)


def check_database(path: Path) -> DatabaseCheck:
    """Open ``path`` read-only (no file access beyond it) and read every table in full."""
    import duckdb

    path = Path(path)
    if not path.exists():
        return DatabaseCheck(path, exists=False, problem="absent")
    hashes: dict[str, str] = {}
    try:
        with open_read_only(path) as connection:
            tables = connection.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_catalog = current_database() "
                "order by table_schema, table_name").fetchall()
            for schema, table in tables:
                hashes[f"{schema}.{table}"] = table_digest(connection, schema, table)
    except duckdb.Error as error:
        return DatabaseCheck(path, exists=True, problem=f"{type(error).__name__}: {error}"[:500],
                             table_hashes=hashes)
    return DatabaseCheck(path, exists=True, table_hashes=hashes)


def check_warehouse(settings: Settings | None = None) -> DatabaseCheck:
    """:func:`check_database` of the warehouse, under its lock: a file a writer holds open
    cannot be opened by another process, which must not pass for corruption."""
    settings = settings or get_settings()
    with warehouse_lock(settings):
        return check_database(settings.warehouse_path)


def mart_hashes(path: Path) -> dict[str, str]:
    """Content hash of every table of schema ``marts`` in ``path`` (which must be readable)."""
    check = check_database(path)
    if not check.ok:
        raise RebuildError(f"marts illisibles dans {path} : {check.problem}")
    return check.mart_hashes()


@dataclass(frozen=True)
class RebuildResult:
    previous: DatabaseCheck
    marts_after: dict[str, str]
    submissions_loaded: int
    rejections_recorded: int
    rows_loaded: int
    #: Where the previous file was set aside (None when there was none).
    replaced_path: Path | None
    published: bool
    elapsed_seconds: float

    @property
    def marts_before(self) -> dict[str, str] | None:
        """The previous marts' hashes, or None when the previous file was absent or unreadable."""
        return self.previous.mart_hashes() if self.previous.ok else None

    @property
    def differing_tables(self) -> list[str]:
        before = self.marts_before or {}
        return sorted(t for t in set(before) | set(self.marts_after)
                      if before.get(t) != self.marts_after.get(t))

    @property
    def identical(self) -> bool | None:
        """True when every mart has the same content as before (None: nothing to compare)."""
        return None if self.marts_before is None else not self.differing_tables


def _stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


def staging_settings(settings: Settings, staging: Path) -> Settings:
    """Settings identical to ``settings`` but for the home (links to the real sources)."""
    staging.mkdir(parents=True, exist_ok=True)
    for name in SOURCE_DIRS:
        source = settings.root / name
        source.mkdir(parents=True, exist_ok=True)
        (staging / name).symlink_to(source, target_is_directory=True)
    return Settings(**{**settings.model_dump(), "home": staging})


def _set_aside(settings: Settings, stamp: str) -> Path | None:
    """Move the current warehouse (and its write-ahead log) out of the way, untouched."""
    warehouse = settings.warehouse_path
    if not warehouse.exists():
        return None
    settings.backups_dir.mkdir(parents=True, exist_ok=True)
    kept = settings.backups_dir / f"{REPLACED_PREFIX}{stamp}.duckdb"
    os.replace(warehouse, kept)
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():
        os.replace(wal, kept.with_name(kept.name + ".wal"))
    return restrict(kept)


def _adopt_build_state(staged: Settings, settings: Settings) -> None:
    """The incremental builds' record of the last successful build must describe the new
    warehouse, not the replaced one: take the staging build's (or, lacking one, force the
    next build to be a full refresh). The caller holds the warehouse lock."""
    from orchestration.warehouse import incremental_state

    source, target = incremental_state.state_path(staged), incremental_state.state_path(settings)
    if source.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
    else:
        incremental_state.forget(settings)


def rebuild(settings: Settings | None = None, *, publish: bool = True, unit_tests: bool = False,
            actor: str | None = None) -> RebuildResult:
    """Build a new warehouse from the landing zone, swap it in, publish it.

    Raises :class:`RebuildError` when the new warehouse cannot be built or fails its dbt
    tests: the previous file then stays in place, exactly as it was.
    """
    from ingestion.loader import ingest_pending
    from orchestration.warehouse.build import build
    from orchestration.warehouse.publish import publish as publish_marts

    settings = settings or get_settings()
    started = time.perf_counter()
    previous = check_warehouse(settings)
    stamp = _stamp()
    staging = settings.root / "rebuild" / stamp
    try:
        staged = staging_settings(settings, staging)
        loaded = ingest_pending(staged, actor=actor)
        if loaded.failed:
            raise RebuildError(f"{len(loaded.failed)} dépôt(s) de la zone de dépôt non chargeable(s) : "
                               + " ; ".join(f"{k} : {v}" for k, v in list(loaded.failed.items())[:5]))
        built = build(staged, unit_tests=unit_tests)
        if not built.success:
            problems = "; ".join(f"{p.name}: {p.status}" for p in built.problems[:10])
            logs = settings.dbt_log_dir / f"rebuild-{stamp}"
            if staged.dbt_log_dir.is_dir():
                shutil.copytree(staged.dbt_log_dir, logs, dirs_exist_ok=True)
            raise RebuildError(f"le dbt build de l'entrepôt reconstruit est en échec ({problems}) ; "
                               f"détails dans le journal dbt {logs}")
        after = mart_hashes(staged.warehouse_path)
        with warehouse_lock(settings):
            replaced = _set_aside(settings, stamp)
            os.replace(staged.warehouse_path, settings.warehouse_path)
            _adopt_build_state(staged, settings)
            fsync_dir(settings.warehouse_path.parent)
        if publish:
            publish_marts(settings, run_results_path=staged.dbt_target_dir / "run_results.json")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.parent.rmdir()  # CIPD_HOME/rebuild, when no other rebuild is running
        except OSError:
            pass
    result = RebuildResult(
        previous=previous, marts_after=after, submissions_loaded=len(loaded.loaded),
        rejections_recorded=len(loaded.rejections_recorded), rows_loaded=loaded.rows_loaded,
        replaced_path=replaced, published=publish, elapsed_seconds=time.perf_counter() - started)
    audit.append_events(settings, [audit.new_event(
        "rebuild", actor=actor, outcome="rebuilt", detail={
            "previous_ok": previous.ok, "previous_problem": previous.problem,
            "replaced_path": str(replaced) if replaced else None,
            "submissions_loaded": result.submissions_loaded, "identical": result.identical,
            "differing_tables": result.differing_tables})])
    return result


def rebuild_if_unhealthy(settings: Settings | None = None, **kwargs: Any) -> RebuildResult | None:
    """Rebuild only when the warehouse exists but fails to open or to read back."""
    settings = settings or get_settings()
    check = check_warehouse(settings)
    if not check.exists or check.ok:
        return None
    return rebuild(settings, **kwargs)


def ingest_or_rebuild(settings: Settings | None = None, *, actor: str | None = None) -> tuple[Any, RebuildResult | None]:
    """The writer's load step, healing itself: load the pending submissions; if the warehouse
    no longer opens (or fails a checksum while loading), rebuild it from the landing zone — which
    loads every pending submission too — instead of failing every run until someone steps in.

    Returns the loader's result (after a rebuild: the load that follows it, normally empty) and
    the rebuild's result, or None when the warehouse was healthy. An error that the health check
    does not confirm (the warehouse reads back fine) is raised unchanged: it is not corruption.
    """
    import duckdb

    from ingestion.loader import ingest_pending

    settings = settings or get_settings()
    try:
        return ingest_pending(settings, actor=actor), None
    except duckdb.Error:
        rebuilt = rebuild_if_unhealthy(settings, publish=False, actor=actor)
        if rebuilt is None:
            raise
    return ingest_pending(settings, actor=actor), rebuilt
