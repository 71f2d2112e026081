"""Hostile files cost a clean rejection, never the calling process."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from data_contracts.settings import get_settings
from ingestion.sandbox import parse_file, pool_for
from ingestion.submit import submit
from ingestion_helpers import FIXTURES, WEEKLY, to_csv

HOSTILE = {
    "corner_cells.xlsx": "file_too_complex",
    "zip_bomb.xlsx": "file_too_complex",
    "billion_laughs.xlsx": "unsafe_file",
    "deep_array.json": "too_deep",
}

_CALAMINE_DIRECT = """
import io, sys
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_filelike(io.BytesIO(open(sys.argv[1], "rb").read()))
book.get_sheet_by_index(0).to_python()
"""


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, resource.RLIM_INFINITY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def test_the_corner_cells_file_really_aborts_calamine():
    """Why the sandbox exists: read directly, this 1.5 KB file kills the process (SIGABRT)."""
    path = FIXTURES / "corner_cells.xlsx"
    assert path.stat().st_size < 2048
    done = subprocess.run([sys.executable, "-c", _CALAMINE_DIRECT, str(path)], capture_output=True,
                          preexec_fn=_limit_memory, timeout=120)
    assert done.returncode != 0


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_rejected_and_the_caller_survives(name, settings):
    receipt = submit("weekly", (FIXTURES / name).read_bytes(), name, "13", settings=settings)
    assert [e.code for e in receipt.errors] == [HOSTILE[name]]
    # the same process, and the same pool, still serve a good file
    ok = submit("weekly", to_csv([WEEKLY]), "ok.csv", "13", settings=settings)
    assert ok.status == "accepted"


def _limits(pid: int) -> dict[str, str]:
    lines = open(f"/proc/{pid}/limits").read().splitlines()[1:]
    return {line[:26].strip(): line[26:].split()[0] for line in lines}


def test_workers_run_with_memory_cpu_and_core_limits(settings):
    parse_file(to_csv([WEEKLY]), "ok.csv", "weekly", settings)
    worker = pool_for(settings)._idle.queue[-1]
    limits = _limits(worker.process.pid)
    assert int(limits["Max address space"]) == settings.parse_memory_bytes
    assert limits["Max core file size"] == "0"
    assert limits["Max cpu time"] != "unlimited"


def test_a_worker_killed_between_files_is_replaced(settings):
    parse_file(to_csv([WEEKLY]), "ok.csv", "weekly", settings)
    pool = pool_for(settings)
    victim = pool._idle.queue[-1]
    os.kill(victim.process.pid, signal.SIGKILL)
    victim.process.wait()
    first = parse_file(to_csv([WEEKLY]), "ok.csv", "weekly", settings)
    assert [e.code for e in first.errors] == ["unreadable_file"]
    again = parse_file(to_csv([WEEKLY]), "ok.csv", "weekly", settings)
    assert again.ok and again.rows


def test_a_parse_over_the_time_limit_is_killed(cipd_home, monkeypatch):
    monkeypatch.setenv("CIPD_PARSE_TIMEOUT_SECONDS", "0.000001")
    hurried = get_settings()
    table = parse_file(to_csv([WEEKLY] * 2000), "big.csv", "weekly", hurried)
    assert [e.code for e in table.errors] == ["parse_timeout"]
    monkeypatch.delenv("CIPD_PARSE_TIMEOUT_SECONDS")
    assert parse_file(to_csv([WEEKLY]), "ok.csv", "weekly", get_settings()).ok


def test_a_worker_that_cannot_even_start_is_a_rejection(cipd_home, monkeypatch):
    monkeypatch.setenv("CIPD_PARSE_MEMORY_BYTES", str(8 * 1024 * 1024))
    starved = get_settings()
    table = parse_file(to_csv([WEEKLY]), "ok.csv", "weekly", starved)
    assert [e.code for e in table.errors] == ["unreadable_file"]


def test_warm_up_starts_a_worker_before_the_first_file(settings):
    from ingestion.sandbox import warm_up

    warm_up(settings)
    pool = pool_for(settings)
    assert pool._idle.qsize() >= 1
    start = time.perf_counter()
    assert parse_file(to_csv([WEEKLY]), "ok.csv", "weekly", settings).ok
    assert time.perf_counter() - start < 0.2
