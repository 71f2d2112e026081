"""P10 — the submission API: a deposit of a one-week file over HTTP, p95 ≤ 250 ms; 101
concurrent deposits (every département at once, each with its own token) all answered ≤ 5 s.

The server is the one ``cipd up`` starts (``python -m api``, its own process, uvicorn) on a
fresh home; the client is httpx in this process, one connection per département as separate
préfecture systems would have. Baseline: the same file through the in-process submit path
(median), so the ratio is what HTTP, authentication, throttling and the call's audit add.
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

from bench.figures import Figure
from bench.homes import BenchHomes, weekly_upload
from bench.timing import percentile, timed
from data_contracts import calendar
from data_contracts.referential import departements

SEQUENTIAL_DEPOSITS = 40
START_TIMEOUT = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(settings, port: int) -> subprocess.Popen:
    env = dict(os.environ, CIPD_HOME=str(settings.root), CIPD_NOW=settings.now.isoformat())
    log = (settings.root / "api.log").open("ab")
    server = subprocess.Popen([sys.executable, "-m", "api", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the API server did not start: see {settings.root / 'api.log'}")


def _deposit(http, content: bytes) -> float:
    elapsed, response = timed(lambda: http.post(
        "/v1/depots/weekly", files={"fichier": ("hebdo.csv", content, "text/csv")}))
    if response.status_code != 201:
        raise RuntimeError(f"API deposit answered {response.status_code}: {response.text[:300]}")
    return elapsed


def _concurrent(clients: dict, files: dict) -> list[float]:
    """Every client deposits its file at the same instant; seconds to each answer."""
    barrier = threading.Barrier(len(clients))
    latencies, errors = [], []

    def one(code):
        barrier.wait()
        try:
            latencies.append(_deposit(clients[code], files[code]))
        except Exception as error:  # noqa: BLE001 - reported after every thread ended
            errors.append(error)

    threads = [threading.Thread(target=one, args=(code,)) for code in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} concurrent deposits failed: {errors[0]}")
    return latencies


def run(homes: BenchHomes) -> list[Figure]:
    import httpx

    from accounts.api_tokens import create_token
    from ingestion.sandbox import warm_up
    from ingestion.submit import submit

    settings = homes.fresh("api")
    codes = list(departements())
    week = calendar.current_week(calendar.now_utc(settings.now))
    tokens = {code: create_token(settings, code, f"banc-{code}")[0] for code in codes}
    port = _free_port()
    server = _start_server(settings, port)
    clients = {code: httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                  headers={"Authorization": f"Bearer {tokens[code]}"}) for code in codes}
    try:
        for code in codes[:3]:  # connections, first requests
            clients[code].get("/v1/echeances")
        sequential = [_deposit(clients[codes[n]], weekly_upload(codes[n], week, n)) * 1000
                      for n in range(SEQUENTIAL_DEPOSITS)]
        burst = _concurrent(clients, {code: weekly_upload(code, calendar.shift_week(week, -1), 0)
                                      for code in codes})
    finally:
        for http in clients.values():
            http.close()
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=30)

    in_process = homes.fresh("api_baseline")
    warm_up(in_process)
    direct = [timed(lambda n=n: submit("weekly", weekly_upload(codes[n], week, n), "hebdo.csv", codes[n],
                                       settings=in_process))[0] * 1000 for n in range(15)]
    return [
        Figure("P10a", "API deposit of a one-week file, p95", percentile(sequential, 95), "ms",
               baseline=statistics.median(direct), baseline_label="in-process submit (median)",
               target_op="<=", target=250, details={"p50_ms": percentile(sequential, 50)}),
        Figure("P10b", "101 concurrent API deposits: last answer", max(burst), "s",
               baseline=statistics.median(sequential) / 1000, baseline_label="one API deposit alone (median)",
               target_op="<=", target=5, details={"p50_s": percentile(burst, 50)}),
    ]
