"""Dagster's instance on the hub's PostgreSQL (CIPD_WAREHOUSE=postgres): runs and events in the
database through psycopg2, not in SQLite files under CIPD_HOME."""

from __future__ import annotations

from dagster import DagsterInstance, job, op

from data_contracts.settings import get_settings
from orchestration.instance.dagster_home import prepare_dagster_home


@op
def say_hello() -> str:
    return "bonjour"


@job
def hello():
    say_hello()


def test_dagster_instance_on_postgres_stores_runs_in_the_hub_database(pg_home):
    home = prepare_dagster_home(get_settings())
    text = (home / "dagster.yaml").read_text(encoding="utf-8")
    assert "postgresql+psycopg2://" in text and "HubEventLogStorage" not in text
    with DagsterInstance.from_config(str(home)) as instance:
        result = hello.execute_in_process(instance=instance)
        assert result.success
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert [run.run_id for run in instance.get_runs()] == [result.run_id]
    assert not list(home.rglob("*.db"))


def test_dagster_yaml_on_postgres_reads_a_password_from_the_environment_never_the_file(tmp_path):
    from data_contracts.settings import Settings
    from orchestration.instance.dagster_home import dagster_yaml

    settings = Settings(home=tmp_path, warehouse="postgresql://hub:s3cret@db.example:5433/cipd")
    text = dagster_yaml(settings, tmp_path)
    assert "s3cret" not in text and "password: {env: CIPD_PG_PASSWORD}" in text
    assert "scheme: postgresql+psycopg2" in text and 'hostname: "db.example"' in text
