"""``cipd users``: manage the dashboards' accounts (``CIPD_HOME/users.toml``).

``add`` reads the password from standard input (``--password-stdin``) or asks for it without
echo, so it never appears in the shell history or the process list. Without a password the
account is an OIDC mapping: the login is the e-mail address the identity federation proves.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    users = subparsers.add_parser("users", help="gérer les comptes des tableaux de bord")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", help="créer ou modifier un compte")
    add.add_argument("login", help="identifiant (ou adresse e-mail pour une connexion OIDC)")
    add.add_argument("--role", required=True,
                     help="admin (exploitation du hub, accès à Dagster), national, region:<code> "
                          "(ex. region:84) ou departement:<code> (ex. departement:69)")
    add.add_argument("--name", default=None, help="nom affiché")
    secret = add.add_mutually_exclusive_group()
    secret.add_argument("--password-stdin", action="store_true",
                        help="lire le mot de passe sur l'entrée standard")
    secret.add_argument("--oidc-only", action="store_true",
                        help="sans mot de passe : connexion par la fédération d'identité uniquement")
    add.add_argument("--replace", action="store_true", help="remplacer un compte existant")
    add.add_argument("--totp", action="store_true",
                     help="double authentification : un code à usage unique (application "
                          "d'authentification) en plus du mot de passe ; conseillé pour le rôle admin")
    add.set_defaults(handler=_add)

    remove = actions.add_parser("remove", help="supprimer un compte")
    remove.add_argument("login")
    remove.set_defaults(handler=_remove)

    listing = actions.add_parser("list", help="lister les comptes et leurs rôles")
    listing.set_defaults(handler=_list)

    demo = actions.add_parser("demo", help="(re)créer les comptes de démonstration et afficher leurs mots de passe")
    demo.set_defaults(handler=_demo)


def _add(args: argparse.Namespace) -> int:
    from accounts.roles import RoleError
    from accounts.users import AccountError, add_user
    from data_contracts.settings import get_settings

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not args.oidc_only:
        password = getpass.getpass("Mot de passe : ")
        if password != getpass.getpass("Confirmez le mot de passe : "):
            print("cipd users add : les deux mots de passe diffèrent ; recommencez.", file=sys.stderr)
            return 1
    try:
        account = add_user(get_settings(), args.login, args.role, password, name=args.name,
                           replace=args.replace, totp=args.totp)
    except (AccountError, RoleError) as exc:
        print(f"cipd users add : {exc}", file=sys.stderr)
        return 1
    mode = "mot de passe" if account.password_hash else "OIDC uniquement"
    print(f"Compte « {account.login} » enregistré : {account.role.label} ({mode}).")
    if account.totp_secret:
        from accounts.second_factor import provisioning_uri

        print("Double authentification : ajoutez ce compte à l'application d'authentification "
              "(adresse affichée une seule fois) :")
        print(f"  {provisioning_uri(account.login, account.totp_secret)}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from accounts.users import remove_user
    from data_contracts.settings import get_settings

    if not remove_user(get_settings(), args.login):
        print(f"cipd users remove : aucun compte « {args.login} ».", file=sys.stderr)
        return 1
    print(f"Compte « {args.login} » supprimé.")
    return 0


def _list(args: argparse.Namespace) -> int:
    from accounts.users import load_accounts
    from data_contracts.settings import get_settings

    for account in sorted(load_accounts(get_settings()).values(), key=lambda a: a.login):
        mode = "mot de passe" if account.password_hash else "OIDC"
        print(f"{account.login}\t{account.role}\t{mode}\t{account.name}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from accounts.users import ensure_demo_users
    from data_contracts.settings import get_settings

    print("Comptes de démonstration (mots de passe renouvelés à chaque appel) :")
    for login, password, role in ensure_demo_users(get_settings()):
        print(f"  {login:<18} {password:<20} {role}")
    return 0
