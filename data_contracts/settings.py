"""One settings object for the whole hub, read from ``CIPD_*`` environment variables.

Everything the hub writes lives under ``CIPD_HOME`` so that a deployment (or a test's
``tmp_path``) is one folder that can be backed up, rebuilt or thrown away as a whole.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from urllib.parse import unquote, urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from data_contracts.calendar import HOLIDAY_POLICIES

HolidayPolicy = Literal[HOLIDAY_POLICIES]  # the list lives in data_contracts.calendar
Warehouse = Literal["duckdb", "postgres"]

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CIPD_", extra="ignore", frozen=True)

    home: Path = Field(default=Path("var"), description="Root of every file the hub writes.")
    holiday_policy: HolidayPolicy = Field(
        default="previous_working_day",
        description="What happens to a Thursday deadline that falls on a public holiday.",
    )
    monthly_deadline_day: int = Field(default=5, ge=1, le=28)
    monthly_deadline_hour: int = Field(default=12, ge=0, le=23)
    max_upload_bytes: int = Field(default=5 * 1024 * 1024, gt=0)
    max_rows: int = Field(default=20_000, gt=0)
    parse_timeout_seconds: float = Field(default=20.0, gt=0)
    parse_memory_bytes: int = Field(default=1024 * 1024 * 1024, gt=0)
    free_text_budget_seconds: float = Field(
        default=10.0, gt=0,
        description="Seconds the sandboxed worker may spend screening one file's free text for "
                    "personal data; a file that needs more is refused.")
    freshness_minutes: int = Field(default=5, gt=0)
    small_count_threshold: int = Field(default=10, ge=0)
    backup_retention: int = Field(default=7, ge=1)
    monthly_report_day: int = Field(default=6, ge=1, le=28)
    monthly_report_hour: int = Field(default=9, ge=0, le=23)
    consistency_tolerance: float = Field(default=0.2, ge=0)
    audit_retention_days: int = Field(
        default=365, ge=1,
        description="Days an audit journal segment stays online before it moves to audit/expired/ "
                    "for off-line archiving (CNIL: 6 to 12 months; docs/audit.md).",
    )
    # The submission API (api/): token lifetime, and how fast one token may call.
    api_token_days: int = Field(default=365, gt=0, description="Lifetime of an API token (cipd tokens create).")
    api_requests_per_minute: int = Field(
        default=60, gt=0, description="Sustained calls per minute one API token may make (429 beyond).")
    api_burst: int = Field(default=20, gt=0, description="Calls one API token may make at once.")
    serving_reader_group: str | None = Field(
        default=None,
        description="Unix group allowed to read serving.duckdb (mode 0640); unset: owner only (0600).",
    )
    fast_runs: bool = Field(
        default=True,
        description="Dagster runs forked from a warm host and a batched event log (private Dagster "
                    "APIs, orchestration/instance/); CIPD_FAST_RUNS=0 writes Dagster's stock "
                    "launcher and storage into dagster.yaml.",
    )
    session_lifetime_seconds: int = Field(
        default=8 * 3600, gt=0,
        description="How long a sign-in lasts, reloads included (local session cookies of the "
                    "dashboards and of the operator gateway, ProConnect identities); real clock.",
    )
    # Frozen clock for demos and tests ("as if it were ..."); None means the real clock.
    now: datetime | None = None
    # The warehouse engine: one DuckDB file under CIPD_HOME (default, no server), or a
    # PostgreSQL database (``postgres`` with the CIPD_PG_* settings, or a postgresql:// URL
    # that fills them). docs/deployment.md says what runs where.
    warehouse: Warehouse = "duckdb"
    pg_host: str = Field(default="localhost", description="Host name, or the unix socket's directory.")
    pg_port: int = Field(default=5432, gt=0)
    pg_database: str = "cipd"
    # The owner role: the loader, dbt and publish write with it (schemas raw, staging, marts…).
    pg_user: str = "cipd_owner"
    pg_password: str = ""
    # The select-only role the dashboards and documents read the published marts with.
    pg_reader_user: str = "cipd_reader"
    pg_reader_password: str = ""

    @model_validator(mode="before")
    @classmethod
    def _postgres_url(cls, values: dict) -> dict:
        """``CIPD_WAREHOUSE=postgresql://user:password@host:port/database`` is the same as
        ``postgres`` with those CIPD_PG_* settings (a host ``%2F...`` or ``?host=`` names a
        unix socket's directory)."""
        url = str(values.get("warehouse") or "")
        if not url.startswith(("postgres://", "postgresql://")):
            return values
        parts = urlsplit(url)
        query = dict(item.split("=", 1) for item in parts.query.split("&") if "=" in item)
        found = {"pg_host": unquote(query.get("host") or parts.hostname or "") or None,
                 "pg_port": parts.port, "pg_database": parts.path.lstrip("/") or None,
                 "pg_user": unquote(parts.username) if parts.username else None,
                 "pg_password": unquote(parts.password) if parts.password else None}
        return {**values, "warehouse": "postgres",
                **{key: value for key, value in found.items() if value is not None}}

    @property
    def is_postgres(self) -> bool:
        return self.warehouse == "postgres"

    @cached_property
    def root(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def landing_dir(self) -> Path:
        return self.root / "landing"

    @property
    def quarantine_dir(self) -> Path:
        return self.root / "quarantine"

    @property
    def warehouse_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def serving_path(self) -> Path:
        return self.root / "serving.duckdb"

    @property
    def lock_path(self) -> Path:
        return self.root / "warehouse.lock"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def backups_dir(self) -> Path:
        return self.root / "backups"

    @property
    def benchmark_scale_path(self) -> Path:
        """Written only by ``cipd demo --scale N`` (synthetic twins for benchmarks)."""
        return self.root / "benchmark_scale.json"

    def benchmark_scale(self) -> int:
        """The scale ``cipd demo --scale`` gave this warehouse (1: real data only). Read by the
        build (dbt var ``benchmark_units_per_departement``) without importing the demo."""
        try:
            return int(json.loads(self.benchmark_scale_path.read_text(encoding="utf-8"))["scale"])
        except (FileNotFoundError, ValueError, KeyError, TypeError):
            return 1

    @property
    def dbt_target_dir(self) -> Path:
        return self.root / "dbt" / "target"

    @property
    def dbt_log_dir(self) -> Path:
        return self.root / "dbt" / "logs"

    def ensure_dirs(self) -> None:
        for path in (self.landing_dir, self.quarantine_dir, self.reports_dir, self.backups_dir):
            path.mkdir(parents=True, exist_ok=True)


def get_settings() -> Settings:
    """The settings of the current environment: built again whenever a ``CIPD_*`` variable
    (or the working directory, which a relative ``CIPD_HOME`` depends on) changes, so tests
    change the environment freely. Building them costs milliseconds (pydantic-settings reads
    and validates every field) and a dashboard page asks a dozen times per render."""
    key = (os.getcwd(), tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith("CIPD_"))))
    return _settings_for(key)


@lru_cache(maxsize=16)
def _settings_for(_environment: tuple) -> Settings:
    return Settings()
