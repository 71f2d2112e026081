"""``cipd rebuild`` and ``cipd backup``: recover the warehouse, and keep copies of it.

``cipd rebuild`` recreates the raw tables and the marts from the landing zone alone (the old
file is set aside, never patched) and compares the marts' content hashes with the previous
ones. ``--check`` only says whether the warehouse opens and reads back; ``--if-needed``
rebuilds only when it does not. ``cipd backup`` is the nightly backup, on demand.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    rebuild = subparsers.add_parser(
        "rebuild", help="reconstruire l'entrepôt (tables brutes et marts) depuis la zone de dépôt")
    mode = rebuild.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="vérifier seulement que l'entrepôt s'ouvre et se relit (sommes de contrôle)")
    mode.add_argument("--if-needed", action="store_true",
                      help="reconstruire seulement si l'entrepôt ne s'ouvre pas ou ne se relit pas")
    rebuild.add_argument("--no-publish", action="store_true",
                         help="ne pas publier les marts reconstruits (serving.duckdb inchangé)")
    rebuild.set_defaults(handler=_rebuild)

    backup = subparsers.add_parser(
        "backup", help="sauvegarder l'entrepôt (checkpoint, copie, relecture, rétention)")
    backup.add_argument("--list", action="store_true", help="lister les sauvegardes conservées")
    backup.set_defaults(handler=_backup)


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " s"


def _check(settings) -> int:
    from orchestration.warehouse.rebuild import check_warehouse

    check = check_warehouse(settings)
    if not check.exists:
        print(f"Aucun entrepôt à {check.path} : « cipd ingest » le crée au premier chargement.")
        return 0
    if check.ok:
        print(f"Entrepôt sain : {len(check.table_hashes)} tables relues intégralement "
              f"(sommes de contrôle vérifiées), {check.path}.")
        return 0
    print(f"Entrepôt illisible ({check.problem}). Ne le réparez pas : lancez « cipd rebuild » "
          "pour le reconstruire depuis la zone de dépôt.", file=sys.stderr)
    return 1


def _rebuild(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from storage.audit import default_actor
    from orchestration.warehouse.rebuild import RebuildError, rebuild, rebuild_if_unhealthy

    settings = get_settings()
    if args.check:
        return _check(settings)
    try:
        if args.if_needed:
            result = rebuild_if_unhealthy(settings, publish=not args.no_publish, actor=default_actor())
            if result is None:
                print("Entrepôt sain (ou absent) : aucune reconstruction nécessaire.")
                return 0
        else:
            result = rebuild(settings, publish=not args.no_publish, actor=default_actor())
    except RebuildError as error:
        print(f"Reconstruction impossible, l'entrepôt précédent est resté en place, intact : {error}",
              file=sys.stderr)
        return 1
    print(f"Entrepôt reconstruit depuis la zone de dépôt en {_seconds(result.elapsed_seconds)} : "
          f"{result.submissions_loaded} dépôt(s) accepté(s) rechargé(s) ({result.rows_loaded} lignes), "
          f"{result.rejections_recorded} refus consigné(s).")
    if result.replaced_path:
        state = "sain" if result.previous.ok else f"illisible : {result.previous.problem}"
        print(f"Ancien entrepôt ({state}) mis de côté, non modifié : {result.replaced_path}")
    if result.identical is True:
        print(f"Marts identiques à ceux d'avant ({len(result.marts_after)} tables, empreintes SHA-256).")
    elif result.identical is False:
        print("Marts différents de ceux d'avant pour : " + ", ".join(result.differing_tables)
              + ". Attendu si des dépôts sont arrivés depuis le dernier chargement ou si l'horloge "
              "a changé de semaine ; sinon, signalez-le.")
    print("Marts publiés." if result.published else "Publication non demandée (--no-publish).")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from orchestration.warehouse.backup import BackupError, backup_warehouse, list_backups

    settings = get_settings()
    if args.list:
        backups = list_backups(settings)
        for path in backups:
            print(f"{path}\t{path.stat().st_size} octets")
        print(f"{len(backups)} sauvegarde(s) conservée(s) (rétention : {settings.backup_retention}).")
        return 0
    try:
        result = backup_warehouse(settings)
    except BackupError as error:
        print(f"Sauvegarde impossible : {error}", file=sys.stderr)
        return 1
    size = f"{result.size_bytes / 1_000_000:.1f}".replace(".", ",")
    print(f"Sauvegarde relue et conservée : {result.path} ({size} Mo, {result.tables} tables, "
          f"{_seconds(result.elapsed_seconds)}). {len(result.removed)} ancienne(s) supprimée(s) "
          f"(rétention : {settings.backup_retention}).")
    return 0
