"""The data-quality rules, stated once: the upload warnings (``ingestion.history``) apply them
in Python, and the marts (``fct_weekly_reports.has_stock_warning`` / ``has_unusual_value``)
apply the same rules through ``dbt_project/macros/quality_rules.sql``, which is generated from
this module (``cipd dbt-sources``; a test fails when the committed file is stale). The Qualité
page, the fiche département and the Thursday synthesis read the mart's columns, so a receipt,
a page and a document cannot disagree about the same row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class StockRule:
    """A stock carries over: this week's = last week's + what came in − what left.
    A report further than ``tolerance`` from that is flagged (accepted, but shown)."""

    stock: str
    inflows: tuple[str, ...]
    outflows: tuple[str, ...]
    tolerance: int

    def expected(self, previous_stock: int, row: Mapping[str, int]) -> int:
        return previous_stock + sum(row[c] for c in self.inflows) - sum(row[c] for c in self.outflows)

    def is_discontinuous(self, declared: int, expected: int) -> bool:
        return abs(declared - expected) > self.tolerance

    def expected_sql(self, previous_stock: str) -> str:
        """The same formula as SQL over the row's columns (rendered into the dbt macro)."""
        terms = [previous_stock, *(f"+ {c}" for c in self.inflows), *(f"- {c}" for c in self.outflows)]
        return "(" + " ".join(terms) + ")"

    def is_discontinuous_sql(self, previous_stock: str) -> str:
        """False, not null, without a previous week to compare with."""
        return (f"coalesce(abs({self.stock} - {self.expected_sql(previous_stock)}) > {self.tolerance}, "
                "false)")


@dataclass(frozen=True)
class UnusualValueRule:
    """A count "far outside" the département's own history: more than ``factor`` times the
    largest value of the previous ``history_periods`` periods received, and by at least
    ``min_gap`` (a typo such as an extra zero), once at least ``min_history`` were received."""

    factor: int
    min_gap: int
    min_history: int
    history_weeks: int
    history_months: int

    def history_periods(self, kind: str) -> int:
        return self.history_weeks if kind == "weekly" else self.history_months

    def is_unusual(self, value: int, seen: Sequence[int]) -> bool:
        if len(seen) < self.min_history:
            return False
        highest = max(seen)
        return value > self.factor * highest and value - highest >= self.min_gap

    def describe(self, kind: str = "weekly") -> str:
        """The rule in French, for the page and document notes that show its results."""
        unit = "semaines" if kind == "weekly" else "mois"
        return (f"valeur plus de {self.factor} fois supérieure au maximum du département sur les "
                f"{self.history_periods(kind)} {unit} précédents reçus, et d'au moins {self.min_gap} "
                f"(au moins {self.min_history} {unit} reçus)")

    def is_unusual_sql(self, value: str, highest: str, seen: str) -> str:
        """The same test as SQL, on a value, the history's max and how many were received."""
        return (f"coalesce({seen} >= {self.min_history} and {value} > {self.factor} * {highest} "
                f"and {value} - {highest} >= {self.min_gap}, false)")


#: ``suivis_en_cours`` = last week's + ``nouveaux_signalements`` − ``suivis_clos``, exactly.
STOCK = StockRule(stock="suivis_en_cours", inflows=("nouveaux_signalements",),
                  outflows=("suivis_clos",), tolerance=0)

UNUSUAL_VALUE = UnusualValueRule(factor=3, min_gap=10, min_history=4, history_weeks=26, history_months=12)
