"""How document cells read: the French rules of :mod:`data_contracts.french_format` (shared with
the dashboards), mapped to the column kinds of :mod:`orchestration.reports.document`.

The HTML shows these strings; the XLSX keeps the raw numbers with Excel number formats, so that
readers can recompute.
"""

from __future__ import annotations

from data_contracts.french_format import (
    MISSING,
    fr_datetime,
    fr_decimal,
    fr_delta,
    fr_euros,
    fr_int,
    fr_percent,
    fr_short_datetime,
)

__all__ = ["FORMATTERS", "MISSING", "format_cell", "fr_datetime", "fr_decimal", "fr_delta",
           "fr_euros", "fr_int", "fr_percent", "fr_short_datetime"]

#: Column kind → formatter, shared by the HTML renderer (the XLSX uses number formats).
FORMATTERS = {
    "int": fr_int,
    "delta": fr_delta,
    "percent": lambda v: fr_percent(v, 1),
    "euros": fr_euros,
    "datetime": fr_short_datetime,
    "text": lambda v: MISSING if v is None or v == "" else str(v),
}


def format_cell(value: object, kind: str) -> str:
    return FORMATTERS[kind](value)
