"""The proof that a view's protection holds: for every cell a reader may not see exactly, the
interval of values still consistent with everything it sees, by linear programming.

Why a solver: a reader who knows the published totals and identities can combine any number of
them (total − own, stock differences over several weeks, a region's column against a month's
row…). The set of values consistent with what it sees is a polytope; the lowest and highest
value of a cell over it are two linear programs (HiGHS, through ``highspy``), and nothing
hand-written can miss a combination. A cell is *disclosed* when its true value is a small
count (1..threshold) and its interval is narrower than the threshold (the τ-ARGUS
"protection interval": the reader cannot tell it within ``threshold``). Zeros and counts above
the threshold are shown by the rule anyway, so their intervals are computed only for the
count of cells checked, not solved.

What a reader knows (:func:`relations`): every visible cell of its view; row totals
(new = CNAPR + locaux); the region's totals = Σ its départements; the nation's = Σ regions
(the rest of the country as one unknown ≥ 0); the département × month sums of weekly counts;
``dont_mineurs`` ≤ new; the stock identity wherever it holds in a series the reader can check
(a series it sees, or the total of the others for a département reader). Every count ≥ 0.

Each connected set of unknowns is one LP; a cell's two bounds are re-solves of it with a new
objective from the previous basis, which keeps the ~10⁵ solves of a full audit in minutes.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np

from data_contracts.linked_disclosure import (
    CLOSED, MONTH_SUMS, NATIONAL, NEW, OTHERS, REGION, ROW_TOTAL, STOCK, WEEKLY_MEASURES, Cell,
    RegionPanel, identity_holds, protect_region_view)

REST = "rest"
#: LPs solved by this process (the audit reports how many it needed).
SOLVES = [0]  # the rest of the country (national − region): one unknown per week and measure


@dataclass(frozen=True)
class Interval:
    """What a reader can deduce about one cell it may not see exactly."""

    cell: Cell
    value: int
    low: float
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass
class AuditResult:
    """One role's audit: how many cells it may not see exactly, how many of them are small
    counts (solved), which of those it can narrow below the threshold."""

    role: str
    cells_checked: int = 0
    sensitive: int = 0
    disclosed: list[Interval] = field(default_factory=list)
    narrowest: Interval | None = None
    seconds: float = 0.0
    solves: int = 0
    #: Rounds of :func:`repair_region_view` that led to this audit (0: none).
    repair_rounds: int = 0
    #: The region view's solved bounds and model (what a repair reads).
    bounds: dict = field(default_factory=dict, repr=False)
    model: list = field(default_factory=list, repr=False)

    def record(self, interval: Interval, threshold: int) -> None:
        self.sensitive += 1
        if self.narrowest is None or interval.width < self.narrowest.width:
            self.narrowest = interval
        if interval.width < threshold - 1e-6:
            self.disclosed.append(interval)

    def as_dict(self) -> dict:
        def cell(interval: Interval | None):
            if interval is None:
                return None
            unit, period, measure = interval.cell
            high = None if math.isinf(interval.high) else round(float(interval.high), 3)
            return {"unit": unit, "period": period, "measure": measure, "value": interval.value,
                    "low": round(float(interval.low), 3), "high": high}
        return {"role": self.role, "cells_checked": self.cells_checked, "sensitive": self.sensitive,
                "disclosed": len(self.disclosed), "narrowest": cell(self.narrowest),
                "narrowest_width": None if self.narrowest is None else (
                    None if math.isinf(self.narrowest.width) else round(float(self.narrowest.width), 3)),
                "seconds": round(self.seconds, 3), "solves": self.solves,
                "repair_rounds": self.repair_rounds,
                "disclosed_cells": [cell(i) for i in self.disclosed[:20]]}


#: A linear relation: coefficients by cell, ``==`` 0 (``equal``) or ``<=`` 0.
@dataclass(frozen=True)
class LinearRelation:
    coefficients: tuple[tuple[Cell, int], ...]
    equal: bool = True


def relations(values: Mapping[Cell, int], units: tuple[str, ...], weeks: list[str],
              months: Mapping[str, list[str]], total_of: Mapping[str, tuple[str, ...]],
              identity_units: tuple[str, ...]) -> list[LinearRelation]:
    """Every relation of the reader's model over ``values`` (cells absent there are missing
    reports and enter nothing). ``total_of``: total unit → the units it sums (REST is added to
    the nation's)."""
    found: list[LinearRelation] = []
    total, parts = ROW_TOTAL
    week_set = set(weeks)
    for unit in units:
        for week in weeks:
            cells = [(unit, week, m) for m in (total, *parts)]
            if all(c in values for c in cells):
                found.append(LinearRelation(((cells[0], 1), *((c, -1) for c in cells[1:]))))
            if (unit, week, "dont_mineurs") in values and (unit, week, NEW) in values:
                found.append(LinearRelation((((unit, week, "dont_mineurs"), 1), ((unit, week, NEW), -1)),
                                            equal=False))
    for total_unit, part_units in total_of.items():
        for week in weeks:
            for measure in WEEKLY_MEASURES:
                if (total_unit, week, measure) not in values:
                    continue
                terms = [((total_unit, week, measure), 1)]
                terms += [((u, week, measure), -1) for u in part_units
                          if u == REST or (u, week, measure) in values]
                found.append(LinearRelation(tuple(terms)))
    for unit in units:
        for month, its_weeks in months.items():
            if not set(its_weeks) <= week_set:
                continue  # a month cut by the window: its sum involves weeks outside it
            for measure, monthly in MONTH_SUMS.items():
                if (unit, month, monthly) in values:
                    found.append(LinearRelation((((unit, month, monthly), 1), *(
                        ((unit, w, measure), -1) for w in its_weeks if (unit, w, measure) in values))))
    for unit in identity_units:
        for previous, week in zip(weeks, weeks[1:]):
            if identity_holds(values, unit, previous, week):
                found.append(LinearRelation((((unit, week, STOCK), 1), ((unit, previous, STOCK), -1),
                                             ((unit, week, NEW), -1), ((unit, week, CLOSED), 1))))
    return found


class _Components:
    """Union-find over the unknowns, so each connected set is solved as its own small LP."""

    def __init__(self, size: int):
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        self.parent[self.find(i)] = self.find(j)


@dataclass(frozen=True)
class Bound:
    """A target's interval: ``exact`` when both ends were solved for it, else the widest span
    seen between the true value and the solutions of other objectives (already ≥ the
    threshold: the real interval can only be wider). ``binding``: the model's relations that
    bound a disclosed cell (what a repair must loosen)."""

    low: float
    high: float
    exact: bool
    binding: tuple[int, ...] = ()


def bounds(known: Mapping[Cell, int], unknown: list[Cell], model: list[LinearRelation],
           targets: Mapping[Cell, int], threshold: int) -> dict[Cell, Bound]:
    """The interval of each target (its true value given) over {unknowns ≥ 0 satisfying
    ``model`` with the ``known`` cells fixed}, solved only as far as needed to tell whether
    it is narrower than ``threshold``. Raises when the model has no solution (a wrong model)."""
    index = {cell: i for i, cell in enumerate(unknown)}
    rows: list[tuple[dict[int, float], float, bool, int]] = []
    components = _Components(len(unknown))
    for number, relation in enumerate(model):
        coefficients: dict[int, float] = {}
        constant = 0.0
        for cell, coefficient in relation.coefficients:
            if cell in index:
                coefficients[index[cell]] = coefficients.get(index[cell], 0) + coefficient
            else:
                constant += coefficient * known[cell]
        coefficients = {i: c for i, c in coefficients.items() if c}
        if not coefficients:
            continue
        rows.append((coefficients, -constant, relation.equal, number))
        first = next(iter(coefficients))
        for other in coefficients:
            components.join(first, other)
    by_component: dict[int, list[int]] = {}
    for i in range(len(unknown)):
        by_component.setdefault(components.find(i), []).append(i)
    rows_of: dict[int, list[int]] = {}
    for r, row in enumerate(rows):
        rows_of.setdefault(components.find(next(iter(row[0]))), []).append(r)
    wanted: dict[int, list[int]] = {}
    for cell in targets:
        wanted.setdefault(components.find(index[cell]), []).append(index[cell])
    result: dict[Cell, Bound] = {}
    for root, target_columns in wanted.items():
        solved = _solve_component(by_component[root], [rows[r] for r in rows_of.get(root, [])],
                                  {t: targets[unknown[t]] for t in target_columns}, threshold)
        for column, bound in solved.items():
            result[unknown[column]] = bound
    return result


def _new_solver() -> highspy.Highs:
    """A silent solver. HiGHS prints its banner on stdout when the first one is made, before
    any option can be set: that one is made with stdout pointed at /dev/null (the CLI's
    ``--json`` output must stay JSON)."""
    if not _BANNER_SHOWN:
        sys.stdout.flush()
        saved = os.dup(1)
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            try:
                solver = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
        _BANNER_SHOWN.append(True)
    else:
        solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    return solver


_BANNER_SHOWN: list[bool] = []


class _Component:
    """One connected LP, re-solved with new objectives from its previous basis."""

    def __init__(self, columns: list[int], rows: list[tuple[dict[int, float], float, bool, int]]):
        self.local = {c: i for i, c in enumerate(columns)}
        self.relations = [number for *_, number in rows]
        starts, indices, coefficients = [0], [], []
        per_column: list[list[tuple[int, float]]] = [[] for _ in columns]
        for r, (row, _, _, _) in enumerate(rows):
            for column, coefficient in row.items():
                per_column[self.local[column]].append((r, coefficient))
        for entries in per_column:
            indices += [r for r, _ in entries]
            coefficients += [c for _, c in entries]
            starts.append(len(indices))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(columns), len(rows)
        lp.col_cost_ = np.zeros(len(columns))
        lp.col_lower_ = np.zeros(len(columns))
        lp.col_upper_ = np.full(len(columns), highspy.kHighsInf)
        lp.row_lower_ = np.array([rhs if equal else -highspy.kHighsInf for _, rhs, equal, _ in rows])
        lp.row_upper_ = np.array([rhs for _, rhs, _, _ in rows])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(coefficients, dtype=float)
        self.solver = _new_solver()
        self.solver.setOptionValue("presolve", "off")  # re-solves start from the last basis
        self.solver.setOptionValue("simplex_strategy", 4)  # primal: a new objective keeps the basis feasible
        self.solver.passModel(lp)
        self.cost = np.zeros(len(columns))

    def optimum(self, costs: Mapping[int, float]) -> np.ndarray | None:
        """A solution minimising Σ cost × column (None: unbounded)."""
        changed = [c for c in set(costs) | set(np.flatnonzero(self.cost))]
        for column in changed:
            self.cost[column] = costs.get(column, 0.0)
        idx = np.array(changed, dtype=np.int32)
        self.solver.changeColsCost(len(idx), idx, self.cost[idx])
        self.solver.run()
        SOLVES[0] += 1
        status = self.solver.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return np.array(self.solver.getSolution().col_value)
        if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return None
        raise RuntimeError(f"disclosure LP ended {self.solver.modelStatusToString(status)}")

    def binding(self) -> tuple[int, ...]:
        duals = self.solver.getSolution().row_dual
        return tuple(self.relations[r] for r, d in enumerate(duals) if abs(d) > 1e-9)


def _solve_component(columns: list[int], rows: list[tuple[dict[int, float], float, bool, int]],
                     truth: Mapping[int, int], threshold: int) -> dict[int, Bound]:
    if not rows:  # nothing links these unknowns: only >= 0
        return {t: Bound(0.0, math.inf, True) for t in truth}
    component = _Component(columns, rows)
    local = component.local
    low = {t: float(v) for t, v in truth.items()}
    high = dict(low)

    def witness(point: np.ndarray | None, upward: Iterable[int]) -> None:
        if point is None:  # unbounded: says something of a column only when pushed alone
            upward = list(upward)
            if len(upward) == 1:
                high[upward[0]] = math.inf
            return
        for t in truth:
            value = point[local[t]]
            low[t], high[t] = min(low[t], value), max(high[t], value)

    def open_targets() -> list[int]:
        return [t for t in truth if high[t] - low[t] < threshold - 1e-6]

    # Push every still-narrow target up, then down, together: most are settled by these;
    # again while a round settles a good share of those left.
    for _ in range(8):
        before = len(open_targets())
        for sign in (-1.0, 1.0):
            pending = open_targets()
            if pending:
                witness(component.optimum({local[t]: sign for t in pending}), pending if sign < 0 else ())
        if not open_targets() or len(open_targets()) > 0.8 * before:
            break
    result: dict[int, Bound] = {}
    for target in open_targets():
        binding: tuple[int, ...] = ()
        for sign in (-1.0, 1.0):
            if high[target] - low[target] >= threshold - 1e-6:
                break
            witness(component.optimum({local[target]: sign}), (target,) if sign < 0 else ())
            binding += component.binding()
        else:
            result[target] = Bound(low[target], high[target], True, tuple(sorted(set(binding))))
            continue
        result[target] = Bound(low[target], high[target], False)
    for target in truth:
        result.setdefault(target, Bound(low[target], high[target], False))
    return result


def _window(panel: RegionPanel, weeks: int | None) -> tuple[list[str], dict[Cell, int]]:
    chosen = list(panel.weeks[-weeks:]) if weeks else list(panel.weeks)
    keep = set(chosen) | {panel.month_of[w] for w in chosen}
    return chosen, {c: v for c, v in panel.values.items() if c[1] in keep}


def _months(panel: RegionPanel, weeks: list[str]) -> dict[str, list[str]]:
    months: dict[str, list[str]] = {}
    for week in panel.weeks:
        months.setdefault(panel.month_of[week], []).append(week)
    return {m: ws for m, ws in months.items() if set(ws) & set(weeks)}


def audit_region_view(panel: RegionPanel, hidden: set[Cell], threshold: int, role: str,
                      weeks: int | None = None) -> AuditResult:
    """``region:<code>``: its départements' cells, its region's totals, the nation's totals."""
    started = time.perf_counter()
    result = AuditResult(role)
    chosen, values = _window(panel, weeks)
    model = relations(values, (*panel.departements, REGION, NATIONAL), chosen, _months(panel, chosen),
                      {REGION: panel.departements, NATIONAL: (REGION, REST)},
                      identity_units=(*panel.departements, REGION, NATIONAL))
    unknown = [c for c in values if c in hidden]
    unknown += sorted({(REST, c[1], c[2]) for r in model for c, _ in r.coefficients if c[0] == REST})
    known = {c: v for c, v in values.items() if c not in hidden}
    targets = {c: values[c] for c in values if c in hidden and 1 <= values[c] <= threshold}
    result.cells_checked = sum(c in hidden for c in values)
    before = SOLVES[0]
    solved = bounds(known, unknown, model, targets, threshold)
    for cell in targets:
        result.record(Interval(cell, values[cell], solved[cell].low, solved[cell].high), threshold)
    result.bounds = solved
    result.model = model
    result.solves = SOLVES[0] - before
    result.seconds = time.perf_counter() - started
    return result


def audit_departement_view(panel: RegionPanel, departement: str, hidden: set[Cell], threshold: int,
                           role: str, weeks: int | None = None) -> AuditResult:
    """``departement:<code>``: its own cells (exact), its region's totals, the nation's. Each
    other département's cell lies in [0, high of the others' part] when another one reported
    that week too (it may hold everything or nothing), else it *is* the others' part."""
    started = time.perf_counter()
    result = AuditResult(role)
    chosen, values = _window(panel, weeks)
    chosen_set = set(chosen)
    others = {c: v for c, v in panel.others_values(departement).items() if c[1] in chosen_set}
    own = {c: v for c, v in values.items() if c[0] == departement}
    national = {c: v for c, v in values.items() if c[0] == NATIONAL}
    every = {**own, **others, **national}
    model = relations(every, (departement, OTHERS, NATIONAL), chosen, {},
                      {NATIONAL: (departement, OTHERS, REST)}, identity_units=(OTHERS, NATIONAL))
    unknown = [c for c in others if (REGION, c[1], c[2]) in hidden]
    unknown += sorted({(REST, c[1], c[2]) for r in model for c, _ in r.coefficients if c[0] == REST})
    unknown_set = set(unknown)
    known = {c: v for c, v in every.items() if c not in unknown_set}
    siblings = [(d, w, m) for d in panel.departements if d != departement
                for w in chosen for m in WEEKLY_MEASURES if (d, w, m) in values]
    result.cells_checked = len(siblings)
    sensitive = [c for c in siblings if 1 <= values[c] <= threshold]
    before = SOLVES[0]
    # A sibling's interval starts at 0 when another one reported (it may hold nothing), so
    # the others' part must reach the threshold; else the part is the sibling's value.
    parts = {(OTHERS, w, m): others[(OTHERS, w, m)] for _, w, m in sensitive
             if (OTHERS, w, m) in unknown_set}
    solved = bounds(known, unknown, model, parts, threshold)
    for cell in sensitive:
        _, week, measure = cell
        part = (OTHERS, week, measure)
        bound = solved.get(part)
        low, high = (bound.low, bound.high) if bound else (others.get(part, 0),) * 2
        if panel.contributors(departement, week) >= 2:
            low = 0.0
        result.record(Interval(cell, values[cell], low, high), threshold)
    result.solves = SOLVES[0] - before
    result.seconds = time.perf_counter() - started
    return result


def _loosening_cell(relations_of: list[LinearRelation], values: Mapping[Cell, int], hidden: set[Cell],
                    units: set[str]) -> Cell | None:
    """The visible cell to hide in the relations that bound a disclosed cell: the smallest
    non-zero flow (least information lost, most slack gained), else a stock, else a zero."""
    candidates = {cell for relation in relations_of for cell, _ in relation.coefficients
                  if cell[0] in units and cell in values and cell not in hidden}
    if not candidates:
        return None
    return min(candidates, key=lambda c: (values[c] == 0, c[2] == STOCK, values[c], c))


def repair_region_view(panel: RegionPanel, threshold: int, weeks: int | None = None,
                       rounds: int = 30) -> tuple[set[Cell], AuditResult]:
    """The region view's protection (:func:`protect_region_view`) made to pass this audit:
    while a cell is disclosed, hide a visible cell of a relation that bounds it, and apply
    the rules again. Returns the hidden cells and the last (clean) audit. The rules leave few
    such cells (two-way patterns of a week's regional total against several départements'
    spans); a round hides one cell per disclosed cell, and hiding only adds, so it ends."""
    units = set(panel.units())
    extra: set[Cell] = set()
    for round_number in range(1, rounds + 1):
        hidden = protect_region_view(panel, threshold, extra)
        result = audit_region_view(panel, hidden, threshold, f"region:{panel.region}", weeks)
        result.repair_rounds = round_number
        if not result.disclosed:
            return hidden, result
        for interval in result.disclosed:
            binding = result.bounds[interval.cell].binding
            cell = _loosening_cell([result.model[i] for i in binding], panel.values, hidden | extra, units)
            if cell is not None:
                extra.add(cell)
    raise RuntimeError(f"region {panel.region}: cells still disclosed after {rounds} repair rounds")
