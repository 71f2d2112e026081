"""The first-run path as a newcomer lives it: ``cipd up`` (what ``make run`` calls) brings up the
demo warehouse, the dashboards and Dagster; a file sent with ``cipd submit`` reaches the served
marts through the Dagster sensor alone; Ctrl-C leaves no process behind."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import httpx
import pytest

BIN = Path(sys.executable).parent
START_TIMEOUT = 420
FRESH_TIMEOUT = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def processes_using(home: Path) -> list[int]:
    """PIDs whose environment names this CIPD_HOME: everything `cipd up` started."""
    marker = f"CIPD_HOME={home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def served_value(serving: Path, sql: str):
    try:
        with duckdb.connect(str(serving), read_only=True) as con:
            return con.execute(sql).fetchone()
    except duckdb.Error:
        return None  # being replaced by a publish: ask again


@pytest.fixture
def hub(tmp_path, now):
    home = tmp_path / "home"
    env = dict(os.environ, CIPD_HOME=str(home), CIPD_NOW=now.isoformat(), PYTHONUNBUFFERED="1")
    port, dagster_port = free_port(), free_port()
    log = (tmp_path / "up.log").open("w+")
    process = subprocess.Popen(
        [str(BIN / "cipd"), "up", "--weeks", "1", "--no-history",
         "--port", str(port), "--dagster-port", str(dagster_port), "--api-port", str(free_port())],
        env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    output = ""
    while time.monotonic() < deadline and process.poll() is None:
        output = (tmp_path / "up.log").read_text(errors="replace")
        if "Ctrl-C pour tout arrêter." in output:
            break
        time.sleep(1)
    try:
        assert "Ctrl-C pour tout arrêter." in output, f"cipd up did not come up:\n{output[-3000:]}"
        yield {"home": home, "env": env, "port": port, "dagster_port": dagster_port,
               "process": process, "log": tmp_path / "up.log"}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for pid in processes_using(home):  # never leave a stray process behind, even on failure
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def test_make_run_path_serves_the_demo_and_an_upload_appears_by_itself(hub, tmp_path):
    home, port = hub["home"], hub["port"]
    output = hub["log"].read_text()
    assert "demo-national" in output and "demo-departement" in output  # accounts are printed

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
        assert response.status == 200
    # Dagster only behind the hub's sign-in (docs/operator_plane.md), on the port cipd up printed
    dagster = f"http://127.0.0.1:{hub['dagster_port']}"
    runs = {"query": "{ runsOrError { __typename } }"}
    assert httpx.post(f"{dagster}/graphql", json=runs, timeout=10).status_code == 401
    admin_password = re.search(r"demo-admin\s+(\S+)\s+rôle admin", output).group(1)
    with httpx.Client(base_url=dagster, timeout=30) as admin:
        admin.post("/_cipd/sign-in", data={"login": "demo-admin", "password": admin_password})
        assert admin.post("/graphql", json=runs).json()["data"]["runsOrError"]["__typename"] == "Runs"
    serving = home / "serving.duckdb"
    assert served_value(serving, "select count(*) from marts.dim_departement") == (101,)
    assert served_value(
        serving, "select count(distinct departement_code) from marts.fct_weekly_reports "
                 "where week_code = '2026-W48'") == (101,)

    # A préfecture agent sends this week's report from French Excel (cp1252, ';', CRLF).
    csv = ("departement;semaine;signalements_cnapr;signalements_locaux;dont_mineurs;"
           "orientations_judiciaires;suivis_en_cours;suivis_clos;familles_accompagnees;commentaire\r\n"
           "13;2026-W48;4321;5;3;1;900;2;40;Réunion élargie\r\n").encode("cp1252")
    upload = tmp_path / "rapport_13.csv"
    upload.write_bytes(csv)
    submitted = subprocess.run([str(BIN / "cipd"), "submit", "weekly", str(upload), "--departement", "13"],
                               env=hub["env"], capture_output=True, text=True, timeout=120)
    assert submitted.returncode == 0, submitted.stdout + submitted.stderr
    assert "ACCEPTÉ" in submitted.stdout

    deadline = time.monotonic() + FRESH_TIMEOUT
    seen = None
    while time.monotonic() < deadline:
        seen = served_value(serving, "select signalements_cnapr from marts.fct_weekly_reports "
                                     "where departement_code = '13' and week_code = '2026-W48'")
        if seen == (4321,):
            break
        time.sleep(2)
    assert seen == (4321,), f"the upload never reached the served marts:\n{hub['log'].read_text()[-2000:]}"

    # Ctrl-C stops everything cleanly.
    os.killpg(hub["process"].pid, signal.SIGINT)
    assert hub["process"].wait(timeout=90) == 0
    time.sleep(1)
    assert processes_using(home) == []
