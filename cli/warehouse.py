"""``cipd build``, ``cipd publish`` and ``cipd dbt-sources``: the warehouse from the shell.

``cipd build`` = ``dbt build`` then, only if every model and test passed, publish; a failed
build leaves the dashboards on the previous published version.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    build = subparsers.add_parser(
        "build", help="build the warehouse with dbt (models and tests), then publish the marts")
    build.add_argument("--select", help="dbt node selection (default: everything)")
    build.add_argument("--skip-unit-tests", action="store_true",
                       help="do not run the dbt unit tests (faster; the data tests still run)")
    build.add_argument("--no-publish", action="store_true", help="build only, do not publish")
    build.set_defaults(handler=_build)

    publish = subparsers.add_parser(
        "publish", help="copy the marts of the last build to serving.duckdb (atomic)")
    publish.set_defaults(handler=_publish)

    sources = subparsers.add_parser(
        "dbt-sources", help="regenerate dbt_project/models/staging/_sources.yml from the contracts "
                            "and dbt_project/macros/quality_rules.sql from data_contracts.quality_rules")
    sources.add_argument("--check", action="store_true",
                         help="only check that the committed files are up to date (exit 1 if not)")
    sources.set_defaults(handler=_dbt_sources)


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",") + " s"


def _build(args: argparse.Namespace) -> int:
    from orchestration.warehouse.build import BuildError, build

    try:
        result = build(select=args.select, unit_tests=not args.skip_unit_tests)
    except BuildError as error:
        print(f"dbt n'a pas pu démarrer, rien n'a été construit ni publié : {error}", file=sys.stderr)
        return 1
    counts = (f"{result.count('model')} modèles, {result.count('test')} tests de données, "
              f"{result.count('unit_test')} tests unitaires")
    if not result.success:
        print(f"Construction en échec ({_seconds(result.elapsed_seconds)}, {counts}) : "
              f"{len(result.problems)} problème(s). Rien n'a été publié : les tableaux de bord "
              "gardent la version précédente.", file=sys.stderr)
        for problem in result.problems:
            failing = f", {problem.failures} ligne(s) en défaut" if problem.failures else ""
            print(f"  - {problem.name} ({problem.resource_type}) : {problem.status}{failing}"
                  f"\n    {(problem.message or '').strip()}", file=sys.stderr)
        print(f"Détails : journal dbt dans {result.run_results_path.parent.parent / 'logs'}.",
              file=sys.stderr)
        return 1
    print(f"Entrepôt construit en {_seconds(result.elapsed_seconds)} : {counts}, tous réussis.")
    if args.no_publish:
        print("Publication non demandée (--no-publish) : lancez « cipd publish » pour publier.")
        return 0
    return _publish(args)


def _publish(args: argparse.Namespace) -> int:
    from orchestration.warehouse.publish import PublishError, publish

    try:
        result = publish()
    except PublishError as error:
        print(f"Rien à publier : {error}. Lancez d'abord « cipd build ».", file=sys.stderr)
        return 1
    size = f"{result.size_bytes / 1_000_000:.1f}".replace(".", ",")
    print(f"Marts publiés dans {result.path} ({len(result.tables)} tables, {size} Mo, "
          f"{_seconds(result.elapsed_seconds)}).")
    return 0


def _generated_dbt_files() -> list[tuple[Path, Callable[[], str], Callable[[], Path]]]:
    """The dbt project files derived from Python: (path, render, write)."""
    from orchestration.warehouse import dbt_rules
    from orchestration.warehouse.dbt_sources import SOURCES_YML, render_sources_yml, write_sources_yml

    return [(SOURCES_YML, render_sources_yml, write_sources_yml),
            (dbt_rules.RULES_SQL, dbt_rules.render_rules_sql, dbt_rules.write_rules_sql),
            (dbt_rules.CALENDAR_SQL, dbt_rules.render_calendar_sql, dbt_rules.write_calendar_sql)]


def _dbt_sources(args: argparse.Namespace) -> int:
    files = _generated_dbt_files()
    if args.check:
        stale = [path for path, render, _ in files
                 if (path.read_text(encoding="utf-8") if path.exists() else "") != render()]
        for path in stale:
            print(f"{path} n'est plus à jour avec les contrats : lancez « cipd dbt-sources ».",
                  file=sys.stderr)
        if stale:
            return 1
        print(" ; ".join(f"{path} est à jour" for path, _, _ in files) + ".")
        return 0
    for _, _, write in files:
        print(f"Fichier dbt écrit : {write()}")
    return 0
