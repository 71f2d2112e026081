"""Small-count protection decided once per *view* (what one reader role sees, every page, chart,
download and period together), not per query result.

Why: per-result suppression (:func:`data_contracts.disclosure.suppress`) cannot see that two
results are linked. A ``departement:2A`` reader knows its own figures and reads the Corse
total: total − own = 2B. A ``region:84`` reader reads weekly stocks and new signalements:
stock_{t−1} + new − stock_t = the closings a page hid. So the decision here is taken over a
whole region's panel of weekly cells and every relation a reader knows:

* row totals: ``nouveaux_signalements`` = CNAPR + locaux;
* the region's weekly totals = Σ its départements (and the nation's = Σ regions);
* the weekly-vs-monthly sums the hub publishes (``weeks_nouveaux_signalements``,
  ``weeks_orientations_judiciaires`` = Σ of the month's weeks);
* the stock identity stock_t = stock_{t−1} + new_t − closed_t, wherever it holds.

Two views exist per region. The *region view* (``region:<code>``) shows each of the region's
départements and the region's totals. A *département view* (``departement:<code>``) shows
the reader's own figures exactly (it sent them) and the region's totals, so what it must not
learn is the *other* départements' part, total − own: that part is protected as one unit.

The rule for every unit's series (a département, or "the region minus me"):

1. primary: a count from 1 to ``threshold`` is hidden (zero and missing are shown);
2. secondary, for each total a reader knows: at least two hidden parts adding up to more than
   the threshold (:func:`data_contracts.disclosure.repair_relation`);
3. stocks: between two visible stocks the reader knows Σ (new − closed). A stock is shown only
   when the closings hidden since the previous visible stock (and the new signalements hidden
   likewise) are at least two and add up to more than the threshold; otherwise it is hidden and
   the span runs on to the next week. Spans start at the panel's first week, so a later
   publication (one more week) never shows a stock an earlier one hid, except to close a span
   that has become safe.

Hiding only adds cells, so the loop ends. Pure functions: callers load the panel and pass the
threshold; :mod:`data_contracts.disclosure_audit` proves the result by linear programming.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from data_contracts.disclosure import Relation, repair_relation

#: (unit, period, measure): unit is a département code, REGION or NATIONAL; period a week code
#: (or a month code for the monthly sums of weekly counts).
Cell = tuple[str, str, str]

REGION = "region"
NATIONAL = "national"
OTHERS = "others"  # the département view's unknown: the region minus the reader

WEEKLY_MEASURES = ("signalements_cnapr", "signalements_locaux", "nouveaux_signalements",
                   "dont_mineurs", "orientations_judiciaires", "suivis_en_cours", "suivis_clos",
                   "familles_accompagnees")
NEW, CLOSED, STOCK = "nouveaux_signalements", "suivis_clos", "suivis_en_cours"
ROW_TOTAL = (NEW, ("signalements_cnapr", "signalements_locaux"))
#: Weekly measure → the published monthly sum of its weeks (fct_weekly_vs_monthly).
MONTH_SUMS = {NEW: "weeks_nouveaux_signalements",
              "orientations_judiciaires": "weeks_orientations_judiciaires"}


@dataclass
class RegionPanel:
    """True weekly counts of one region: every département, the region's and the nation's
    totals, and the département × month sums of weekly counts. Only non-null values."""

    region: str
    departements: tuple[str, ...]
    weeks: tuple[str, ...]
    month_of: dict[str, str]
    values: dict[Cell, int] = field(default_factory=dict)

    def units(self) -> tuple[str, ...]:
        return (*self.departements, REGION)

    def months(self) -> dict[str, list[str]]:
        months: dict[str, list[str]] = {}
        for week in self.weeks:
            months.setdefault(self.month_of[week], []).append(week)
        return months

    def others_values(self, departement: str) -> dict[Cell, int]:
        """The region's totals minus ``departement``'s figures, as unit :data:`OTHERS`."""
        result = {}
        for week in self.weeks:
            for measure in WEEKLY_MEASURES:
                total = self.values.get((REGION, week, measure))
                if total is not None:
                    result[(OTHERS, week, measure)] = total - self.values.get((departement, week, measure), 0)
        return result

    def contributors(self, departement: str, week: str) -> int:
        """How many other départements of the region reported ``week``."""
        return sum((d, week, NEW) in self.values for d in self.departements if d != departement)


def identity_holds(values: Mapping[Cell, int], unit: str, previous: str, week: str) -> bool:
    """stock_t = stock_{t−1} + new_t − closed_t holds for these two weeks' true figures."""
    cells = [values.get((unit, w, m)) for w, m in ((previous, STOCK), (week, STOCK), (week, NEW), (week, CLOSED))]
    if any(v is None for v in cells):
        return False
    before, after, new, closed = cells
    return after == before + new - closed


def static_relations(values: Mapping[Cell, int], units: Iterable[str], weeks: Iterable[str],
                     parts_of: Mapping[str, tuple[str, ...]] | None = None,
                     months: Mapping[str, list[str]] | None = None) -> list[Relation]:
    """Row totals of every unit, group totals (``parts_of``: total unit → part units, per week
    and measure) and the monthly sums (``months``) of the part units."""
    relations: list[Relation] = []
    weeks = list(weeks)
    total, parts = ROW_TOTAL
    for unit in units:
        for week in weeks:
            cells = [(unit, week, p) for p in parts]
            if (unit, week, total) in values and all(c in values for c in cells):
                relations.append(Relation(tuple(cells), (unit, week, total)))
    for total_unit, part_units in (parts_of or {}).items():
        for week in weeks:
            for measure in WEEKLY_MEASURES:
                cells = tuple((u, week, measure) for u in part_units if (u, week, measure) in values)
                total_cell = (total_unit, week, measure)
                if cells and total_cell in values:
                    relations.append(Relation(cells, total_cell))
        for unit in part_units:
            for month, its_weeks in (months or {}).items():
                for measure, monthly in MONTH_SUMS.items():
                    cells = tuple((unit, w, measure) for w in its_weeks if (unit, w, measure) in values)
                    total_cell = (unit, month, monthly)
                    if cells and total_cell in values:
                        relations.append(Relation(cells, total_cell))
    return relations


def _span_is_safe(flows: list[int], threshold: int) -> bool:
    return not flows or (len(flows) >= 2 and sum(flows) > threshold)


def hide_stocks(values: Mapping[Cell, int], hidden: set[Cell], unit: str, weeks: list[str],
                threshold: int) -> bool:
    """Rule 3 on one unit's series; True when it hid a stock."""
    changed = False
    spans: dict[str, list[int]] = {NEW: [], CLOSED: []}
    for previous, week in zip(weeks, weeks[1:]):
        if not identity_holds(values, unit, previous, week):
            spans = {NEW: [], CLOSED: []}
            continue
        for measure in spans:
            if (unit, week, measure) in hidden:
                spans[measure].append(values[(unit, week, measure)])
        stock = (unit, week, STOCK)
        if stock in hidden:
            continue
        if all(_span_is_safe(flows, threshold) for flows in spans.values()):
            spans = {NEW: [], CLOSED: []}
        else:
            hidden.add(stock)
            changed = True
    return changed


def settle(values: Mapping[Cell, int], hidden: set[Cell], relations: list[Relation],
           series: Iterable[str], weeks: list[str], threshold: int) -> set[Cell]:
    """Apply rules 2 and 3 until nothing changes (hiding only adds cells, so this ends)."""
    series = list(series)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            while (cell := repair_relation(relation, values, hidden, threshold)) is not None:
                hidden.add(cell)
                changed = True
        for unit in series:
            changed |= hide_stocks(values, hidden, unit, weeks, threshold)
    return hidden


def primary(values: Mapping[Cell, int], units: Iterable[str], threshold: int) -> set[Cell]:
    units = set(units)
    return {cell for cell, value in values.items() if cell[0] in units and 1 <= value <= threshold}


def protect_region_view(panel: RegionPanel, threshold: int, also: Iterable[Cell] = ()) -> set[Cell]:
    """Cells a ``region:<code>`` reader may not see: its départements' (weekly and monthly
    sums) and its region's totals. ``also``: cells to hide whatever the rules say (a repair
    found by :func:`data_contracts.disclosure_audit.repair_region_view`)."""
    units = panel.units()
    hidden = primary(panel.values, units, threshold) | set(also)
    relations = static_relations(panel.values, units, panel.weeks,
                                 parts_of={REGION: panel.departements}, months=panel.months())
    return settle(panel.values, hidden, relations, units, list(panel.weeks), threshold)


def protect_departement_view(panel: RegionPanel, departement: str, threshold: int) -> set[Cell]:
    """Cells of the region's totals a ``departement:<code>`` reader may not see (as
    ``(REGION, week, measure)``): those that would let it learn the other départements' part."""
    others = panel.others_values(departement)
    hidden = primary(others, (OTHERS,), threshold)
    relations = static_relations(others, (OTHERS,), panel.weeks)
    settle(others, hidden, relations, (OTHERS,), list(panel.weeks), threshold)
    return {(REGION, week, measure) for _, week, measure in hidden}
