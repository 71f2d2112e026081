"""Dagster's webserver app built in this process, behind :class:`~.guard.OperatorGuard`.

Why in-process: ``dagster dev`` / ``dagster-webserver`` listen on a TCP port that anyone on the
machine (or the network) can reach with no login. Here Dagster's ASGI app
(``dagster_webserver.app.create_app_from_workspace_process_context``, what ``dagster-webserver``
itself serves) is only ever called by the guard, and the only socket is the gateway's. The
daemon (sensors, schedules, run queue) runs apart with ``dagster-daemon run`` and has no port.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from data_contracts.settings import REPO_ROOT
from orchestration.gateway.guard import OperatorGuard
from orchestration.gateway.pages import gateway_app

DEFAULT_MODULE = "orchestration.defs.definitions"


@contextlib.contextmanager
def guarded_dagster_app(module: str = DEFAULT_MODULE,
                        working_directory: Path = REPO_ROOT) -> Iterator[OperatorGuard]:
    """The guarded app over the Dagster instance of ``$DAGSTER_HOME`` and the code of
    ``module``; the workspace (and its code server) lives as long as the context."""
    from dagster import DagsterInstance
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import ModuleTarget
    from dagster_webserver.app import create_app_from_workspace_process_context
    from dagster_webserver.version import __version__

    target = ModuleTarget(module_name=module, attribute=None,
                          working_directory=str(working_directory), location_name=None)
    with DagsterInstance.get() as instance, WorkspaceProcessContext(
            instance, workspace_load_target=target, version=__version__) as context:
        yield OperatorGuard(create_app_from_workspace_process_context(context), gateway_app())


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m orchestration.gateway",
                                     description="Dagster behind the hub's sign-in.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("-m", "--module", default=DEFAULT_MODULE)
    args = parser.parse_args(argv)
    if not os.environ.get("DAGSTER_HOME"):
        raise SystemExit("DAGSTER_HOME is not set: run through `cipd up`, or set it to "
                         "$CIPD_HOME/dagster after `python -m orchestration.instance.dagster_home`.")
    with guarded_dagster_app(args.module) as app:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning",
                    # the client address the throttle keys on: trust X-Forwarded-For only from
                    # a reverse proxy on this machine
                    proxy_headers=True, forwarded_allow_ips="127.0.0.1")
