"""``cipd tokens``: the submission API's tokens, one per département and calling system.

``create`` prints the token once: only its salted hash is kept (``CIPD_HOME/api_tokens.json``),
so a lost token is revoked and replaced, never recovered.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone


def register(subparsers: argparse._SubParsersAction) -> None:
    tokens = subparsers.add_parser("tokens", help="gérer les jetons de l'API de dépôt")
    actions = tokens.add_subparsers(dest="tokens_command", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="créer un jeton (affiché une seule fois)")
    create.add_argument("--departement", required=True, help="département du jeton (code INSEE)")
    create.add_argument("--label", default=None,
                        help="système appelant, nommé dans le journal d'audit (ex. « tableur-prefecture-69 »)")
    create.add_argument("--days", type=int, default=None,
                        help="durée de validité en jours (défaut : CIPD_API_TOKEN_DAYS, 365)")
    create.set_defaults(handler=_create)

    listing = actions.add_parser("list", help="lister les jetons (jamais leur secret)")
    listing.add_argument("--departement", default=None, help="seulement ceux de ce département")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser("revoke", help="révoquer un jeton (refusé dès l'appel suivant)")
    revoke.add_argument("token_id", help="identifiant du jeton (colonne 1 de cipd tokens list)")
    revoke.add_argument("--departement", default=None,
                        help="département attendu du jeton (garde-fou contre une erreur d'identifiant)")
    revoke.set_defaults(handler=_revoke)


def _create(args: argparse.Namespace) -> int:
    from accounts.api_tokens import TokenError, create_token
    from data_contracts.settings import get_settings

    try:
        secret, token = create_token(get_settings(), args.departement, args.label, days=args.days)
    except TokenError as exc:
        print(f"cipd tokens create : {exc}", file=sys.stderr)
        return 1
    print(f"Jeton {token.token_id} créé pour le département {token.departement} "
          f"(« {token.label} »), valable jusqu'au {token.expires_at}.")
    print("Copiez-le maintenant : il ne sera plus jamais affiché.")
    print(secret)
    return 0


def _list(args: argparse.Namespace) -> int:
    from accounts.api_tokens import load_tokens
    from data_contracts.referential import normalise_departement_code
    from data_contracts.settings import get_settings

    wanted = normalise_departement_code(args.departement) if args.departement else None
    now = datetime.now(timezone.utc)
    for token in sorted(load_tokens(get_settings()).values(), key=lambda t: (t.departement, t.created_at)):
        if wanted and token.departement != wanted:
            continue
        state = token.state if token.revoked_at or token.is_active(now) else "expiré"
        print(f"{token.token_id}\t{token.departement}\t{token.label}\t{state}\t"
              f"créé {token.created_at}\texpire {token.expires_at}")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from accounts.api_tokens import TokenError, load_tokens, revoke_token
    from data_contracts.referential import normalise_departement_code
    from data_contracts.settings import get_settings

    settings = get_settings()
    known = load_tokens(settings).get(args.token_id)
    if known and args.departement and known.departement != normalise_departement_code(args.departement):
        print(f"cipd tokens revoke : le jeton {args.token_id} est celui du département "
              f"{known.departement}, pas du {args.departement} ; rien n'est révoqué.", file=sys.stderr)
        return 1
    try:
        token = revoke_token(settings, args.token_id)
    except TokenError as exc:
        print(f"cipd tokens revoke : {exc}", file=sys.stderr)
        return 1
    print(f"Jeton {token.token_id} ({token.departement}, « {token.label} ») révoqué le {token.revoked_at}.")
    return 0
