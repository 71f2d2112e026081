"""Where the dashboards' data leave the national level: small-count suppression of every query
result read by a regional or département role (pages, charts and downloads alike, since they
all show what :func:`dashboards.serving.fetch` returns). The national role sees exact counts.

The rule itself is :mod:`data_contracts.disclosure`; this module only says which columns of
the marts are counts of people or cases, which totals they add up to, and which totals a
reader also sees elsewhere:

* counts: every column the contracts type as a count, and the marts' sums of them;
* totals of a row: ``nouveaux_signalements`` (CNAPR + local), ``actions_total`` (the seven
  kinds of action);
* a regional role reads its départements' rows beside its region's totals
  (``fct_regional_weekly``, and any sum of them), so the rows of one period are a group whose
  total is known; a département role sees one département, whose region also holds others.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from accounts.roles import Role
from data_contracts.disclosure import RowTotal, suppress
from data_contracts.registry import count_fields
from data_contracts.settings import get_settings

#: Count columns the marts derive from the contracts' counts.
DERIVED_COUNTS = ("nouveaux_signalements", "actions_total", "weeks_nouveaux_signalements",
                  "weeks_orientations_judiciaires", "month_suivis_engages",
                  "month_orientations_judiciaires", "previous_week_suivis_en_cours")
MONTHLY_ACTIONS = ("actions_educatives", "actions_psychologiques", "actions_insertion",
                   "actions_parentalite", "actions_citoyennete", "actions_sante", "actions_autres")
ROW_TOTALS = (
    RowTotal("nouveaux_signalements", ("signalements_cnapr", "signalements_locaux")),
    RowTotal("actions_total", MONTHLY_ACTIONS),
)
#: Columns computed from counts (a difference, a deviation): hidden when a source is.
DERIVED = {
    "orientations_gap": ("weeks_orientations_judiciaires", "month_orientations_judiciaires"),
    "expected_suivis_en_cours": ("previous_week_suivis_en_cours", "nouveaux_signalements", "suivis_clos"),
}
PERIOD_COLUMNS = ("week_code", "month_code")
#: Shown in the sidebar to readers below national.
NOTE = ("Secret statistique : les effectifs de 1 à {threshold} sont masqués (cellules vides), "
        "ainsi que ceux qui permettraient de les retrouver à partir d'un total.")


@cache
def count_columns() -> tuple[str, ...]:
    """Every count column a mart may carry: the contracts' counts and the marts' sums."""
    return tuple(dict.fromkeys([*count_fields("weekly"), *count_fields("monthly"), *DERIVED_COUNTS]))


def group_totals(frame: pl.DataFrame, role: Role) -> list[str] | None:
    """The columns whose rows share a total the role also reads (None: no such total)."""
    if role.kind != "region" or "departement_code" not in frame.columns:
        return None
    if frame["departement_code"].n_unique() < 2:
        return None
    return [c for c in PERIOD_COLUMNS if c in frame.columns]


def protect(frame: pl.DataFrame, role: Role | None) -> pl.DataFrame:
    """``frame`` as ``role`` may see it: unchanged for the national role, small counts
    suppressed below national and for queries made before anyone signs in (``role=None``)."""
    if (role is not None and role.is_national) or frame.is_empty():
        return frame
    threshold = get_settings().small_count_threshold
    group_by = group_totals(frame, role) if role is not None else None
    return suppress(frame, count_columns(), threshold, row_totals=ROW_TOTALS, group_by=group_by,
                    derived=DERIVED).frame


def note(role: Role) -> str | None:
    """The caption that explains empty cells to a reader below national."""
    if role.is_national:
        return None
    return NOTE.format(threshold=get_settings().small_count_threshold)
