"""The landing job runs through Dagster's own daemon both ways: with the hub's warm run launcher
and event log (``CIPD_FAST_RUNS`` on, the default) and with Dagster's stock launcher and storage
(``CIPD_FAST_RUNS=0``). The fence around the private-API machinery must leave a working hub on
either side: an upload reaches the published marts by the sensor alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import DagsterInstance
from dagster._core.launcher.default_run_launcher import DefaultRunLauncher

from data_contracts.settings import Settings
from landing_scenario import FROZEN_NOW, send_weekly
from orchestration.instance.dagster_home import prepare_dagster_home
from orchestration.instance.event_log import HubEventLogStorage
from orchestration.instance.run_launcher import WarmRunLauncher
from orchestration.warehouse.publication import published_submission_ids

REPO = Path(__file__).resolve().parents[2]
PUBLISH_TIMEOUT = 360


@pytest.fixture(params=[True, False], ids=["fast-runs", "stock-dagster"])
def hub_home(request, tmp_path) -> tuple[Settings, dict[str, str]]:
    settings = Settings(home=tmp_path / "cipd_home", now=FROZEN_NOW, fast_runs=request.param)
    env = {**os.environ, "CIPD_HOME": str(settings.root), "CIPD_NOW": FROZEN_NOW.isoformat(),
           "CIPD_FAST_RUNS": "1" if request.param else "0",
           "DAGSTER_HOME": str(prepare_dagster_home(settings))}
    return settings, env


def _stop(daemon: subprocess.Popen) -> None:
    """SIGINT to the daemon's group (what Ctrl-C sends), then SIGKILL whatever is left."""
    for sig, wait in ((signal.SIGINT, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(daemon.pid, sig)
            daemon.wait(wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def test_dagster_home_names_the_hub_machinery_only_with_fast_runs(hub_home):
    settings, env = hub_home
    with DagsterInstance.from_config(env["DAGSTER_HOME"]) as instance:
        launcher = WarmRunLauncher if settings.fast_runs else DefaultRunLauncher
        assert type(instance.run_launcher) is launcher
        assert isinstance(instance.event_log_storage, HubEventLogStorage) == settings.fast_runs


def test_landing_job_publishes_an_upload_through_the_daemon_with_either_launcher(hub_home):
    settings, env = hub_home
    receipt = send_weekly(settings, "69", "2026-W47")
    log = (settings.root / "daemon.log").open("wb")
    daemon = subprocess.Popen([str(Path(sys.executable).with_name("dagster-daemon")), "run",
                               "-m", "orchestration.defs.definitions"],
                              cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + PUBLISH_TIMEOUT
        while receipt.submission_id not in published_submission_ids(settings):
            assert daemon.poll() is None, (settings.root / "daemon.log").read_text(errors="replace")[-3000:]
            if time.monotonic() > deadline:
                pytest.fail("the upload was not published in time:\n"
                            + (settings.root / "daemon.log").read_text(errors="replace")[-3000:])
            time.sleep(1)
    finally:
        _stop(daemon)
        log.close()
