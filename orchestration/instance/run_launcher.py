"""The hub's Dagster run launcher: each run is a fork of a warm process, not a fresh interpreter.

Dagster's ``DefaultRunLauncher`` asks the code server to spawn a new Python per run; that run
then imports Dagster, dagster-dbt and dbt and loads the definitions before its first step. On
this hub that start-up was a third of the upload → dashboard latency. :class:`WarmRunLauncher`
keeps one :mod:`orchestration.instance.run_host` beside the daemon (started at the first launch, warm
from then on) and has it fork a child per run; the child runs ``dagster api execute_run``, the
same command Dagster's container launchers run, so everything after the launch is Dagster's.

What stays as it was: the run queue and its tag limit (one warehouse writer), the concurrency
pools, the warehouse lock, run events and logs. A run whose interpreter differs from the
daemon's, or started while no warm host can be had, gets a fresh ``dagster api execute_run``
process instead. Termination sends SIGTERM to the run's process (its pid is a run tag), which
Dagster's run worker turns into an orderly interruption.

``orchestration.instance.dagster_home`` names this class in ``dagster.yaml``.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from dagster._core.errors import DagsterLaunchFailedError
from dagster._core.launcher.base import LaunchRunContext, RunLauncher
from dagster._grpc.types import ExecuteRunArgs
from dagster._serdes import ConfigurableClass, ConfigurableClassData, serialize_value

#: Run tag holding the pid of the run's process (what ``terminate`` signals).
RUN_PID_TAG = "cipd/run_pid"
#: The first launch waits this long for the host's warm-up (imports, dbt parse) at most.
READY_TIMEOUT_SECONDS = 300.0
#: A warm host answers a request with the forked pid in milliseconds.
ANSWER_TIMEOUT_SECONDS = 60.0
#: After a host failed to warm up, runs get fresh processes for this long before a new try.
RETRY_HOST_AFTER_SECONDS = 600.0


class _Host:
    """One :mod:`orchestration.instance.run_host` process and its pipes (JSON lines)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "orchestration.instance.run_host"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True)
        self._pending = b""

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, message: Mapping[str, Any]) -> None:
        self.process.stdin.write(json.dumps(message).encode("utf-8") + b"\n")
        self.process.stdin.flush()

    def receive(self, timeout: float) -> dict | None:
        """The host's next message, or None if it ended or stayed silent ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        fd = self.process.stdout.fileno()
        while True:
            while b"\n" in self._pending:
                line, self._pending = self._pending.split(b"\n", 1)
                try:
                    return json.loads(line)
                except ValueError:
                    continue  # not the protocol's (the host sends its logs to stderr)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            readable, _, _ = select.select([fd], [], [], remaining)
            if readable:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return None
                self._pending += chunk

    def stop(self) -> None:
        """End the host (not its runs: they are separate processes and go on)."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=10)


class WarmRunLauncher(RunLauncher, ConfigurableClass):
    """Launches each run as a fork of a warm :mod:`orchestration.instance.run_host`."""

    def __init__(self, inst_data: ConfigurableClassData | None = None):
        self._inst_data = inst_data
        self._lock = threading.Lock()
        self._host: _Host | None = None
        self._host_failed_at: float | None = None
        self._fresh_processes: list[subprocess.Popen] = []
        super().__init__()

    @property
    def inst_data(self) -> ConfigurableClassData | None:
        return self._inst_data

    @classmethod
    def config_type(cls) -> dict:
        return {}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]):
        return cls(inst_data=inst_data)

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        origin = run.job_code_origin
        if origin is None:
            raise DagsterLaunchFailedError(f"Run {run.run_id} has no code origin to execute.")
        args = ExecuteRunArgs(job_origin=origin, run_id=run.run_id, instance_ref=self._instance.get_ref())
        pid = self._fork(args) if origin.executable_path == sys.executable else None
        if pid is None:
            pid = self._fresh_process(args)
        self._instance.add_run_tags(run.run_id, {RUN_PID_TAG: str(pid)})

    def _fork(self, args: ExecuteRunArgs) -> int | None:
        """The pid of the run forked by the warm host; None when no host can take it (nothing
        was started then, so a fresh process may)."""
        with self._lock:
            for _ in range(2):  # a stale host is replaced once
                host = self._warm_host()
                if host is None:
                    return None
                try:
                    host.send({"args": serialize_value(args)})
                except OSError:
                    self._drop_host()  # it died before reading the request: nothing forked
                    return None
                answer = host.receive(ANSWER_TIMEOUT_SECONDS)
                if answer is None:
                    self._drop_host()
                    raise DagsterLaunchFailedError(
                        f"The warm run host did not answer for run {args.run_id} within "
                        f"{ANSWER_TIMEOUT_SECONDS:.0f} s (it may or may not have started it).")
                if "pid" in answer:
                    return int(answer["pid"])
                self._drop_host()
                if not answer.get("stale"):
                    return None  # the host refused to fork (see its "error" in the daemon log)
            return None

    def _warm_host(self) -> _Host | None:
        if self._host is not None and self._host.alive():
            return self._host
        self._host = None
        if self._host_failed_at is not None and time.monotonic() - self._host_failed_at < RETRY_HOST_AFTER_SECONDS:
            return None
        host = _Host()
        if (host.receive(READY_TIMEOUT_SECONDS) or {}).get("ready"):
            self._host, self._host_failed_at = host, None
            return host
        host.stop()
        self._host_failed_at = time.monotonic()
        return None

    def _drop_host(self) -> None:
        if self._host is not None:
            self._host.stop()
            self._host = None

    def _fresh_process(self, args: ExecuteRunArgs) -> int:
        """``dagster api execute_run`` in a new interpreter (the run's own executable)."""
        self._fresh_processes = [p for p in self._fresh_processes if p.poll() is None]
        command = [args.job_origin.executable_path, "-m", "dagster", "api", "execute_run", serialize_value(args)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, close_fds=True)
        self._fresh_processes.append(process)
        return process.pid

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            return False
        self._instance.report_run_canceling(run)
        pid = run.tags.get(RUN_PID_TAG)
        if pid is None:
            self._instance.report_engine_event("No process recorded for this run: nothing to stop.",
                                               run, cls=self.__class__)
            return False
        try:
            os.kill(int(pid), signal.SIGTERM)
        except ProcessLookupError:
            return False
        return True

    def dispose(self) -> None:
        with self._lock:
            self._drop_host()
