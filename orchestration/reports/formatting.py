"""How numbers read in French documents: ``1 234``, ``87,5 %``, ``+3``, ``12 345,50 €``.

The HTML shows these strings; the XLSX keeps the raw numbers with Excel number formats, so that
readers can recompute. Missing values read as an em dash rather than a misleading zero.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from data_contracts.calendar import UTC, format_paris

MISSING = "—"
_THIN_SPACE = "\u202f"  # French typography: narrow no-break space between thousands


def _group(text: str) -> str:
    return text.replace(",", _THIN_SPACE)


def fr_int(value: int | float | Decimal | None) -> str:
    if value is None:
        return MISSING
    return _group(f"{round(value):,}")


def fr_decimal(value: float | Decimal | None, digits: int = 1) -> str:
    if value is None:
        return MISSING
    return _group(f"{float(value):,.{digits}f}").replace(".", ",")


def fr_percent(ratio: float | Decimal | None, digits: int = 0) -> str:
    """A ratio (0.875) as a percentage (``87,5 %``)."""
    if ratio is None:
        return MISSING
    return fr_decimal(float(ratio) * 100, digits) + f"{_THIN_SPACE}%"


def fr_delta(value: int | float | Decimal | None) -> str:
    """A change with its sign; a true minus sign so it cannot be read as a dash."""
    if value is None:
        return MISSING
    if value == 0:
        return "="
    sign = "+" if value > 0 else "\u2212"
    return sign + fr_int(abs(value))


def fr_euros(value: float | Decimal | None) -> str:
    if value is None:
        return MISSING
    return fr_decimal(value, 2) + f"{_THIN_SPACE}€"


def fr_datetime(value: datetime | None) -> str:
    """A UTC instant as Paris wall-clock time (naive values are UTC, as stored)."""
    if value is None:
        return MISSING
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_paris(value)


def fr_short_datetime(value: datetime | None) -> str:
    """Paris wall-clock time without the zone's name, for table cells whose header says it."""
    return fr_datetime(value).removesuffix(" (heure de Paris)")


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
