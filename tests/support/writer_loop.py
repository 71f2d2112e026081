"""The hub's writing side during the burst tests, run as its own process (as a Dagster run is):
load the landed uploads, ``dbt build``, publish — again and again until a stop file appears.

Each phase is announced on one line of a status file (``<unix time> <pid> <phase> <max rss
KiB>``) so the test knows where its SIGKILL landed; ``rss`` lines, twice a second, tell how
much memory a writer used up to its end, however it ended.

Usage: ``python writer_loop.py STATUS_FILE STOP_FILE`` (CIPD_HOME and CIPD_NOW from the
environment).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from peak_memory import peak_kib, reset_peak

#: The status lines that report memory only (not a phase).
RSS = "rss"


def mark(status: Path, phase: str) -> None:
    line = f"{time.time():.6f} {os.getpid()} {phase} {peak_kib()}\n".encode()
    descriptor = os.open(status, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def watch_memory(status: Path, every: float = 0.5) -> None:
    """Report the peak resident memory twice a second: a SIGKILL leaves no last word."""
    while True:
        mark(status, RSS)
        time.sleep(every)


def main(status: Path, stop: Path) -> int:
    reset_peak()  # the exec'd writer would otherwise report its launcher's peak
    mark(status, "start")
    threading.Thread(target=watch_memory, args=(status,), daemon=True).start()
    from data_contracts.settings import get_settings
    from ingestion.loader import ingest_pending
    from orchestration.warehouse.build import build
    from orchestration.warehouse.publish import publish

    settings = get_settings()
    while True:
        mark(status, "ingest")
        ingest_pending(settings)
        mark(status, "build")
        built = build(settings, unit_tests=False)
        if built.success:
            mark(status, "publish")
            publish(settings)
        else:
            mark(status, "build_failed")
        mark(status, "idle")
        if stop.exists():
            return 0 if built.success else 1
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
