"""``cipd review``: SG-CIPD's review of the reports from the shell (docs/steering.md).

``request`` / ``verify`` / ``confirm`` record an event through :func:`ingestion.review.record_review`
(the actor is the OS user and host, never a typed-in name); the state they lead to appears
after the next ``cipd ingest`` and ``cipd build``. ``list`` reads the published marts.
"""

from __future__ import annotations

import argparse
import json
import sys


def _report_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--departement", required=True, help="département du rapport (code INSEE)")
    period = parser.add_mutually_exclusive_group(required=True)
    period.add_argument("--week", help="semaine du rapport hebdomadaire (ex. 2026-W47)")
    period.add_argument("--month", help="mois du rapport mensuel (ex. 2026-11)")


def register(subparsers: argparse._SubParsersAction) -> None:
    from data_contracts.review import REASONS

    review = subparsers.add_parser("review", help="revue des rapports : demandes de correction, vérifications")
    actions = review.add_subparsers(dest="review_command", required=True, metavar="ACTION")

    request = actions.add_parser("request", help="demander une correction d'un rapport à la préfecture")
    _report_arguments(request)
    request.add_argument("--field", action="append", default=[], dest="fields",
                         help="colonne concernée (répétable, ex. --field suivis_en_cours)")
    request.add_argument("--reason", required=True, choices=sorted(REASONS), help="motif de la demande")
    request.add_argument("--message", default=None,
                         help="message facultatif (500 caractères, sans donnée personnelle)")
    request.set_defaults(handler=_record, action="request")

    verify = actions.add_parser("verify", help="marquer un rapport comme vérifié par SG-CIPD")
    _report_arguments(verify)
    verify.set_defaults(handler=_record, action="verify")

    confirm = actions.add_parser("confirm", help="la préfecture confirme le chiffre, avec sa raison")
    _report_arguments(confirm)
    confirm.add_argument("--reason-text", required=True, dest="message",
                         help="pourquoi le chiffre est juste (une phrase, sans donnée personnelle)")
    confirm.set_defaults(handler=_record, action="confirm")

    listing = actions.add_parser("list", help="lister les demandes de correction (marts publiés)")
    listing.add_argument("--open", action="store_true", help="seulement les demandes ouvertes")
    listing.add_argument("--departement", default=None, help="seulement ce département")
    listing.add_argument("--json", action="store_true", help="sortie JSON (une liste d'objets)")
    listing.set_defaults(handler=_list)


_VERBS = {"request": "Demande de correction enregistrée", "verify": "Vérification enregistrée",
          "confirm": "Confirmation enregistrée"}


def _record(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from data_contracts.settings import get_settings
    from ingestion.review import record_review
    from storage.audit import cli_actor

    kind, period = ("weekly", args.week) if args.week else ("monthly", args.month)
    try:
        event = record_review(
            get_settings(), action=args.action, report_kind=kind, departement=args.departement,
            period_code=period, actor=cli_actor(), fields=getattr(args, "fields", None),
            reason_code=getattr(args, "reason", None), message=getattr(args, "message", None))
    except ValidationError as error:
        for problem in error.errors():
            where = ".".join(str(p) for p in problem["loc"]) or "demande"
            print(f"cipd review {args.action} : {where} : {problem['msg']}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"cipd review {args.action} : rien n'a été enregistré, stockage indisponible ({error}).",
              file=sys.stderr)
        return 1
    print(f"{_VERBS[args.action]} ({event.event_id}) : rapport {event.departement} {event.period_code}. "
          "L'état apparaîtra après le prochain chargement (cipd ingest) et la prochaine construction "
          "(cipd build).")
    return 0


_LIST_SQL = """
    select request_id, report_kind, departement_code, period_code, field_names, reason_code,
           message, requested_by, requested_at, request_state, is_open, closed_at,
           corrected_version_number, confirmation_message, age_days
    from marts.fct_review_requests
    where (not ? or is_open) and (? is null or departement_code = ?)
    order by requested_at, request_id
"""


def _list(args: argparse.Namespace) -> int:
    from data_contracts.referential import normalise_departement_code
    from data_contracts.review import REVIEW_STATES
    from data_contracts.settings import get_settings
    from storage.published import serving_connection

    settings = get_settings()
    departement = normalise_departement_code(args.departement) if args.departement else None
    if not settings.is_postgres and not settings.serving_path.exists():
        print("cipd review list : aucun entrepôt publié ; lancez cipd ingest puis cipd build.", file=sys.stderr)
        return 1
    with serving_connection(settings) as con:
        cursor = con.execute(_LIST_SQL, [args.open, departement, departement])
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=str, indent=2))
        return 0
    if not rows:
        print("Aucune demande de correction." if not args.open else "Aucune demande de correction ouverte.")
        return 0
    for row in rows:
        state = REVIEW_STATES[row["request_state"]]
        if row["request_state"] == "corrige":
            state += f" (version {row['corrected_version_number']})"
        print(f"{row['departement_code']} {row['period_code']} — {row['field_names'] or 'rapport entier'} — "
              f"{row['reason_code']} — {state} — demandé le {row['requested_at']:%d/%m/%Y %H:%M} UTC")
    return 0
