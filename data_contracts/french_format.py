"""How numbers and dates read in French, for every reader (documents, dashboards, downloads):
``1 234``, ``87,5 %``, ``−3``, ``12 345,50 €``, ``26/11/2026``, ``janv. 2026``.

One rule in one place: the national documents (``orchestration.reports``) and the Streamlit
pages (metrics, tables, chart axes) both import it, so a figure reads the same on a page, in
its download and in the minister's PDF. Missing values read as an em dash rather than a
misleading zero. Thousands are grouped with a narrow no-break space (U+202F), as the
Imprimerie nationale's rules and CLDR's fr-FR locale write them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from data_contracts.calendar import UTC, format_paris, parse_month

MISSING = "—"
THIN_SPACE = "\u202f"  # narrow no-break space: between thousands and before « % » / « € »
MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
               "septembre", "octobre", "novembre", "décembre")
#: CLDR fr-FR abbreviated month names (what d3's fr-FR locale writes too).
MONTH_ABBREVIATIONS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                       "sept.", "oct.", "nov.", "déc.")
#: plotly's ``layout.separators``: decimal comma, then the thousands separator.
PLOTLY_SEPARATORS = "," + THIN_SPACE


def _group(text: str) -> str:
    return text.replace(",", THIN_SPACE)


def fr_int(value: int | float | Decimal | None) -> str:
    if value is None:
        return MISSING
    return _group(f"{round(value):,}")


def fr_decimal(value: float | Decimal | None, digits: int = 1) -> str:
    if value is None:
        return MISSING
    return _group(f"{float(value):,.{digits}f}").replace(".", ",")


def fr_number(value: int | float | Decimal | None, digits: int = 2) -> str:
    """An integer as ``1 234``, anything else with at most ``digits`` decimals (``1,4``,
    ``0,05``): trailing zeros dropped, as a table of rates reads."""
    if value is None:
        return MISSING
    if isinstance(value, int):
        return fr_int(value)
    text = fr_decimal(value, digits)
    return text.rstrip("0").rstrip(",") if "," in text else text


def fr_percent(ratio: float | Decimal | None, digits: int = 0) -> str:
    """A ratio (0.875) as a percentage (``87,5 %``)."""
    if ratio is None:
        return MISSING
    return fr_decimal(float(ratio) * 100, digits) + f"{THIN_SPACE}%"


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
    return fr_decimal(value, 2) + f"{THIN_SPACE}€"


def fr_date(value: date | None) -> str:
    """``26/11/2026``."""
    if value is None:
        return MISSING
    return value.strftime("%d/%m/%Y")


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


def fr_month(code: str) -> str:
    """A month code (``2026-01``) as its French name: ``janvier 2026``."""
    year, number = parse_month(code)
    return f"{MONTH_NAMES[number - 1]} {year}"


def fr_short_month(code: str) -> str:
    """A month code as chart axes read it: ``janv. 2026``."""
    year, number = parse_month(code)
    return f"{MONTH_ABBREVIATIONS[number - 1]} {year}"


def fr_bool(value: bool | None) -> str:
    if value is None:
        return MISSING
    return "Oui" if value else "Non"
