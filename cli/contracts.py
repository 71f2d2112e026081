"""``cipd template``, ``cipd schema`` and ``cipd calendar-seed``: artefacts derived from the
contracts and the calendar, so that nobody retypes them."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from data_contracts.registry import KINDS
from data_contracts.settings import DBT_PROJECT_DIR

CALENDAR_SEED = DBT_PROJECT_DIR / "seeds" / "calendar_week_deadlines.csv"
CALENDAR_SEED_LAST_YEAR = 2035


def register(subparsers: argparse._SubParsersAction) -> None:
    template = subparsers.add_parser("template", help="write a blank template (.csv, .xlsx or .json schema)")
    template.add_argument("kind", choices=KINDS)
    template.add_argument("-o", "--output", type=Path, required=True)
    template.set_defaults(handler=_template)

    schema = subparsers.add_parser("schema", help="print a contract's JSON Schema")
    schema.add_argument("kind", choices=KINDS)
    schema.set_defaults(handler=_schema)

    seed = subparsers.add_parser("calendar-seed", help="regenerate the dbt seed of weekly deadlines")
    seed.add_argument("-o", "--output", type=Path, default=CALENDAR_SEED)
    seed.add_argument("--last-year", type=int, default=CALENDAR_SEED_LAST_YEAR)
    seed.set_defaults(handler=_calendar_seed)


def _template(args: argparse.Namespace) -> int:
    from data_contracts.templates import write_template

    path = write_template(args.kind, args.output)
    print(f"Modèle écrit : {path}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from data_contracts.templates import json_schema

    json.dump(json_schema(args.kind), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


def write_calendar_seed(path: Path, last_year: int = CALENDAR_SEED_LAST_YEAR) -> Path:
    from data_contracts.calendar import deadline_seed_rows

    rows = list(deadline_seed_rows(last_year))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _calendar_seed(args: argparse.Namespace) -> int:
    path = write_calendar_seed(args.output, args.last_year)
    print(f"Seed des échéances écrit : {path}")
    return 0
