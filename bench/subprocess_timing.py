"""Time a piece of hub work in a fresh Python process, as the CLI and Dagster's run workers
pay it (imports, dbt's parse), with the bench home's environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from data_contracts.settings import REPO_ROOT, Settings


def environment(settings: Settings) -> dict[str, str]:
    env = dict(os.environ, CIPD_HOME=str(settings.root), PYTHONPATH=str(REPO_ROOT))
    if settings.now is not None:
        env["CIPD_NOW"] = settings.now.isoformat()
    return env


def run_python(code: str, settings: Settings, *, timeout: float = 900) -> tuple[float, dict]:
    """Wall seconds of ``python -c code`` and the JSON object its last output line prints."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], env=environment(settings), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"benchmark step failed ({done.returncode}): {done.stderr[-1500:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return elapsed, json.loads(lines[-1]) if lines else {}


def run_module(module: str, args: list[str], settings: Settings, *, timeout: float = 900) -> tuple[float, dict]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", module, *args], env=environment(settings),
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}): {done.stderr[-1500:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return elapsed, json.loads(lines[-1]) if lines else {}


def copy_file(source: Path, destination: Path) -> Path:
    import shutil

    destination.unlink(missing_ok=True)
    shutil.copyfile(source, destination)
    return destination
