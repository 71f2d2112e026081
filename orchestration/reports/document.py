"""The shape every national document shares, whatever its renderer.

A document is a title, a knowledge stamp, headline figures, an optional chart and a list of
tables. The HTML template and the XLSX writer both walk this one structure, so the workbook can
never show a figure the HTML does not (and tests can compare them cell by cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from orchestration.reports.formatting import fr_int

ColumnKind = Literal["text", "int", "delta", "percent", "euros", "datetime"]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "int"


#: The columns that name a département, first in every per-département table.
DEPARTEMENT_COLUMNS = (Column("departement_code", "Code", "text"),
                       Column("departement_name", "Département", "text"))
WITH_REGION = (*DEPARTEMENT_COLUMNS, Column("region_name", "Région", "text"))


@dataclass(frozen=True)
class Table:
    """One table of the document; ``sheet`` is its XLSX sheet name (31 characters at most,
    Excel's limit) and ``anchor`` its HTML id, both stable so tests and readers can find it."""

    anchor: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    note: str = ""
    empty_text: str = "Rien à signaler."

    def __post_init__(self) -> None:
        if len(self.sheet) > 31:
            raise ValueError(f"XLSX sheet names are limited to 31 characters: {self.sheet!r}")


@dataclass(frozen=True)
class KeyFigure:
    """A headline number with its change since the previous period (None when unknown)."""

    key: str
    label: str
    value: int | float | None
    previous: int | float | None = None
    kind: ColumnKind = "int"

    def __post_init__(self) -> None:
        if self.previous is not None and self.kind != "int":
            raise ValueError("only counts carry a change since the previous period")

    @property
    def change(self) -> int | float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class ChartSeries:
    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    x_labels: tuple[str, ...]
    series: tuple[ChartSeries, ...]


@dataclass(frozen=True)
class Document:
    """A French national document. ``known_at`` is the instant of the knowledge it reflects:
    reports received after it are treated as not yet received."""

    slug: str
    title: str
    period_label: str
    recipients: tuple[str, ...]
    known_at: datetime
    key_figures: tuple[KeyFigure, ...]
    tables: tuple[Table, ...]
    chart: Chart | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: What the key figures' changes compare with (« semaine précédente, 2026-W47 »).
    comparison_label: str = "période précédente"

    def table(self, anchor: str) -> Table:
        return next(t for t in self.tables if t.anchor == anchor)


def figures_with_change(current: dict[str, Any], previous: dict[str, Any] | None,
                        labels: dict[str, str]) -> tuple[KeyFigure, ...]:
    """Headline counts of a period next to the previous period's (None when it has no row)."""
    return tuple(KeyFigure(key, label, current[key], previous[key] if previous else None)
                 for key, label in labels.items())


def trend_chart(title: str, rows: list[dict[str, Any]], period_key: str,
                labels: dict[str, str]) -> Chart:
    """A line per measure over the periods of ``rows`` (oldest first)."""
    return Chart(
        title=title,
        x_labels=tuple(row[period_key] for row in rows),
        series=tuple(ChartSeries(label, tuple(row[key] for row in rows)) for key, label in labels.items()),
    )


def reading_notes(reports: str, pending_uploads: int, *specific: str) -> tuple[str, ...]:
    """The notes every national document carries (how totals read, uploads still being
    integrated) around the document's own. ``reports``: « rapports hebdomadaires »…"""
    notes = [f"Totaux nationaux : somme des {reports} reçus ; un département sans rapport n'est "
             "pas compté (il n'est pas compté comme zéro).", *specific]
    if pending_uploads:
        notes.append(f"{fr_int(pending_uploads)} dépôt(s) reçu(s) ne sont pas encore intégrés à "
                     "ces chiffres (intégration en cours).")
    return tuple(notes)
