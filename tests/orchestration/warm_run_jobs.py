"""Two tiny jobs the run-launcher tests start for real (importable: a run loads its job again).
In-process executor: the op runs in the run worker itself, whose pid the test checks."""

from __future__ import annotations

import os
import time
from pathlib import Path

from dagster import in_process_executor, job, op


@op
def write_marker() -> None:
    """Leaves the run worker's pid and parent where the test can read them."""
    marker = Path(os.environ["CIPD_HOME"]) / "run_marker.txt"
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{os.getpid()} {os.getppid()}", encoding="utf-8")


@op
def wait_a_minute() -> None:
    time.sleep(60)


@job(executor_def=in_process_executor)
def marker_job():
    write_marker()


@job(executor_def=in_process_executor)
def slow_job():
    wait_a_minute()
