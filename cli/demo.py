"""``cipd demo``: generate a reproducible programme history and (by default) load it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

_HELP = """\
Génère des rapports fictifs réalistes pour les 101 départements (formats réellement reçus :
CSV Excel « ; » en Windows-1252, CSV UTF-8 « , », XLSX, JSON), avec retards, absences,
rapports « néant » et corrections, puis les dépose un à un par le circuit normal de dépôt
(avec leur heure de réception simulée) et les charge dans l'entrepôt.

Les --weeks dernières semaines (jusqu'à la semaine en cours) arrivent fichier par fichier ;
l'historique antérieur depuis 2014-W49 arrive en un fichier de reprise par département et
par type de rapport, reçu le vendredi précédant la fenêtre (jour de « mise en service ») :
déposer ~77 000 rapports un par un prendrait trop longtemps. --no-history s'en passe.
La vérité attendue (statuts, taux de remontée) est écrite dans <out>/truth.json.
Même graine, mêmes réglages, même horloge (CIPD_NOW) : mêmes fichiers, octet pour octet."""


def register(subparsers: argparse._SubParsersAction) -> None:
    from demo.generator import DEFAULT_SEED, DEFAULT_WEEKS

    demo = subparsers.add_parser(
        "demo", help="generate (and load) a realistic demo history for the 101 départements",
        description=_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    demo.add_argument("--weeks", type=_positive, default=DEFAULT_WEEKS,
                      help=f"semaines envoyées fichier par fichier, jusqu'à la semaine en cours "
                           f"(défaut : {DEFAULT_WEEKS})")
    demo.add_argument("--seed", type=int, default=DEFAULT_SEED,
                      help=f"graine du générateur (défaut : {DEFAULT_SEED})")
    demo.add_argument("--out", type=Path, default=None,
                      help="dossier des fichiers générés (défaut : CIPD_HOME/demo)")
    demo.add_argument("--no-load", action="store_true",
                      help="générer les fichiers sans les déposer ni les charger")
    demo.add_argument("--no-history", action="store_true",
                      help="ne pas générer l'historique antérieur à la fenêtre")
    demo.add_argument("--json", action="store_true", help="résumé en JSON sur la sortie standard")
    demo.add_argument("--scale", type=_scale, default=1, metavar="N",
                      help="BANCS D'ESSAI UNIQUEMENT : multiplie le volume par N (N-1 unités "
                           "synthétiques par département, écrites directement dans les tables "
                           "brutes après le chargement ; jamais sur des données réelles)")
    demo.set_defaults(handler=_demo)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("le nombre de semaines doit être au moins 1")
    return value


def _scale(text: str) -> int:
    from demo.scale import MAX_SCALE

    value = int(text)
    if not 1 <= value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"l'échelle doit être comprise entre 1 et {MAX_SCALE}")
    return value


def _demo(args: argparse.Namespace) -> int:
    from data_contracts.settings import get_settings
    from demo.generator import generate, load

    settings = get_settings()
    progress = not args.json and sys.stderr.isatty()
    try:
        plan = generate(args.out, weeks=args.weeks, seed=args.seed, history=not args.no_history,
                        settings=settings, progress=progress)
    except FileExistsError as exc:
        print(exc, file=sys.stderr)
        return 1
    summary = {
        "out": str(plan.out), "files": len(plan.submissions), "first_week": plan.first_week,
        "window_first_week": plan.window_first_week, "last_week": plan.last_week,
        "truth": str(plan.out / "truth.json"),
    }
    if not args.json:
        history = f", historique depuis {plan.first_week}" if plan.history else ""
        print(f"Démo générée : {len(plan.submissions)} fichiers pour 101 départements "
              f"(semaines {plan.window_first_week} → {plan.last_week}{history}) dans {plan.out}")
    code = 0
    if not args.no_load:
        loaded = load(plan, settings, progress=progress)
        summary.update(accepted=loaded.accepted, duplicates=loaded.duplicates,
                       rejected=[{"path": p, "errors": e} for p, e in loaded.rejected],
                       rows_loaded=loaded.rows_loaded, load_failures=loaded.load_failures)
        if not args.json:
            print(f"Dépôts : {loaded.accepted} acceptés, {loaded.duplicates} déjà reçus, "
                  f"{len(loaded.rejected)} refusés ; {loaded.rows_loaded} lignes chargées dans l'entrepôt.")
            for path, errors in loaded.rejected[:10]:
                print(f"  Refusé : {path} — {'; '.join(errors[:3])}", file=sys.stderr)
            for submission_id, reason in list(loaded.load_failures.items())[:10]:
                print(f"  Chargement impossible : {submission_id} — {reason}", file=sys.stderr)
        code = 1 if loaded.rejected or loaded.load_failures else 0
        if args.scale > 1 and code == 0:
            code = _scale_up(args.scale, settings, summary, quiet=args.json)
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        print()
    return code


def _scale_up(scale: int, settings, summary: dict, *, quiet: bool) -> int:
    from demo.scale import scale_warehouse

    try:
        scaled = scale_warehouse(scale, settings)
    except ValueError as exc:
        print(f"Mise à l'échelle impossible : {exc}. Repartez d'un CIPD_HOME vide.", file=sys.stderr)
        return 1
    summary.update(scale=scaled.scale, synthetic_rows=scaled.rows_added,
                   synthetic_submissions=scaled.submissions_added)
    if not quiet:
        print(f"Échelle ×{scaled.scale} (banc d'essai, données synthétiques) : "
              f"{sum(scaled.rows_added.values())} lignes et {scaled.submissions_added} dépôts "
              f"synthétiques ajoutés directement aux tables brutes.")
    return 0
