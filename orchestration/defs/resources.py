"""Dagster resources and the one ``DbtProject``.

There is one warehouse setting: ``CIPD_HOME``. dbt's ``profiles.yml`` reads it
(``{{ env_var('CIPD_HOME') }}/warehouse.duckdb``), the Python code reads it through
``data_contracts.settings``, and :class:`HubResource` hands those settings to assets, sensors and
checks. The dbt manifest that describes the lineage is built under ``CIPD_HOME`` too, never in
the repository.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from dagster import ConfigurableResource
from dagster_dbt import DbtProject

from data_contracts.settings import DBT_PROJECT_DIR, Settings, get_settings

#: Files whose change means the manifest (the lineage Dagster shows) must be re-parsed.
_DBT_SOURCE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md"}


class HubResource(ConfigurableResource):
    """The hub's settings. Left empty, ``home`` and ``now`` come from ``CIPD_HOME`` and
    ``CIPD_NOW`` at run time (``build()`` hands the same home to dbt's profile, so Dagster and
    dbt always name the same warehouse); tests set them explicitly instead of the environment."""

    home: str = ""
    now: str = ""

    def settings(self) -> Settings:
        overrides = {key: value for key, value in (("home", self.home), ("now", self.now)) if value}
        return Settings(**overrides) if overrides else get_settings()


def manifest_dir(settings: Settings) -> Path:
    """Where Dagster's copy of the dbt manifest lives: beside dbt's own target directory, not
    inside it, so a ``dagster dev`` reload never races a running ``dbt build``."""
    return settings.root / "dbt" / "dagster"


@lru_cache(maxsize=4)
def dbt_project(settings: Settings) -> DbtProject:
    """The dbt project, with its manifest parsed once and re-parsed only when a model, macro,
    seed or YAML file is newer than it.

    Deliberately not ``prepare_if_dev()``: ``dagster dev`` exports ``DAGSTER_IS_DEV_CLI`` to
    every run worker, so each sensor run would pay a ``dbt parse`` (seconds) before ingesting.
    And the parse runs in-process like the builds (``dbt`` need not be on ``PATH``).
    """
    target_dir = manifest_dir(settings)
    project = DbtProject(project_dir=DBT_PROJECT_DIR, target_path=target_dir)
    if manifest_is_stale(project.manifest_path):
        parse_manifest(settings, target_dir)
    return project


def parse_manifest(settings: Settings, target_dir: Path) -> Path:
    from orchestration.warehouse.build import dbt_args, run_dbt

    args = dbt_args("parse", settings)
    args[args.index("--target-path") + 1] = str(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    run_dbt(args, settings)
    return target_dir / "manifest.json"


def dbt_source_files(project_dir: Path = DBT_PROJECT_DIR) -> list[Path]:
    """The dbt project's models, macros, seeds and YAML: what a parse reads."""
    return [path for path in project_dir.rglob("*")
            if path.suffix in _DBT_SOURCE_SUFFIXES and "target" not in path.parts]


def manifest_is_stale(manifest_path: Path) -> bool:
    if not manifest_path.exists():
        return True
    built = manifest_path.stat().st_mtime_ns
    return any(path.stat().st_mtime_ns > built for path in dbt_source_files())
