"""``cipd disclosure-audit``: prove that no reader below national can narrow a small count.

For each role (every region and département by default), the role's protection is decided
as the dashboards decide it, then every cell the role may not see exactly gets the interval
it can deduce from everything it sees, by linear programming
(:mod:`data_contracts.disclosure_audit`). Exit code 1 when any cell is disclosed.
``--without-protection`` audits primary suppression alone: the audit must then find leaks.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time


def register(subparsers: argparse._SubParsersAction) -> None:
    audit = subparsers.add_parser(
        "disclosure-audit",
        help="vérifier qu'aucun lecteur sous le national ne peut retrouver un petit effectif")
    audit.add_argument("--role", action="append", default=[],
                       help="rôle à auditer (ex. region:84, departement:2A) ; répétable ; défaut : tous")
    audit.add_argument("--region", default=None,
                       help="auditer la région et chacun de ses départements (ex. 94)")
    audit.add_argument("--weeks", type=int, default=52,
                       help="semaines auditées, jusqu'à la dernière publiée (défaut : 52)")
    audit.add_argument("--without-protection", action="store_true",
                       help="auditer le secret primaire seul (démonstration : l'audit doit échouer)")
    audit.add_argument("--json", action="store_true", help="résultats en JSON sur la sortie standard")
    audit.set_defaults(handler=_audit)


def _width(result) -> str:
    if result.narrowest is None:
        return "—"
    width = result.narrowest.width
    return "∞" if math.isinf(width) else f"{width:g}"


def _audit(args: argparse.Namespace) -> int:
    from accounts.roles import Role, RoleError
    from dashboards import protection
    from data_contracts.settings import get_settings
    from storage.published import serving_connection

    settings = get_settings()
    if not settings.serving_path.exists():
        print(f"Aucune base publiée ({settings.serving_path}) : lancez « cipd build » d'abord.",
              file=sys.stderr)
        return 1
    try:
        roles = [Role.parse(text) for text in args.role] or protection.audited_roles(args.region)
    except RoleError as error:
        print(str(error), file=sys.stderr)
        return 2
    roles = [r for r in roles if not r.is_national]
    threshold = settings.small_count_threshold
    started = time.perf_counter()
    results, panels = [], {}
    with serving_connection(settings) as connection:
        for role in roles:
            region = role.region_codes[0]
            if region not in panels:
                panels[region] = protection.load_panel(connection, region)
            begun = time.perf_counter()
            result = protection.audit(panels[region], role, threshold, args.weeks,
                                      protected=not args.without_protection)
            result.seconds = time.perf_counter() - begun  # protection decided + audited
            results.append(result)
            if not args.json:
                print(f"{result.role:<18} {result.cells_checked:>6} cellules vérifiées, "
                      f"{result.sensitive:>5} petits effectifs, {len(result.disclosed):>4} retrouvables, "
                      f"intervalle le plus étroit {_width(result):>4}, {result.seconds:5.1f} s", flush=True)
    total = time.perf_counter() - started
    disclosed = sum(len(r.disclosed) for r in results)
    if args.json:
        print(json.dumps({"threshold": threshold, "weeks": args.weeks, "protected": not args.without_protection,
                          "roles": [r.as_dict() for r in results], "disclosed": disclosed,
                          "seconds": round(total, 1)}, ensure_ascii=False, indent=2))
    else:
        print(f"{len(results)} rôles, {sum(r.cells_checked for r in results)} cellules vérifiées, "
              f"{disclosed} retrouvables (seuil {threshold}, {args.weeks} semaines) en {total:.1f} s.")
    return 1 if disclosed else 0
