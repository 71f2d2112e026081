"""The warm run launcher for real: runs forked from the warm host, the fresh-process fallback,
termination, and the host's refusal to run code older than the files on disk."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance, DagsterRunStatus, reconstructable
from dagster._core.launcher.base import LaunchRunContext

from data_contracts.settings import Settings
from orchestration.instance import run_host
from orchestration.instance.dagster_home import prepare_dagster_home
from orchestration.instance.run_launcher import RUN_PID_TAG, WarmRunLauncher
from warm_run_jobs import marker_job, slow_job

RUN_TIMEOUT = 120


@pytest.fixture(scope="module")
def hub_instance(tmp_path_factory):
    """A hub's Dagster instance (its dagster.yaml names the warm launcher), shared by the tests
    so the host warms up once."""
    settings = Settings(home=tmp_path_factory.mktemp("launcher") / "cipd_home")
    home = prepare_dagster_home(settings)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CIPD_HOME", str(settings.root))
        patch.setenv("DAGSTER_HOME", str(home))
        # The run worker imports warm_run_jobs again, as a run imports its code location.
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(Path(__file__).parent),
                                                                os.environ.get("PYTHONPATH")])))
        with DagsterInstance.from_config(str(home)) as instance:
            yield instance
            instance.run_launcher.dispose()


def marker_path() -> Path:
    return Path(os.environ["CIPD_HOME"]) / "run_marker.txt"


def launch(instance: DagsterInstance, job_def):
    marker_path().unlink(missing_ok=True)
    run = instance.create_run_for_job(job_def=job_def,
                                      job_code_origin=reconstructable(job_def).get_python_origin())
    instance.run_launcher.launch_run(LaunchRunContext(dagster_run=run, workspace=None))
    return run.run_id


def wait_for(instance: DagsterInstance, run_id: str, statuses) -> DagsterRunStatus:
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        status = instance.get_run_by_id(run_id).status
        if status in statuses:
            return status
        time.sleep(0.2)
    pytest.fail(f"run {run_id} still {status} after {RUN_TIMEOUT} s")


def marker() -> tuple[int, int]:
    """(pid, parent pid) of the process that ran the last marker_job."""
    pid, parent = marker_path().read_text(encoding="utf-8").split()
    return int(pid), int(parent)


def test_the_instance_launches_runs_with_the_warm_launcher(hub_instance):
    assert isinstance(hub_instance.run_launcher, WarmRunLauncher)


def test_a_run_is_forked_from_the_warm_host_and_succeeds(hub_instance):
    run_id = launch(hub_instance, marker_job)
    assert wait_for(hub_instance, run_id, {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE}) == DagsterRunStatus.SUCCESS
    pid, parent = marker()
    host = hub_instance.run_launcher._host
    assert host is not None and parent == host.process.pid
    assert hub_instance.get_run_by_id(run_id).tags[RUN_PID_TAG] == str(pid)


def test_without_a_warm_host_a_fresh_process_runs_it(hub_instance, monkeypatch):
    monkeypatch.setattr(hub_instance.run_launcher, "_warm_host", lambda: None)
    run_id = launch(hub_instance, marker_job)
    assert wait_for(hub_instance, run_id, {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE}) == DagsterRunStatus.SUCCESS
    pid, parent = marker()
    assert parent == os.getpid()  # started by the launcher itself, not by the host


def test_terminating_a_run_stops_its_process(hub_instance):
    run_id = launch(hub_instance, slow_job)
    wait_for(hub_instance, run_id, {DagsterRunStatus.STARTED})
    time.sleep(1)  # let the op begin
    assert hub_instance.run_launcher.terminate(run_id)
    assert wait_for(hub_instance, run_id, {DagsterRunStatus.CANCELED, DagsterRunStatus.FAILURE,
                                           DagsterRunStatus.SUCCESS}) == DagsterRunStatus.CANCELED


def test_a_host_whose_code_changed_on_disk_refuses_to_fork():
    answer = run_host.handle({"args": "unused"}, run_host.source_fingerprint() - 1, io.StringIO())
    assert answer == {"stale": True}


def test_the_fingerprint_moves_when_a_dbt_project_file_changes(monkeypatch, tmp_path):
    project = tmp_path / "dbt_project"
    (project / "models").mkdir(parents=True)
    model = project / "models" / "m.sql"
    model.write_text("select 1", encoding="utf-8")
    monkeypatch.setattr(run_host, "DBT_PROJECT_DIR", project)
    os.utime(model, ns=(4_000_000_000_000_000_000, 4_000_000_000_000_000_000))
    before = run_host.source_fingerprint()
    os.utime(model, ns=(4_000_000_000_000_000_001, 4_000_000_000_000_000_001))
    assert run_host.source_fingerprint() == before + 1
