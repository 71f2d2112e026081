"""Warnings that need the département's history: accepted, but shown to the agent.

The submit path must not touch the warehouse (one writer, Thursday burst), so history is read
from the published ``serving.duckdb`` (marts ``fct_weekly_reports`` / ``fct_monthly_reports``)
in read-only mode. No published file yet, or marts without the expected columns: no warning
rather than a failed upload.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from data_contracts import calendar
from data_contracts.bulk_validation import records_from_json
from data_contracts.errors import ContractError
from data_contracts.quality_rules import STOCK, UNUSUAL_VALUE
from data_contracts.registry import contract_for, count_fields
from data_contracts.settings import Settings

#: The rules themselves (stock, unusual value) live in data_contracts.quality_rules, shared
#: with the marts; only how far back history is read is decided here.
HISTORY_WEEKS = UNUSUAL_VALUE.history_weeks
HISTORY_MONTHS = UNUSUAL_VALUE.history_months

_MARTS = {"weekly": ("fct_weekly_reports", "week_code"), "monthly": ("fct_monthly_reports", "month_code")}


def _history(settings: Settings, kind: str, departement: str, first: str, last: str,
             columns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Period → {column: value} for the département's received reports in [first, last]."""
    from storage.published import has_publication, serving_connection

    if kind not in _MARTS or not has_publication(settings):
        return {}
    import duckdb

    read_errors: tuple[type[Exception], ...] = (duckdb.Error,)
    if settings.is_postgres:  # the reader role's connection (storage.engine.ReaderConnection)
        import psycopg2

        read_errors += (psycopg2.Error,)

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
    except read_errors:
        return {}
    return {r[0]: dict(zip(wanted, r[1:])) for r in rows}


def period_index(kind: str, code: pl.Expr) -> pl.Expr:
    """Consecutive periods → consecutive integers (ISO weeks: the week's Monday in days since
    1970 ÷ 7; months: year × 12 + month), so that history windows are integer ranges."""
    if kind != "weekly":
        return code.str.slice(0, 4).cast(pl.Int32) * 12 + code.str.slice(5, 2).cast(pl.Int32)
    return (code + "-1").str.to_date("%G-W%V-%u").cast(pl.Int32) // 7


def history_warnings(kind: str, rows: pl.DataFrame | None, departement: str,
                     settings: Settings) -> list[ContractError]:
    """The warnings of an accepted file's rows (``ValidatedFile.rows``), in file order."""
    if kind not in _MARTS or rows is None or rows.is_empty():
        return []
    model = contract_for(kind)
    columns = count_fields(kind)
    period_field = model.period_field
    span = HISTORY_WEEKS if kind == "weekly" else HISTORY_MONTHS
    shift = calendar.shift_week if kind == "weekly" else calendar.shift_month
    periods = rows.get_column(period_field)
    past = _history(settings, kind, departement, shift(periods.min(), -span), shift(periods.max(), -1),
                    columns)
    suspects = _suspects(kind, rows, past, columns, span)
    if not suspects:
        return []
    own = {r[period_field]: r for r in rows.to_dicts()}
    warnings: list[ContractError] = []
    for row in rows[suspects].to_dicts():  # the exact rules, on the rows they may concern
        (model_row,) = records_from_json(model, [row])
        number, period = row["source_row"], row[period_field]
        if kind == "weekly":
            previous = shift(period, -1)
            warnings += _stock_warning(number, model_row, previous, own.get(previous) or past.get(previous))
        window = [past[p] for p in past if shift(period, -span) <= p < period]
        warnings += _outlier_warnings(number, model_row, columns, window, kind)
    return warnings


def _suspects(kind: str, rows: pl.DataFrame, past: dict[str, dict[str, Any]], columns: list[str],
              span: int) -> list[int]:
    """Positions of the rows a warning may concern, found over whole columns: the per-row
    rules then run on those alone (a backfill's hundreds of rows are mostly quiet). Series
    operations rather than queries: on a few hundred rows a query's fixed cost dominates."""
    period_field = contract_for(kind).period_field
    frame = rows.select(period_index(kind, pl.col(period_field)).alias("index"), *columns)
    history = pl.DataFrame(
        [{"index": period, **values} for period, values in past.items()],
        schema={"index": pl.String, **{c: pl.Float64 for c in columns}}, strict=False)
    if past:
        history = history.with_columns(period_index(kind, pl.col("index")).alias("index"))
    suspects: set[int] = set()
    if kind == "weekly":
        suspects.update(_stock_suspects(frame, history))
    if history.height >= UNUSUAL_VALUE.min_history:
        suspects.update(_outlier_suspects(frame, history, columns, span).arg_true().to_list())
    return sorted(suspects)


def _stock_suspects(frame: pl.DataFrame, history: pl.DataFrame) -> list[int]:
    """Rows whose stock is not the previous week's (in the file, else published) carried over
    (:data:`data_contracts.quality_rules.STOCK`)."""
    frame = frame.with_columns(  # the contract's derived total (WeeklyReport.nouveaux_signalements)
        (pl.col("signalements_cnapr") + pl.col("signalements_locaux")).alias("nouveaux_signalements"))
    index = frame.get_column("index")
    stock = frame.get_column(STOCK.stock)
    previous = (index - 1).alias("previous")
    own = dict(zip(index.to_list(), stock.to_list()))  # a file holds each week once
    published = dict(zip(history.get_column("index").to_list(), history.get_column(STOCK.stock).to_list()))
    before = pl.Series([own[p] if p in own else published.get(p) for p in previous.to_list()], dtype=pl.Float64)
    expected = (before + frame.select(pl.sum_horizontal(STOCK.inflows)).to_series()
                - frame.select(pl.sum_horizontal(STOCK.outflows)).to_series())
    return (before.is_not_null() & ((stock - expected).abs() > STOCK.tolerance)).arg_true().to_list()


def _outlier_suspects(frame: pl.DataFrame, history: pl.DataFrame, columns: list[str],
                      span: int) -> pl.Series:
    """Rows with a count far above the largest of the previous ``span`` periods received."""
    timeline = pl.concat(
        [history.select("index", *columns).with_columns(pl.lit(None, dtype=pl.UInt32).alias("position")),
         frame.select("index", *[pl.lit(None, dtype=pl.Int64).alias(c) for c in columns])
         .with_row_index("position")],
        how="diagonal_relaxed").sort("index", maintain_order=True)
    window = timeline.rolling(index_column="index", period=f"{span}i", closed="left").agg(
        *[pl.col(c).max().alias(f"max:{c}") for c in columns],
        *[pl.col(c).count().alias(f"seen:{c}") for c in columns])
    found = (pl.concat([timeline.select("position"), window.drop("index")], how="horizontal")
             .filter(pl.col("position").is_not_null()).sort("position")
             .hstack(frame.select(columns)))
    rule = UNUSUAL_VALUE
    return found.select(pl.any_horizontal([
        (pl.col(f"seen:{c}") >= rule.min_history) & (pl.col(c) > rule.factor * pl.col(f"max:{c}"))
        & (pl.col(c) - pl.col(f"max:{c}") >= rule.min_gap) for c in columns]).fill_null(False)).to_series()


def _stock_warning(number: int, model: Any, previous: str, before: dict[str, Any] | None) -> list[ContractError]:
    if not before or before.get(STOCK.stock) is None:
        return []
    figures = {c: getattr(model, c) for c in (STOCK.stock, *STOCK.inflows, *STOCK.outflows)}
    expected = STOCK.expected(before[STOCK.stock], figures)
    if not STOCK.is_discontinuous(figures[STOCK.stock], expected):
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
        value = getattr(model, column)
        if UNUSUAL_VALUE.is_unusual(value, seen):
            highest = max(seen)
            warnings.append(ContractError(
                row=number, column=column, code="unusual_value",
                message=(f"Valeur {value} très supérieure à l'historique du département "
                         f"(au plus {highest} sur les {len(seen)} derniers {unit} reçus) : "
                         "vérifiez la saisie (un zéro en trop ?)."),
                value=str(value)))
    return warnings
