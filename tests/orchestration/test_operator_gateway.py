"""The operator plane: Dagster's GraphQL API through the gateway (``python -m
orchestration.gateway``, a real server on a loopback port) refuses anonymous and non-admin
callers, and every mutation of a signed-in admin is in the hub's audit journal."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from accounts import users
from data_contracts.settings import REPO_ROOT, Settings
from storage import audit

HERE = Path(__file__).resolve().parent
ADMIN, ADMIN_PASSWORD = "exploitant", "mot-de-passe-admin"
READER, READER_PASSWORD = "analyste", "mot-de-passe-lecteur"
RUNS = "{ runsOrError { __typename } }"
LOCATION = "gateway_workspace"
SELECTOR = {"repositoryLocationName": LOCATION, "repositoryName": "__repository__"}
STOP_SENSOR = ("mutation Stop($id: String!) { stopSensor(id: $id) { __typename } }")
START_SENSOR = ("mutation Start($s: SensorSelector!) { startSensor(sensorSelector: $s) "
                "{ __typename } }")
LAUNCH = ("mutation Launch($p: ExecutionParams!) { launchRun(executionParams: $p) "
          "{ __typename } }")
LAUNCH_VARIABLES = {"p": {"selector": {**SELECTOR, "jobName": "noop_job"}, "mode": "default"}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    """The gateway over the tiny workspace, with one admin and one national account."""
    root = tmp_path_factory.mktemp("gateway")
    settings = Settings(home=root / "cipd_home")
    users.add_user(settings, ADMIN, "admin", ADMIN_PASSWORD)
    users.add_user(settings, READER, "national", READER_PASSWORD)
    (root / "dagster").mkdir()
    (root / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    port = _free_port()
    env = {**os.environ, "CIPD_HOME": str(settings.root), "DAGSTER_HOME": str(root / "dagster"),
           "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO_ROOT)])}
    env.pop("CIPD_NOW", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.gateway", "--port", str(port), "-m", LOCATION],
        env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/_cipd/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail(f"gateway did not come up:\n{process.stdout.read().decode()[-3000:]}")
    yield base, settings
    os.killpg(process.pid, 15)
    process.wait(timeout=30)


@contextmanager
def _signed_in(base: str, login: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=30) as client:
        client.post("/_cipd/sign-in", data={"login": login, "password": password, "next": "/"})
        yield client


def _graphql(client: httpx.Client, query: str, variables: dict | None = None, **headers):
    return client.post("/graphql", json={"query": query, "variables": variables or {}},
                       headers=headers)


def _events(settings: Settings, action: str) -> list[dict]:
    return [e for e in audit.read_events(settings)[0] if e["action"] == action]


@pytest.mark.parametrize("query,variables", [
    (RUNS, None), (STOP_SENSOR, {"id": "x"}), (LAUNCH, LAUNCH_VARIABLES)])
def test_gateway_refuses_graphql_when_anonymous(gateway, query, variables):
    base, settings = gateway
    with httpx.Client(base_url=base, timeout=30) as anonymous:
        response = _graphql(anonymous, query, variables)
    assert response.status_code == 401
    assert "Connexion requise" in response.json()["error"]


def test_gateway_sends_a_browser_to_the_sign_in_page_when_anonymous(gateway):
    base, _ = gateway
    response = httpx.get(f"{base}/runs", headers={"accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/_cipd/sign-in?next=/runs"


def test_gateway_lets_an_admin_read_and_audits_each_mutation(gateway):
    base, settings = gateway
    with _signed_in(base, ADMIN, ADMIN_PASSWORD) as admin:
        assert _graphql(admin, RUNS).json()["data"]["runsOrError"]["__typename"] == "Runs"
        launched = _graphql(admin, LAUNCH, LAUNCH_VARIABLES)
        started = _graphql(admin, START_SENSOR, {"s": {**SELECTOR, "sensorName": "quiet_sensor"}})
    assert launched.json()["data"]["launchRun"]["__typename"] == "LaunchRunSuccess"
    assert started.json()["data"]["startSensor"]["__typename"] == "Sensor"
    events = _events(settings, "dagster_mutation")
    assert [(e["actor"], e["detail"]["mutations"]) for e in events] == [
        (f"web:{ADMIN}", ["launchRun"]), (f"web:{ADMIN}", ["startSensor"])]
    assert events[0]["detail"]["variables"]["p.selector.jobName"] == "noop_job"


def test_gateway_sign_in_refuses_an_account_without_admin_role(gateway):
    base, _ = gateway
    response = httpx.post(f"{base}/_cipd/sign-in",
                          data={"login": READER, "password": READER_PASSWORD, "next": "/"})
    assert response.status_code == 403
    assert "réservé au rôle « admin »" in response.text
    assert "cipd_operator_session" not in response.cookies


@pytest.mark.parametrize("query,variables", [(RUNS, None), (STOP_SENSOR, {"id": "x"})])
def test_gateway_refuses_a_session_whose_account_lost_the_admin_role(gateway, query, variables):
    base, settings = gateway
    users.add_user(settings, "ancien-admin", "admin", ADMIN_PASSWORD, replace=True)
    with _signed_in(base, "ancien-admin", ADMIN_PASSWORD) as session:
        users.add_user(settings, "ancien-admin", "national", ADMIN_PASSWORD, replace=True)
        response = _graphql(session, query, variables)
    assert response.status_code == 403
    assert "réservé au rôle « admin »" in response.json()["error"]
    assert not [e for e in _events(settings, "dagster_mutation")
                if e["actor"] == "web:ancien-admin"]


def test_gateway_refuses_an_admin_mutation_from_another_origin(gateway):
    base, _ = gateway
    with _signed_in(base, ADMIN, ADMIN_PASSWORD) as admin:
        response = _graphql(admin, STOP_SENSOR, {"id": "x"}, origin="http://localhost:8501")
    assert response.status_code == 403


def test_gateway_refuses_a_mutation_sent_by_get(gateway):
    base, _ = gateway
    with _signed_in(base, ADMIN, ADMIN_PASSWORD) as admin:
        response = admin.get("/graphql", params={
            "query": 'mutation { stopSensor(id: "x") { __typename } }'})
    assert response.status_code == 403


def test_gateway_audits_a_wrong_password(gateway):
    base, settings = gateway
    response = httpx.post(f"{base}/_cipd/sign-in",
                          data={"login": ADMIN, "password": "pas-le-bon", "next": "/"})
    assert response.status_code == 401
    failures = [e for e in _events(settings, "sign_in") if e["outcome"] == "failure"]
    assert failures[-1]["detail"]["channel"] == "operator"


def _ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/graphql"


def test_gateway_refuses_dagster_websocket_when_anonymous(gateway):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    base, _ = gateway
    with pytest.raises(InvalidStatus) as refused:
        connect(_ws_url(base), subprotocols=["graphql-ws"], open_timeout=10)
    assert refused.value.response.status_code == 403


def test_gateway_closes_a_websocket_that_carries_a_mutation(gateway):
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    base, settings = gateway
    with _signed_in(base, ADMIN, ADMIN_PASSWORD) as admin:
        cookie = f"cipd_operator_session={admin.cookies['cipd_operator_session']}"
    with connect(_ws_url(base), subprotocols=["graphql-ws"], open_timeout=10,
                 additional_headers={"Cookie": cookie}) as socket_:
        socket_.send(json.dumps({"type": "connection_init", "payload": {}}))
        socket_.send(json.dumps({"type": "start", "id": "1", "payload": {
            "query": STOP_SENSOR, "variables": {"id": "x"}}}))
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                socket_.recv(timeout=10)
    assert closed.value.rcvd.code == 4403


def test_gateway_asks_an_admin_with_a_second_factor_for_the_current_code(gateway):
    import pyotp

    base, settings = gateway
    account = users.add_user(settings, "admin-2fa", "admin", ADMIN_PASSWORD, totp=True)
    form = {"login": "admin-2fa", "password": ADMIN_PASSWORD, "next": "/"}
    refused = httpx.post(f"{base}/_cipd/sign-in", data=form)
    assert refused.status_code == 401 and "Code à usage unique manquant" in refused.text
    admitted = httpx.post(f"{base}/_cipd/sign-in",
                          data={**form, "code": pyotp.TOTP(account.totp_secret).now()})
    assert admitted.status_code == 303 and "cipd_operator_session" in admitted.cookies
