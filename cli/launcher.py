"""``cipd up``: the whole hub on one machine — demo warehouse, dashboards, Dagster.

Why a launcher rather than a shell script: Ctrl-C must stop every child cleanly (Dagster's
webserver and daemon, Streamlit) and a child that dies must not leave the others behind. Each
service runs in its own process group, so stopping it stops what it spawned too.

A second ``cipd up`` reuses the published warehouse and is up in seconds: the demo is built
only when there is no serving database yet.
"""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from data_contracts.settings import REPO_ROOT, Settings

STOP_GRACE_SECONDS = 15


@dataclass
class Service:
    """A child process group, named for the messages users read."""

    name: str
    command: list[str]
    env: dict[str, str]
    health_url: str | None = None
    process: subprocess.Popen | None = field(default=None, repr=False)

    def start(self, log_dir: Path) -> None:
        log = (log_dir / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=REPO_ROOT, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """SIGINT first (what Ctrl-C would send: Dagster shuts its daemon down cleanly), then
        SIGTERM, then SIGKILL, always to the whole process group."""
        if self.process is None:
            return
        for sig, wait in ((signal.SIGINT, STOP_GRACE_SECONDS), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
                # The leader is gone; make sure nothing it spawned survives it.
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
            break


def ensure_warehouse(settings: Settings, weeks: int | None, history: bool,
                     say: Callable[[str], None]) -> None:
    """Build and publish the demo warehouse unless a serving database already exists."""
    if settings.serving_path.exists():
        say(f"Entrepôt déjà publié : {settings.serving_path} (réutilisé).")
        return
    from demo.generator import DEFAULT_WEEKS, generate, load
    from orchestration.warehouse.build import build
    from orchestration.warehouse.publish import publish

    progress = sys.stderr.isatty()
    if not settings.warehouse_path.exists():
        say("Première mise en route : génération des données de démonstration…")
        plan = generate(weeks=weeks or DEFAULT_WEEKS, history=history, settings=settings,
                        progress=progress)
        summary = load(plan, settings, progress=progress)
        say(f"Démo chargée : {summary.accepted} dépôts, {summary.rows_loaded} lignes.")
    say("Construction de l'entrepôt (dbt build)…")
    result = build(settings)
    if not result.success:
        failed = [o for o in result.outcomes if o.status not in ("success", "pass")]
        raise SystemExit("dbt build a échoué : " + ", ".join(o.name for o in failed[:5]))
    say(f"Entrepôt construit en {result.elapsed_seconds:.0f} s ; publication…")
    publish(settings)


def service_env(settings: Settings) -> dict[str, str]:
    from orchestration.instance.dagster_home import initialise_instance, prepare_dagster_home

    env = dict(os.environ)
    env["CIPD_HOME"] = str(settings.root)
    env["DAGSTER_HOME"] = str(prepare_dagster_home(settings))
    initialise_instance(Path(env["DAGSTER_HOME"]))
    return env


def services(settings: Settings, port: int, dagster_port: int | None, address: str,
             api_port: int | None = None) -> list[Service]:
    env = service_env(settings)
    bin_dir = Path(sys.executable).parent
    found = [Service(
        name="streamlit",
        command=[str(bin_dir / "streamlit"), "run", str(REPO_ROOT / "dashboards" / "app.py"),
                 "--server.port", str(port), "--server.address", address,
                 "--server.headless", "true", "--browser.gatherUsageStats", "false",
                 # the server refuses bigger uploads than the submit path would (MiB)
                 "--server.maxUploadSize", str(math.ceil(settings.max_upload_bytes / 1024 / 1024))],
        env=env, health_url=f"http://{address}:{port}/_stcore/health")]
    if dagster_port is not None:
        # Dagster's UI and API only behind the hub's sign-in (docs/operator_plane.md): the
        # gateway hosts Dagster's webserver in-process; the daemon (sensors, schedules, run
        # queue) listens on no port.
        found.append(Service(
            name="dagster-daemon",
            command=[str(bin_dir / "dagster-daemon"), "run", "-m", "orchestration.defs.definitions"],
            env=env))
        found.append(Service(
            name="dagster",
            command=[sys.executable, "-m", "orchestration.gateway", "--host", address,
                     "--port", str(dagster_port), "-m", "orchestration.defs.definitions"],
            env=env, health_url=f"http://{address}:{dagster_port}/_cipd/health"))
    if api_port is not None:  # the submission API (api/, docs/api.md)
        found.append(Service(
            name="api", command=[sys.executable, "-m", "api", "--host", address, "--port", str(api_port)],
            env=env, health_url=f"http://{address}:{api_port}/health"))
    return found


def wait_healthy(service: Service, timeout: float) -> bool:
    """Until its health URL answers 200 (a service without one: until it has not died for a
    couple of seconds)."""
    deadline = time.monotonic() + timeout
    if service.health_url is None:
        time.sleep(2)
        return service.alive()
    while time.monotonic() < deadline and service.alive():
        try:
            with urllib.request.urlopen(service.health_url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def run(settings: Settings, *, port: int = 8501, dagster_port: int | None = 3000,
        address: str = "127.0.0.1", weeks: int | None = None, history: bool = True,
        api_port: int | None = 8000, say: Callable[[str], None] = print) -> int:
    """Bring the hub up and block until Ctrl-C (or a service dies); returns the exit code."""
    from accounts.users import ensure_demo_users

    settings.ensure_dirs()
    ensure_warehouse(settings, weeks, history, say)
    accounts = ensure_demo_users(settings)
    log_dir = settings.root / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    started = services(settings, port, dagster_port, address, api_port)
    stopping = False

    def request_stop(signum, frame):  # noqa: ARG001 - signal handler signature
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        for service in started:
            service.start(log_dir)
        for service in started:
            if not wait_healthy(service, timeout=180):
                say(f"Le service {service.name} n'a pas démarré : voir {log_dir / (service.name + '.log')}")
                return 1
        say("")
        say(f"Tableaux de bord : http://localhost:{port}")
        if api_port is not None:
            say(f"API de dépôt (jetons : cipd tokens create) : http://localhost:{api_port}/docs")
        if dagster_port is not None:
            say(f"Dagster (capteur et planifications actifs ; compte « admin » requis) : "
                f"http://localhost:{dagster_port}")
        say("Comptes de démonstration (mots de passe renouvelés à chaque démarrage) :")
        for login, password, role in accounts:
            say(f"  {login:<28} {password:<20} rôle {role}")
        say(f"Données : {settings.root} — journaux : {log_dir}")
        say("Ctrl-C pour tout arrêter.")
        while not stopping:
            dead = [s for s in started if not s.alive()]
            if dead:
                say(f"Le service {dead[0].name} s'est arrêté : voir {log_dir / (dead[0].name + '.log')}")
                return 1
            time.sleep(0.5)
        return 0
    finally:
        say("Arrêt des services…")
        for service in reversed(started):
            service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
