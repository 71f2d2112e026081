"""The ``cipd`` command: one entry point, each area registering its own sub-commands.

Sub-command modules import heavy libraries inside their handlers so that ``cipd submit``
answers quickly. Exit codes: 0 success, 1 the request was refused (e.g. a rejected file),
2 usage error (argparse's own convention).
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

from storage.file_modes import private_umask

#: Modules that each define ``register(subparsers)``.
COMMAND_MODULES = (
    "cli.contracts",
    "cli.submit",
    "cli.warehouse",
    "cli.demo",
    "cli.users",
    "cli.tokens",
    "cli.reports",
    "cli.reliability",
    "cli.audit",
    "cli.up",
    "cli.disclosure",
    "cli.review",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cipd", description="CIPD hub: national reporting of the radicalisation-prevention cells.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    private_umask()  # databases, their logs and everything under CIPD_HOME: owner-only
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:
        # The reader left (``cipd submit … --json | head``): stop quietly as Unix tools do,
        # instead of a traceback, and keep Python from failing again on flushing stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
