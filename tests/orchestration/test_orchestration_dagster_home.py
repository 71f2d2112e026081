"""The Dagster instance config written under CIPD_HOME is valid and serialises writers."""

from __future__ import annotations

from dagster import DagsterInstance

from data_contracts.settings import Settings
from orchestration.instance.dagster_home import prepare_dagster_home


def test_dagster_home_lives_under_cipd_home_and_loads(tmp_path):
    settings = Settings(home=tmp_path / "cipd_home")
    home = prepare_dagster_home(settings)
    assert home == settings.root / "dagster" and (home / "dagster.yaml").exists()
    with DagsterInstance.from_config(str(home)) as instance:
        # What the run-queue daemon reads before dequeuing a run.
        concurrency = instance.get_concurrency_config()
        limits = concurrency.run_queue_config.tag_concurrency_limits
        assert {"key": "cipd/warehouse", "value": "write", "limit": 1} in limits
        assert concurrency.pool_config.default_pool_limit == 1
        assert instance.run_coordinator.dequeue_interval_seconds == 1
