"""Tables as pages and downloads show them: French headers, numbers, dates and words.

The rules themselves are :mod:`data_contracts.french_format` (shared with the documents) and
:mod:`data_contracts.labels`; this module applies them to polars frames. A table cell is text
once formatted (« 9 830 », « 1,4 », « Oui », « — »): Streamlit's grid would otherwise print
« 9830 », « 1.4 », « true » and « None » whatever the reader's language.
"""

from __future__ import annotations

import polars as pl

from data_contracts import labels
from data_contracts.calendar import PARIS
from data_contracts.french_format import MISSING, fr_bool, fr_number, fr_percent
from data_contracts.registry import CONTRACTS

#: Code columns whose values are English codes in the marts, and their French words.
CODE_LABELS: dict[str, dict[str, str]] = {
    "status": {**labels.STATUS, **labels.RECEIPT_STATUS, **labels.TEST_STATUS},
    "timeliness": labels.TIMELINESS,
    "report_kind": {kind: model.label for kind, model in CONTRACTS.items()},
    "action_type_code": labels.ACTION_TYPES,
    "target_public_code": labels.TARGET_PUBLICS,
    "partenaire": labels.PARTNERS,
    "partner_type_code": labels.PARTNERS,
}


def header_labels(frame: pl.DataFrame, column_config: dict | None = None) -> dict[str, str]:
    """Column → the header readers see: the page's ``column_config`` label, else the shared
    label, else the column's own name (already French for the pages' computed columns)."""
    headers = {}
    for column in frame.columns:
        configured = (column_config or {}).get(column)
        if isinstance(configured, str):
            headers[column] = configured
        elif isinstance(configured, dict) and configured.get("label"):
            headers[column] = configured["label"]
        else:
            headers[column] = labels.COLUMNS.get(column, column)
    return headers


def is_ratio(column: str) -> bool:
    """Ratios of the marts (``reporting_rate``, ``taux_remontee``, ``mobilising_share``) read as
    percentages."""
    return column.endswith(("_rate", "_share")) or column.startswith("taux_")


def _numbers(series: pl.Series) -> pl.Series:
    format_one = (lambda v: fr_percent(v, 1)) if is_ratio(series.name) else fr_number
    return series.map_elements(format_one, return_dtype=pl.String, skip_nulls=True)


def french_cells(frame: pl.DataFrame, keep: tuple[str, ...] = (), numbers: bool = True) -> pl.DataFrame:
    """``frame`` with every cell as French text (columns in ``keep`` untouched, e.g. a progress
    bar that needs its number). ``numbers=False`` leaves numbers as numbers (the XLSX keeps
    them computable); nulls then stay empty cells."""
    converted = []
    for column, dtype in frame.schema.items():
        if column in keep:
            continue
        expression = pl.col(column)
        if dtype == pl.Boolean:
            expression = expression.map_elements(fr_bool, return_dtype=pl.String, skip_nulls=True)
        elif isinstance(dtype, pl.Datetime):
            utc = expression if dtype.time_zone else expression.dt.replace_time_zone("UTC")
            expression = (utc.dt.convert_time_zone(str(PARIS)).dt.strftime("%d/%m/%Y %H:%M")
                          + " (heure de Paris)")
        elif dtype == pl.Date:
            expression = expression.dt.strftime("%d/%m/%Y")
        elif dtype.is_numeric():
            if not numbers:
                continue
            expression = expression.map_batches(_numbers, return_dtype=pl.String)
        elif dtype == pl.String and column in CODE_LABELS:
            expression = expression.replace(CODE_LABELS[column])
        elif isinstance(dtype, pl.List):
            expression = expression.list.eval(pl.element().cast(pl.String)).list.join(", ")
        elif dtype != pl.String:
            expression = expression.cast(pl.String, strict=False)
        if numbers:
            expression = expression.fill_null(MISSING)
        converted.append(expression.alias(column))
    return frame.with_columns(converted) if converted else frame


def french_number_text(column: str) -> pl.Expr:
    """A count column as grouped French text (« 9 830 »), for tables that mix counts and the
    secret marks « s » / « — »."""
    return pl.col(column).map_batches(_numbers, return_dtype=pl.String)
