"""A warm run worker: each Dagster run is forked from a process that already imported the hub.

Why: Dagster's default launcher starts every run in a fresh interpreter (the code server spawns
it), which imports Dagster, dagster-dbt and dbt, loads the definitions and warms dbt up before
its first step — seconds on every upload, a large share of the upload → dashboard latency.
This process pays that once: it imports the definitions, runs a ``dbt parse`` into a target
folder of its own (dbt's first invocation in a process is the slow one), then forks one child
per run. The child runs exactly what ``dagster api execute_run`` would, so a run's events, logs,
interruption (SIGTERM, as Dagster maps it) and failure handling are Dagster's own.

Forking is safe because the host stays single-threaded and opens no database: it only imports
and parses. A child must not run code older than the files on disk (a fresh process per run
never did): when a hub module or a dbt project file changed since the warm-up, the host answers
"stale" and exits, and the launcher starts a new one.

Protocol with :mod:`orchestration.instance.run_launcher`, one JSON object per line: the host writes
``{"ready": true}`` once warm; the launcher writes ``{"args": <serialized ExecuteRunArgs>}``; the
host answers ``{"pid": N}``, ``{"stale": true}`` or ``{"error": "..."}``. End of input (the
launcher's process is gone) ends the host; runs already started go on.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path

from data_contracts.settings import DBT_PROJECT_DIR, REPO_ROOT
from orchestration.defs.resources import dbt_source_files

#: How often the host reaps finished children while it waits for a request.
_REAP_EVERY_SECONDS = 1.0


def _log(message: str) -> None:
    print(f"[cipd run host {os.getpid()}] {message}", file=sys.stderr, flush=True)


def source_fingerprint() -> int:
    """Newest mtime among the hub's loaded modules and the dbt project's files."""
    paths = [Path(module.__file__) for module in list(sys.modules.values())
             if getattr(module, "__file__", None) and str(module.__file__).startswith(str(REPO_ROOT))
             and ".venv" not in str(module.__file__)]
    paths += dbt_source_files(DBT_PROJECT_DIR)
    newest = 0
    for path in paths:
        try:
            newest = max(newest, path.stat().st_mtime_ns)
        except FileNotFoundError:
            newest = max(newest, time.time_ns())  # a file went away: that is a change too
    return newest


def warm_up() -> None:
    """Import what every landing run needs and let dbt build its per-process caches.

    Best effort: a failure here (say, a dbt project that does not parse) is logged and the host
    still serves, because the run itself will report the problem where operators look."""
    import dagster._cli.api  # noqa: F401 - the `dagster api execute_run` command the children run

    from data_contracts.settings import get_settings

    steps = (("definitions", _load_definitions), ("Dagster instance", _open_instance),
             ("dbt", lambda: _warm_dbt(get_settings())))
    for name, step in steps:
        started = time.perf_counter()
        try:
            step()
        except Exception:  # noqa: BLE001 - see the docstring
            _log(f"warm-up of {name} failed (runs will pay it):\n{traceback.format_exc()}")
        else:
            _log(f"warm-up of {name} in {time.perf_counter() - started:.1f} s")


def _load_definitions() -> None:
    from orchestration.defs.definitions import defs

    defs().get_repository_def()


def _open_instance() -> None:
    """Open and close the instance of ``DAGSTER_HOME`` once: the first opening in a process
    reads the storages' migration scripts (about a second); the runs' own openings are then
    quick. Nothing stays open across the fork."""
    from dagster import DagsterInstance

    with DagsterInstance.get():
        pass


def _warm_dbt(settings) -> None:
    """``dbt parse`` into ``CIPD_HOME/dbt/run_host``: imports the adapter and fills dbt's
    per-process caches without touching the warehouse or the builds' own target folder."""
    import dbt.adapters.duckdb.impl  # noqa: F401

    from orchestration.warehouse.build import dbt_args, run_dbt

    target = settings.root / "dbt" / "run_host"
    args = dbt_args("parse", settings)
    args[args.index("--target-path") + 1] = str(target)
    run_dbt(args, settings)


def _run_in_child(serialized_args: str) -> None:
    """In the forked child: become a plain run worker and never return."""
    code = 1
    try:
        for sig, handler in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL),
                             (signal.SIGCHLD, signal.SIG_DFL), (signal.SIGPIPE, signal.SIG_IGN)):
            signal.signal(sig, handler)
        # The protocol pipes belong to the host: the child reads nothing (stdout is already
        # the log, see _protocol_channel).
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        # dbt's static parser runs a threaded native library; after a fork its locks may be held
        # by threads that no longer exist, and a full parse in the child (the first build of a
        # new hub, or after the project changed) then waits forever. Jinja parsing is slower
        # but safe, and a partial parse (every other build) does not use it.
        os.environ["DBT_STATIC_PARSER"] = "false"
        from dagster._cli.api import api_cli

        api_cli.main(args=["execute_run", serialized_args], prog_name="dagster api",
                     standalone_mode=True)
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 - the child must end here whatever happens
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
        os._exit(code)


def _reap_children() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _protocol_channel():
    """The launcher's pipe, moved off fd 1: dbt and Dagster print to stdout, and whatever they
    print (here or in a child) must land in the log (stderr), never in the protocol."""
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(2, 1)
    return channel


def _answer(channel, message: dict) -> None:
    channel.write(json.dumps(message) + "\n")
    channel.flush()


def handle(request: dict, fingerprint: int, channel) -> dict:
    """Fork a child for one run request; the answer to send back."""
    if source_fingerprint() != fingerprint:
        return {"stale": True}
    if threading.active_count() != 1:
        return {"error": f"host has {threading.active_count()} threads: forking is unsafe"}
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        channel.close()
        _run_in_child(request["args"])
    return {"pid": pid}


def _requests(fd: int) -> Iterator[dict]:
    """Lines from the launcher, one request each; reaps finished children while waiting."""
    pending = b""
    while True:
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            yield json.loads(line)
        readable, _, _ = select.select([fd], [], [], _REAP_EVERY_SECONDS)
        _reap_children()
        if readable:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return  # the launcher's process is gone
            pending += chunk


def serve() -> None:
    channel = _protocol_channel()
    warm_up()
    fingerprint = source_fingerprint()
    _answer(channel, {"ready": True})
    for request in _requests(sys.stdin.fileno()):
        answer = handle(request, fingerprint, channel)
        _answer(channel, answer)
        if answer.get("stale"):
            _log("hub code or dbt project changed since the warm-up: exiting, a fresh host follows")
            return


if __name__ == "__main__":
    try:
        serve()
    except KeyboardInterrupt:
        pass
