"""``cipd up``: what ``make run`` calls — demo warehouse, dashboards and Dagster, one command."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    up = subparsers.add_parser(
        "up", help="build the demo warehouse if needed, then serve the dashboards, Dagster and the submission API")
    up.add_argument("--port", type=int, default=8501, help="port des tableaux de bord (défaut 8501)")
    up.add_argument("--dagster-port", type=int, default=3000, help="port de l'interface Dagster (défaut 3000)")
    up.add_argument("--no-dagster", action="store_true", help="ne pas démarrer Dagster")
    up.add_argument("--api-port", type=int, default=8000, help="port de l'API de dépôt (défaut 8000)")
    up.add_argument("--no-api", action="store_true", help="ne pas démarrer l'API de dépôt")
    up.add_argument("--address", default="127.0.0.1", help="adresse d'écoute (défaut 127.0.0.1)")
    up.add_argument("--weeks", type=int, default=None,
                    help="semaines de démo déposées fichier par fichier (défaut : celui de cipd demo)")
    up.add_argument("--no-history", action="store_true", help="démo sans l'historique depuis 2014")
    up.set_defaults(handler=_up)


def _up(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from cli.launcher import run

    return run(get_settings(), port=args.port,
               dagster_port=None if args.no_dagster else args.dagster_port,
               address=args.address, weeks=args.weeks, history=not args.no_history,
               api_port=None if args.no_api else args.api_port)
