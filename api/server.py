"""Serve the API with uvicorn: ``python -m api --host 127.0.0.1 --port 8000`` (what ``cipd up``
starts). One process: the parse sandbox's workers and the throttle live in it.

Behind the reverse proxy (docs/deployment.md) the proxy's address is trusted for
``X-Forwarded-For``/``-Proto``; the server itself listens on the loopback by default.
"""

from __future__ import annotations

import argparse

import uvicorn

from api.app import create_app

DEFAULT_PORT = 8000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api", description="API de dépôt CIPD")
    parser.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (défaut {DEFAULT_PORT})")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(), host=args.host, port=args.port, proxy_headers=True,
                forwarded_allow_ips="127.0.0.1", server_header=False, log_level="info")
    return 0
