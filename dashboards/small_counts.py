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
from dashboards.display import french_number_text
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
#: How a hidden cell reads in tables, downloads and charts below national, and how a count
#: nobody sent reads (one convention everywhere).
SECRET = "s"
NOT_RECEIVED = "—"
SECRET_LABEL = "s : secret statistique"
NOT_RECEIVED_LABEL = "— : non reçu"
#: Shown in the sidebar to readers below national.
NOTE = ("Secret statistique : les effectifs de 1 à {threshold} sont masqués et notés « s », ainsi "
        "que ceux qui permettraient de les retrouver (par un total, une autre semaine ou le stock). "
        "« — » : aucun rapport reçu. Un département voit ses propres chiffres exacts.")
#: Which column says a row's counts were received (so that a null count is a secret), per
#: column prefix; any other count column looks at the first of ``PRESENCE`` in the result.
PRESENCE_BY_PREFIX = {"month_": "is_month_received", "weeks_": "weeks_received"}
PRESENCE = ("is_received", "departements_received", "departements_recus")


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


def protect(frame: pl.DataFrame, role: Role | None, decided: frozenset[str] = frozenset()) -> pl.DataFrame:
    """``frame`` as ``role`` may see it: unchanged for the national role, small counts
    suppressed below national and for queries made before anyone signs in (``role=None``).
    ``decided``: columns already protected for the whole view (:mod:`dashboards.protection`),
    left as they are (a derived column still follows its sources)."""
    if (role is not None and role.is_national) or frame.is_empty():
        return frame
    threshold = get_settings().small_count_threshold
    group_by = group_totals(frame, role) if role is not None else None
    columns = [c for c in count_columns() if c not in decided]
    row_totals = [r for r in ROW_TOTALS if r.total not in decided and not set(r.parts) & decided]
    protected = suppress(frame, columns, threshold, row_totals=row_totals, group_by=group_by,
                         derived=DERIVED).frame
    return hide_derived(protected)


def hide_derived(frame: pl.DataFrame) -> pl.DataFrame:
    """A derived column is hidden wherever one of its sources is null (hidden, or nothing
    received: then it is null already)."""
    for column, sources in DERIVED.items():
        present = [s for s in sources if s in frame.columns]
        if column in frame.columns and present:
            frame = frame.with_columns(
                pl.when(pl.any_horizontal(pl.col(s).is_null() for s in present))
                .then(None).otherwise(pl.col(column)).alias(column))
    return frame


def note(role: Role) -> str | None:
    """The caption that explains empty cells to a reader below national."""
    if role.is_national:
        return None
    return NOTE.format(threshold=get_settings().small_count_threshold)


def _received(frame: pl.DataFrame, column: str) -> pl.Expr:
    """True where ``column``'s row had something to show (then a null is a hidden cell)."""
    presence = next((p for prefix, p in PRESENCE_BY_PREFIX.items() if column.startswith(prefix)), None)
    candidates = [presence] if presence in frame.columns else [p for p in PRESENCE if p in frame.columns]
    if not candidates:
        return pl.lit(True)  # a result without coverage columns lists received rows only
    marker = candidates[0]
    if frame.schema[marker] == pl.Boolean:
        return pl.col(marker).fill_null(False)
    return pl.col(marker).fill_null(0) > 0


def mark_secret(frame: pl.DataFrame, role: Role | None) -> pl.DataFrame:
    """``frame`` as a table or a download shows it below national: a hidden count reads
    :data:`SECRET`, a count nobody sent :data:`NOT_RECEIVED` (the columns become text)."""
    if role is None or role.is_national or frame.is_empty():
        return frame
    columns = [c for c in (*count_columns(), *DERIVED) if c in frame.columns
               and frame.schema[c].is_numeric()]
    return frame.with_columns(
        pl.when(pl.col(c).is_not_null()).then(french_number_text(c))
        .when(_received(frame, c)).then(pl.lit(SECRET))
        .otherwise(pl.lit(NOT_RECEIVED)).alias(c)
        for c in columns)


def secret_mask(frame: pl.DataFrame, column: str) -> pl.Series:
    """True where ``column`` is a hidden count (null in a row that was received): what a
    chart marks and a map colours apart."""
    if column not in frame.columns:
        return pl.Series([False] * frame.height)
    return frame.select((pl.col(column).is_null() & _received(frame, column)).alias(column))[column]
