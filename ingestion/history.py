"""Warnings that need the département's history: accepted, but shown to the agent.

The submit path must not touch the warehouse (one writer, Thursday burst), so history is read
from the published ``serving.duckdb`` (marts ``fct_weekly_reports`` / ``fct_monthly_reports``)
in read-only mode. No published file yet, or marts without the expected columns: no warning
rather than a failed upload.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from data_contracts import calendar
from data_contracts.base import ContractModel
from data_contracts.errors import ContractError
from data_contracts.fields import Count
from data_contracts.registry import contract_for
from data_contracts.settings import Settings

#: Periods of history compared with a new value.
HISTORY_WEEKS = 26
HISTORY_MONTHS = 12
#: "Far outside": more than this many times the largest value seen, and by at least MIN_GAP.
OUTLIER_FACTOR = 3
OUTLIER_MIN_GAP = 10
MIN_HISTORY = 4

_MARTS = {"weekly": ("fct_weekly_reports", "week_code"), "monthly": ("fct_monthly_reports", "month_code")}


def count_fields(kind: str) -> list[str]:
    """The contract's count columns (those typed :data:`data_contracts.fields.Count`)."""
    model = contract_for(kind)
    return [name for name, info in model.model_fields.items()
            if info.annotation is int and any(m in Count.__metadata__ for m in info.metadata)]


def _history(settings: Settings, kind: str, departement: str, first: str, last: str,
             columns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Period → {column: value} for the département's received reports in [first, last]."""
    if kind not in _MARTS or not settings.serving_path.exists():
        return {}
    import duckdb

    from orchestration.publication import serving_connection

    table, period_column = _MARTS[kind]
    try:
        # read-only, no file access beyond the marts, configuration locked
        with serving_connection(settings) as con:
            found = con.execute(
                "select table_schema from information_schema.tables where table_name = ? "
                "order by table_schema = 'marts' desc limit 1", [table]).fetchone()
            if not found:
                return {}
            available = {r[0] for r in con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ?", [found[0], table]).fetchall()}
            wanted = [c for c in columns if c in available]
            if not wanted or not {"departement_code", period_column} <= available:
                return {}
            select = ", ".join(f'"{c}"' for c in wanted)
            rows = con.execute(
                f'select "{period_column}", {select} from "{found[0]}"."{table}" '
                f'where departement_code = ? and "{period_column}" between ? and ?',
                [departement, first, last]).fetchall()
    except duckdb.Error:
        return {}
    return {r[0]: dict(zip(wanted, r[1:])) for r in rows}


def history_warnings(kind: str, records: list[tuple[int, ContractModel]], departement: str,
                     settings: Settings) -> list[ContractError]:
    if kind not in _MARTS or not records:
        return []
    columns = count_fields(kind)
    periods = sorted(getattr(m, m.period_field) for _n, m in records)
    span = HISTORY_WEEKS if kind == "weekly" else HISTORY_MONTHS
    shift = calendar.shift_week if kind == "weekly" else calendar.shift_month
    past = _history(settings, kind, departement, shift(periods[0], -span), shift(periods[-1], -1), columns)
    own = {getattr(m, m.period_field): m.model_dump() for _n, m in records}
    warnings: list[ContractError] = []
    for number, model in records:
        period = getattr(model, model.period_field)
        if kind == "weekly":
            previous = shift(period, -1)
            warnings += _stock_warning(number, model, previous, own.get(previous) or past.get(previous))
        window = [past[p] for p in past if shift(period, -span) <= p < period]
        warnings += _outlier_warnings(number, model, columns, window, kind)
    return warnings


def _stock_warning(number: int, model: Any, previous: str, before: dict[str, Any] | None) -> list[ContractError]:
    if not before or before.get("suivis_en_cours") is None:
        return []
    expected = before["suivis_en_cours"] + model.nouveaux_signalements - model.suivis_clos
    if model.suivis_en_cours == expected:
        return []
    return [ContractError(
        row=number, column="suivis_en_cours", code="stock_discontinuity",
        message=(f"Le stock ne suit pas la semaine précédente : {previous} = "
                 f"{before['suivis_en_cours']}, + {model.nouveaux_signalements} nouveaux "
                 f"signalements − {model.suivis_clos} suivis clos = {expected} attendus, "
                 f"{model.suivis_en_cours} déclarés. Vérifiez « suivis_en_cours » (ou ignorez si "
                 "des situations ont été reprises ou réorientées)."),
        value=str(model.suivis_en_cours))]


def _outlier_warnings(number: int, model: Any, columns: list[str], window: list[dict[str, Any]],
                      kind: str) -> list[ContractError]:
    warnings = []
    unit = "semaines" if kind == "weekly" else "mois"
    for column in columns:
        seen = [h[column] for h in window if h.get(column) is not None]
        if len(seen) < MIN_HISTORY:
            continue
        value, highest = getattr(model, column), max(seen)
        if value > OUTLIER_FACTOR * highest and value - highest >= OUTLIER_MIN_GAP:
            warnings.append(ContractError(
                row=number, column=column, code="unusual_value",
                message=(f"Valeur {value} très supérieure à l'historique du département "
                         f"(au plus {highest} sur les {len(seen)} derniers {unit} reçus) : "
                         "vérifiez la saisie (un zéro en trop ?)."),
                value=str(value)))
    return warnings
