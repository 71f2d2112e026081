"""``dbt build`` of the warehouse, in-process, under the warehouse lock.

Why in-process (``dbtRunner``) rather than a ``dbt`` subprocess: the fixed cost of starting
dbt (imports, adapter registration) is a large part of a small rebuild, and the CLI, Dagster
and tests all want the same call. Why the lock: dbt writes ``warehouse.duckdb``, and DuckDB
allows one writing process per file. Why target and log paths under ``CIPD_HOME``: several
processes run dbt from the same project folder, and nothing may write into the repository.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from data_contracts.calendar import now_utc
from data_contracts.settings import DBT_PROJECT_DIR, Settings, get_settings
from storage.lock import warehouse_lock

#: dbt statuses that mean the build did not pass (a failing test or a model in error).
PROBLEM_STATUSES = frozenset({"error", "fail", "runtime error"})


class BuildError(RuntimeError):
    """dbt could not run at all (invalid project, unreadable profile, database unavailable)."""


@dataclass(frozen=True)
class NodeOutcome:
    """What happened to one dbt node (model, seed, data test, unit test) in a run."""

    unique_id: str
    resource_type: str
    name: str
    status: str
    message: str | None
    failures: int | None
    execution_seconds: float

    @property
    def is_problem(self) -> bool:
        return self.status in PROBLEM_STATUSES


@dataclass(frozen=True)
class BuildResult:
    success: bool
    outcomes: tuple[NodeOutcome, ...]
    elapsed_seconds: float
    run_results_path: Path
    #: Why every model was rebuilt (None: an incremental build of the changed keys only).
    full_refresh_reason: str | None = None

    @property
    def problems(self) -> list[NodeOutcome]:
        return [outcome for outcome in self.outcomes if outcome.is_problem]

    def count(self, resource_type: str) -> int:
        return sum(outcome.resource_type == resource_type for outcome in self.outcomes)


def utc_text(instant: datetime) -> str:
    """An instant as the dbt vars ``as_of``/``known_at`` expect it: naive UTC text."""
    return now_utc(instant).strftime("%Y-%m-%d %H:%M:%S")


def dbt_vars(settings: Settings, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The dbt vars that carry the hub's settings into SQL.

    ``as_of`` is passed only when the clock is frozen: changing vars makes dbt re-parse the
    whole project, so a real-clock build leaves it to dbt's own ``run_started_at``.
    """
    values: dict[str, Any] = {
        "holiday_policy": settings.holiday_policy,
        "monthly_deadline_day": settings.monthly_deadline_day,
        "monthly_deadline_hour": settings.monthly_deadline_hour,
        "consistency_tolerance": settings.consistency_tolerance,
    }
    if settings.now is not None:
        values["as_of"] = utc_text(settings.now)
    scale = settings.benchmark_scale()
    if scale > 1:  # a benchmark warehouse (`cipd demo --scale`): the grids expect its twins
        values["benchmark_units_per_departement"] = scale
    for key, value in (overrides or {}).items():
        values[key] = utc_text(value) if isinstance(value, datetime) else value
    return values


def dbt_args(command: str, settings: Settings, *, select: str | None = None,
             vars: Mapping[str, Any] | None = None, extra: list[str] | None = None) -> list[str]:
    """Command-line arguments for one dbt command on this project, paths under CIPD_HOME."""
    args = [
        command,
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(settings.dbt_target_dir),
        "--log-path", str(settings.dbt_log_dir),
        "--log-level-file", "info",
        "--no-use-colors", "--no-use-colors-file",
        "--vars", json.dumps(dbt_vars(settings, vars), sort_keys=True),
    ]
    if settings.is_postgres:
        args += ["--target", "postgres"]
    if select:
        args += ["--select", select]
    return args + list(extra or [])


def _profile_environment(settings: Settings) -> dict[str, str]:
    """What dbt's profile reads: ``CIPD_HOME``, and on PostgreSQL the owner's connection
    (the settings may come from a URL rather than from these variables)."""
    values = {"CIPD_HOME": str(settings.root)}
    if settings.is_postgres:
        values.update({"CIPD_PG_HOST": settings.pg_host, "CIPD_PG_PORT": str(settings.pg_port),
                       "CIPD_PG_DATABASE": settings.pg_database, "CIPD_PG_USER": settings.pg_user,
                       "CIPD_PG_PASSWORD": settings.pg_password})
    return values


@contextmanager
def _cipd_home_environment(settings: Settings) -> Iterator[None]:
    """dbt's profile reads ``CIPD_HOME`` (and ``CIPD_PG_*``); make them name this settings'
    warehouse for the call."""
    values = _profile_environment(settings)
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _close_dbt_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb leaves open in this process after a run.

    dbt-duckdb caches its database in a class attribute and, in-process, does not close it
    when the run ends: the file would stay locked against every other process (the loader,
    publish, readers) for as long as this one lives. Measured with dbt-duckdb 1.11.1.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    environment = DuckDBConnectionManager._ENV
    if environment is not None:
        environment.close()
    DuckDBConnectionManager.close_all_connections()


def run_dbt(args: list[str], settings: Settings) -> Any:
    """Invoke dbt in-process and return its ``dbtRunnerResult``.

    The caller holds the warehouse lock when the command writes (build, seed, run).
    """
    from dbt.cli.main import dbtRunner

    for folder in (settings.dbt_target_dir, settings.dbt_log_dir, settings.root / "dbt" / "duckdb_tmp"):
        folder.mkdir(parents=True, exist_ok=True)
    try:
        with _cipd_home_environment(settings):
            result = dbtRunner().invoke(args)
    finally:
        if not settings.is_postgres:
            _close_dbt_duckdb()
    if result.exception is not None:
        raise BuildError(f"dbt {args[0]} could not run: {result.exception}") from result.exception
    return result


def _outcomes(run_result: Any) -> tuple[NodeOutcome, ...]:
    outcomes = []
    for node_result in getattr(run_result, "results", None) or []:
        node = node_result.node
        outcomes.append(NodeOutcome(
            unique_id=node.unique_id,
            resource_type=str(node.resource_type),
            name=node.name,
            status=str(node_result.status),
            message=node_result.message,
            failures=node_result.failures,
            execution_seconds=float(node_result.execution_time or 0.0),
        ))
    return tuple(outcomes)


def _ensure_raw_tables(settings: Settings) -> None:
    """A warehouse nobody has loaded yet still builds (an empty grid, every report missing)."""
    from ingestion.raw_tables import connect_raw_warehouse

    connect_raw_warehouse(settings).close()


def build(settings: Settings | None = None, select: str | None = None,
          vars: Mapping[str, Any] | None = None, *, unit_tests: bool = True,
          full_refresh: bool = False) -> BuildResult:
    """Run ``dbt build`` (seeds, models, data tests, unit tests) on the warehouse.

    Returns the outcome of every node; ``success`` is False when a model failed or a test did
    not pass (the caller must then not publish). ``vars`` overrides dbt vars (e.g.
    ``{"known_at": datetime}``). ``unit_tests=False`` skips the dbt unit tests, which check
    the SQL logic rather than the data and need not run on every scheduled build.

    The marts are incremental (only the keys changed since the previous build are rebuilt);
    ``full_refresh=True`` rebuilds everything, and :mod:`orchestration.warehouse.incremental_state`
    forces it whenever an incremental build would not be sound. A ``select`` must include
    every model downstream of ``int_report_changes`` or none of them.
    """
    from orchestration.warehouse import incremental_state

    settings = settings or get_settings()
    extra = [] if unit_tests else ["--exclude-resource-type", "unit_test"]
    started = time.perf_counter()
    with warehouse_lock(settings):
        values = dbt_vars(settings, vars)
        refresh_reason = "requested" if full_refresh else incremental_state.full_refresh_reason(settings, values)
        args = dbt_args("build", settings, select=select, vars=vars,
                        extra=extra + (["--full-refresh"] if refresh_reason else []))
        _ensure_raw_tables(settings)
        incremental_state.forget(settings)
        result = run_dbt(args, settings)
        if result.success:
            incremental_state.record(settings, values)
    outcomes = _outcomes(result.result)
    return BuildResult(
        full_refresh_reason=refresh_reason,
        success=bool(result.success),
        outcomes=outcomes,
        elapsed_seconds=time.perf_counter() - started,
        run_results_path=settings.dbt_target_dir / "run_results.json",
    )
