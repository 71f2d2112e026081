"""P6 — burst: 101 concurrent submits (every département at once) all answered within 5 s;
1,000 uploads arriving within 50 s all answered within 60 s, p95 receipt ≤ 2 s.

Open loop, as agents clicking in 101 préfectures do: each upload arrives at its planned
instant whether or not earlier ones are answered, and its receipt time is measured from that
arrival (queueing shows, it cannot hide). Submits run on threads of this process, as the
upload page's requests do in the Streamlit server. Baseline: the same submit, one at a time.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from bench.figures import Figure
from bench.homes import BenchHomes, next_received_at, weekly_upload
from bench.timing import percentile, timed
from data_contracts import calendar
from data_contracts.referential import departements

LARGE_BURST = 1000
LARGE_WINDOW_SECONDS = 50.0
SEQUENTIAL_SAMPLES = 15


def _send(settings, departement: str, week: str, version: int):
    from ingestion.submit import submit

    receipt = submit("weekly", weekly_upload(departement, week, version), f"hebdo_{departement}.csv",
                     departement, settings=settings, received_at=next_received_at())
    if receipt.status != "accepted":
        raise RuntimeError(f"burst upload refused: {[str(e) for e in receipt.errors][:2]}")


def open_loop(settings, uploads: list[tuple[float, str, str, int]], workers: int) -> list[float]:
    """Send each (arrival second, département, week, version) at its arrival; seconds from
    arrival to receipt, per upload."""
    start = time.perf_counter() + 0.2
    latencies: list[float] = []
    lock = threading.Lock()

    def one(upload):
        arrival, departement, week, version = upload
        delay = start + arrival - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        _send(settings, departement, week, version)
        with lock:
            latencies.append(time.perf_counter() - (start + arrival))

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(one, u) for u in uploads]:
            future.result()
    return latencies


def run(homes: BenchHomes) -> list[Figure]:
    from ingestion.sandbox import warm_up

    settings = homes.fresh("burst")
    warm_up(settings)
    now = calendar.now_utc(settings.now)
    week = calendar.current_week(now)
    codes = list(departements())
    sequential = [timed(lambda n=n: _send(settings, codes[n], calendar.shift_week(week, -20), n))[0]
                  for n in range(SEQUENTIAL_SAMPLES)]
    service = statistics.median(sequential)

    burst = open_loop(settings, [(0.0, code, week, 1) for code in codes], workers=len(codes))

    rng = random.Random(2014)
    weeks = [calendar.shift_week(week, -n) for n in range(1, 11)]
    plan = sorted((rng.uniform(0, LARGE_WINDOW_SECONDS), code, w, 2)
                  for w in weeks for code in codes)[:LARGE_BURST]
    started = time.perf_counter()
    large = open_loop(settings, plan, workers=200)
    total = time.perf_counter() - started
    return [
        Figure("P6a", "101 concurrent submits: last receipt", max(burst), "s",
               baseline=service, baseline_label="one submit alone (median)",
               target_op="<=", target=5, details={"p50_s": percentile(burst, 50)}),
        Figure("P6b", "1,000 uploads in 50 s: all answered after", total, "s",
               baseline=service * LARGE_BURST, baseline_label="1,000 × one submit alone",
               target_op="<=", target=60),
        Figure("P6c", "1,000 uploads in 50 s: receipt p95", percentile(large, 95), "s",
               baseline=service, baseline_label="one submit alone (median)",
               target_op="<=", target=2, details={"p50_s": percentile(large, 50), "max_s": max(large)}),
    ]
