"""The per-role protection of the weekly figures: decided once over the whole region and every
week (:mod:`data_contracts.linked_disclosure`), then applied to any query result.

Why here and not per query: a reader combines results (the region's total on one page, its own
figures on another, last week's stock in a download). So the hidden cells of a role are one
set, computed from the published marts once per published file and role (a region's panel is
~10⁵ cells: well under a second), and every result showing a weekly count of a département or
of the region hides exactly those cells. Results this module does not recognise keep the
per-result suppression of :mod:`dashboards.small_counts`.

Reads the marts unscoped on purpose (the decision needs the whole region): it is part of the
security core, with :mod:`dashboards.serving`, and returns only masks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import polars as pl

from accounts.roles import Role
from dashboards import small_counts
from data_contracts.linked_disclosure import (
    MONTH_SUMS, NATIONAL, REGION, STOCK, WEEKLY_MEASURES, Cell, RegionPanel,
    protect_departement_view)
from data_contracts.disclosure_audit import (
    AuditResult, audit_departement_view, audit_region_view, repair_region_view)
from data_contracts.referential import departements as every_departement

#: Derived weekly columns of ``fct_weekly_reports``: hidden when a source cell is.
#: (offset in weeks, measure) of each source.
DERIVED_WEEKLY = {
    "previous_week_suivis_en_cours": ((-1, STOCK),),
    "expected_suivis_en_cours": ((-1, STOCK), (0, "nouveaux_signalements"), (0, "suivis_clos")),
}


def _measures() -> str:
    return ", ".join(WEEKLY_MEASURES)


def load_panel(cursor: duckdb.DuckDBPyConnection, region: str) -> RegionPanel:
    """One region's weekly cells (every week published), from the marts."""
    codes = tuple(code for code, d in every_departement().items() if d.region_code == region)
    weeks = cursor.execute("select week_code, month_code from marts.fct_national_weekly order by week_code").fetchall()
    panel = RegionPanel(region, codes, tuple(w for w, _ in weeks), {w: m for w, m in weeks})
    values = panel.values
    sources = (
        (f"select departement_code, week_code, {_measures()} from marts.fct_weekly_reports "
         "where region_code = ?", [region]),
        (f"select ?, week_code, {_measures()} from marts.fct_regional_weekly where region_code = ?",
         [REGION, region]),
        (f"select ?, week_code, {_measures()} from marts.fct_national_weekly", [NATIONAL]),
    )
    for sql, params in sources:
        for unit, week, *counts in cursor.execute(sql, params).fetchall():
            for measure, value in zip(WEEKLY_MEASURES, counts):
                if value is not None:
                    values[(unit, week, measure)] = int(value)
    monthly = ", ".join(MONTH_SUMS.values())
    for unit, month, *sums in cursor.execute(
            f"select departement_code, month_code, {monthly} from marts.fct_weekly_vs_monthly "
            "where region_code = ?", [region]).fetchall():
        for measure, value in zip(MONTH_SUMS.values(), sums):
            if value is not None:
                values[(unit, month, measure)] = int(value)
    return panel


#: The weeks over which a region view's rules are checked and repaired by the solver (the
#: rules alone hold elsewhere); the audit proves the same window.
REPAIR_WEEKS = 52


def hidden_cells(panel: RegionPanel, role: Role, threshold: int) -> frozenset[Cell]:
    """The weekly cells ``role`` may not see (its own département's never are)."""
    if role.kind == "region":
        return frozenset(repair_region_view(panel, threshold, REPAIR_WEEKS)[0])
    return frozenset(protect_departement_view(panel, role.code, threshold))


def _null_where(frame: pl.DataFrame, column: str, flags: Iterable[bool]) -> pl.DataFrame:
    values = [None if flag else value for flag, value in zip(flags, frame[column].to_list())]
    return frame.with_columns(pl.Series(column, values, dtype=frame.schema[column]))


def _shift(weeks: tuple[str, ...], week: str, offset: int) -> str | None:
    try:
        position = weeks.index(week) + offset
    except ValueError:
        return None
    return weeks[position] if 0 <= position < len(weeks) else None


def apply(frame: pl.DataFrame, hidden: frozenset[Cell], weeks: tuple[str, ...]) -> tuple[pl.DataFrame, set[str]]:
    """Hide ``hidden`` cells in ``frame``; return it and the columns decided here (the caller
    leaves them alone). Recognised: rows per département × week (and the region × week totals)
    with weekly counts, and rows per département × month with the sums of weekly counts."""
    columns = set(frame.columns)
    if "week_code" in columns and ("departement_code" in columns or "region_code" in columns):
        units = (frame["departement_code"].to_list() if "departement_code" in columns
                 else [REGION] * frame.height)
        keys = list(zip(units, frame["week_code"].to_list()))
        decided = set()
        for measure in WEEKLY_MEASURES:
            if measure in columns:
                frame = _null_where(frame, measure, ((u, w, measure) in hidden for u, w in keys))
                decided.add(measure)
        for column, sources in DERIVED_WEEKLY.items():
            if column in columns:
                frame = _null_where(frame, column, (
                    any((u, _shift(weeks, w, offset), m) in hidden for offset, m in sources)
                    for u, w in keys))
                decided.add(column)
        return frame, decided
    if "month_code" in columns and "departement_code" in columns:
        keys = list(zip(frame["departement_code"].to_list(), frame["month_code"].to_list()))
        decided = set()
        for measure in MONTH_SUMS.values():
            if measure in columns:
                frame = _null_where(frame, measure, ((d, m, measure) in hidden for d, m in keys))
                decided.add(measure)
        return frame, decided
    return frame, set()


@dataclass(frozen=True)
class LinkedProtection:
    """One role's decided cells, and the weeks of the panel (to shift to a previous week)."""

    hidden: frozenset[Cell]
    weeks: tuple[str, ...]


def decide(cursor: duckdb.DuckDBPyConnection, role: Role, threshold: int) -> LinkedProtection:
    """The role's protection over everything it can see (below national only)."""
    panel = load_panel(cursor, role.region_codes[0])
    return LinkedProtection(hidden_cells(panel, role, threshold), panel.weeks)


def protect(frame: pl.DataFrame, role: Role | None, linked: LinkedProtection | None) -> pl.DataFrame:
    """``frame`` as ``role`` may see it: the role's decided cells hidden, then the per-result
    rule for the columns not decided here. A département reads its own rows exactly."""
    if role is None or role.is_national or frame.is_empty() or linked is None:
        return small_counts.protect(frame, role)
    frame, decided = apply(frame, linked.hidden, linked.weeks)
    if role.is_departement and {"departement_code", "region_code"} & set(frame.columns):
        return small_counts.hide_derived(frame)
    return small_counts.protect(frame, role, frozenset(decided))


def unprotected_cells(panel: RegionPanel, role: Role, threshold: int) -> frozenset[Cell]:
    """Primary suppression alone (what each result hid before): the audit's counter-example."""
    if role.kind == "region":
        units = set(panel.units())
        return frozenset(c for c, v in panel.values.items() if c[0] in units and 1 <= v <= threshold)
    return frozenset(c for c, v in panel.values.items() if c[0] == REGION and 1 <= v <= threshold)


def audit(panel: RegionPanel, role: Role, threshold: int, weeks: int | None = None,
          protected: bool = True) -> AuditResult:
    """What ``role`` can deduce about every cell it may not see exactly (linear programming,
    :mod:`data_contracts.disclosure_audit`), with its protection (or without, to show the
    audit finds the leaks)."""
    if role.kind == "region" and protected and weeks == REPAIR_WEEKS:
        return repair_region_view(panel, threshold, REPAIR_WEEKS)[1]  # its last round is this audit
    hidden = (hidden_cells if protected else unprotected_cells)(panel, role, threshold)
    if role.kind == "region":
        return audit_region_view(panel, set(hidden), threshold, str(role), weeks)
    return audit_departement_view(panel, role.code, set(hidden), threshold, str(role), weeks)


def audited_roles(region: str | None = None) -> list[Role]:
    """Every role below national (each region, each département), or those of one region."""
    regions = sorted({d.region_code for d in every_departement().values()})
    roles = []
    for code in regions:
        if region is None or code == region:
            roles.append(Role("region", code))
            roles += [Role("departement", d) for d, info in every_departement().items()
                      if info.region_code == code]
    return roles
