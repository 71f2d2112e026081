"""The Dagster instance's home, kept under ``CIPD_HOME/dagster`` like everything the hub writes.

``dagster dev`` and ``dagster-daemon`` read ``$DAGSTER_HOME/dagster.yaml``; this module writes it
so the run queue enforces one warehouse writer at a time (runs tagged ``cipd/warehouse=write``),
on top of the OS lock every writer takes, and so runs start warm (``orchestration.instance.run_launcher``). Run it before starting Dagster::

    DAGSTER_HOME=$CIPD_HOME/dagster python -m orchestration.instance.dagster_home
"""

from __future__ import annotations

import sys
from pathlib import Path

from data_contracts.settings import Settings, get_settings

#: Tag carried by every run that writes the warehouse; the run queue allows one at a time.
WAREHOUSE_TAG = "cipd/warehouse"
WAREHOUSE_TAG_VALUE = "write"
#: Tag of a landing run: the upload it was started for (its run_key too).
SUBMISSION_TAG = "cipd/submission_id"
#: Concurrency pool of the steps that write the warehouse (ingest, dbt build, publish).
WAREHOUSE_POOL = "warehouse"

#: What every hub instance says: no telemetry, a quick run queue, one warehouse writer at a time.
STOCK_YAML = f"""\
# Written by orchestration.instance.dagster_home (rewritten at each start: edit that module instead).
telemetry:
  enabled: false
run_queue:
  # Upload → dashboard latency: look at the queue every second rather than every 5.
  dequeue_interval_seconds: 1
concurrency:
  runs:
    max_concurrent_runs: 4
    tag_concurrency_limits:
      # One warehouse writer at a time: DuckDB allows a single writing process per file.
      - key: "{WAREHOUSE_TAG}"
        value: "{WAREHOUSE_TAG_VALUE}"
        limit: 1
  pools:
    # Steps in pool "{WAREHOUSE_POOL}" (ingest, dbt build, publish), whatever run they are in.
    default_limit: 1
"""

#: The measured speed-ups (``Settings.fast_runs``, on by default; ``CIPD_FAST_RUNS=0`` drops
#: them and Dagster uses its stock launcher and SQLite storage). Both reach private Dagster APIs
#: pinned at the installed version: see ``orchestration/instance/README.md``.
FAST_RUNS_YAML = """\
event_log_storage:
  # Dagster's SQLite event log with connections kept open and batches in one transaction
  # (orchestration.instance.event_log): an event costs a millisecond instead of an fsync and a checkpoint.
  module: orchestration.instance.event_log
  class: HubEventLogStorage
  config:
    base_dir: "{event_log_dir}"
run_launcher:
  # Runs are forked from a warm process (imports, definitions, dbt already loaded) rather than
  # started in a fresh interpreter each: seconds off every upload → dashboard.
  module: orchestration.instance.run_launcher
  class: WarmRunLauncher
"""


#: On PostgreSQL (``CIPD_WAREHOUSE=postgres``) Dagster keeps its runs, events and schedules in the
#: hub's database (dagster-postgres), so the daemon, the webserver and the run workers may run
#: on different hosts. ``postgresql+psycopg2://``: a bare ``postgresql://`` picks psycopg 3, on
#: which dagster-postgres' ``NOTIFY`` fails and runs never start. The hub's SQLite event-log
#: tuning does not apply there; the warm run launcher does.
POSTGRES_STORAGE_YAML = """\
storage:
  postgres:
{connection}
"""


def _postgres_storage(settings: Settings) -> str:
    """Dagster's storage on the hub's database; a password is read from the environment
    (``CIPD_PG_PASSWORD``), never written into dagster.yaml."""
    from storage.engine import sqlalchemy_url

    if not settings.pg_password:
        return POSTGRES_STORAGE_YAML.format(connection=f'    postgres_url: "{sqlalchemy_url(settings)}"')
    return POSTGRES_STORAGE_YAML.format(connection="\n".join([
        "    postgres_db:",
        f'      hostname: "{settings.pg_host}"',
        f"      port: {settings.pg_port}",
        f'      db_name: "{settings.pg_database}"',
        f'      username: "{settings.pg_user}"',
        "      password: {env: CIPD_PG_PASSWORD}",
        "      scheme: postgresql+psycopg2",
    ]))


def dagster_yaml(settings: Settings, event_log_dir: Path) -> str:
    """The instance configuration for these settings (stock, or stock + the fast-run machinery;
    on PostgreSQL, Dagster's storage there and the warm launcher only)."""
    if settings.is_postgres:
        launcher = FAST_RUNS_YAML[FAST_RUNS_YAML.index("run_launcher:"):] if settings.fast_runs else ""
        return STOCK_YAML + _postgres_storage(settings) + launcher
    if not settings.fast_runs:
        return STOCK_YAML
    return STOCK_YAML + FAST_RUNS_YAML.format(event_log_dir=event_log_dir)


def dagster_home(settings: Settings) -> Path:
    return settings.root / "dagster"


def prepare_dagster_home(settings: Settings) -> Path:
    """Create ``CIPD_HOME/dagster`` with its ``dagster.yaml``; returns the directory to export
    as ``DAGSTER_HOME``."""
    home = dagster_home(settings)
    home.mkdir(parents=True, exist_ok=True)
    # Where Dagster's default SQLite event log lives: the same files, whichever class writes them.
    event_log_dir = home / "history" / "runs"
    (home / "dagster.yaml").write_text(dagster_yaml(settings, event_log_dir), encoding="utf-8")
    return home


def initialise_instance(home: Path) -> None:
    """Create the instance's storages (runs, events, schedules) once, in this process.

    Why: ``cipd up`` starts the Dagster daemon and the gateway side by side; on a new home each
    would create the same SQLite databases and stamp their schema version, and two stamps leave
    "more than one head" in ``alembic_version``: the code location then never loads."""
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        instance.get_runs(limit=1)
        instance.all_instigator_state()
        instance.event_log_storage.get_asset_records([])


if __name__ == "__main__":  # pragma: no cover - exercised by `make orchestrate`
    home = prepare_dagster_home(get_settings())
    initialise_instance(home)
    print(home)
    sys.exit(0)
