"""``cipd audit verify`` and ``cipd audit seal``: check and seal the audit journal.

Exit codes: 0 the journal checks (or was sealed), 1 it does not (the first bad line is named),
2 usage error. docs/audit.md describes the chain, the seals and what to do when a check fails.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser("audit", help="vérifier ou sceller le journal d'audit")
    commands = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = commands.add_parser(
        "verify", help="vérifier la chaîne du journal (archives comprises), les sceaux et la "
                       "position du chargement")
    verify.add_argument("--json", action="store_true", help="répondre en un objet JSON")
    verify.set_defaults(handler=_verify)
    seal = commands.add_parser(
        "seal", help="vérifier puis sceller la tête de la chaîne (fait chaque jour par Dagster), "
                     "après avoir archivé les segments échus")
    seal.add_argument("--json", action="store_true", help="répondre en un objet JSON")
    seal.set_defaults(handler=_seal)


def _verify(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from ingestion.audit_copy import warehouse_position
    from storage.audit_seal import read_seals, verify_all

    settings = get_settings()
    position, unread = warehouse_position(settings)
    report = verify_all(settings, expected=position)
    seals = read_seals(settings) if report.ok else []
    answer = {"ok": report.ok, "events": report.events, "segments": report.segments,
              "head_seq": report.head.seq, "head_hash": report.head.hash, "seals": len(seals),
              "torn_tail": report.torn_tail, "warehouse_position_seq": position.seq if position else None,
              "warehouse_unreadable": unread,
              "problem": report.problem.as_dict() if report.problem else None}
    if args.json:
        json.dump(answer, sys.stdout, ensure_ascii=False)
        print()
    elif report.problem is not None:
        print(f"Journal d'audit ALTÉRÉ — première ligne en cause : {report.problem.where_fr}.\n"
              f"  {report.problem.message_fr}.\n"
              "  Ne scellez pas ce journal ; restaurez-le depuis la dernière sauvegarde et prévenez "
              "le responsable de la sécurité (docs/audit.md).", file=sys.stderr)
    else:
        print(f"Journal d'audit intact : {report.events} événement(s) en {report.segments} "
              f"segment(s), dernier n° {report.head.seq} ; {len(seals)} sceau(x) vérifié(s)"
              + (f" ; position du chargement (n° {position.seq}) retrouvée" if position else "")
              + ".")
        if unread:
            print(f"  (entrepôt non lu, position du chargement non vérifiée : {unread})")
        if report.torn_tail:
            print("  Dernière ligne incomplète (écriture interrompue, jamais accusée) : elle sera "
                  "retirée au prochain ajout.")
    return 0 if report.ok else 1


def _seal(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from ingestion.audit_copy import warehouse_position
    from storage.audit_seal import seal_daily
    from storage.audit_verify import Tampering

    settings = get_settings()
    position, _ = warehouse_position(settings)
    try:
        sealed = seal_daily(settings, expected=position)
    except Tampering as problem:
        print(f"cipd audit seal : journal NON scellé, il est altéré ({problem.where_fr}) : "
              f"{problem.message_fr}. Lancez `cipd audit verify`.", file=sys.stderr)
        return 1
    if args.json:
        json.dump(sealed, sys.stdout, ensure_ascii=False)
        print()
    else:
        moved = sealed["rotated"]
        print(f"Journal scellé jusqu'à l'événement n° {sealed['seq']} ({sealed['sealed_at']}) ; "
              f"{len(moved['archive'])} segment(s) archivé(s), {len(moved['expired'])} échu(s).")
    return 0
