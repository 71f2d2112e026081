"""Small-count suppression ("secret statistique") of aggregate tables read below the national level.

Why: the hub holds counts of people followed for radicalisation. Once a table leaves the
national level (a département's or a region's page, an export, a shareable report), a count
from 1 to ``threshold`` (``settings.small_count_threshold``, 10 by default) can point at a
person a reader knows. Such cells are hidden (*primary* suppression). Hiding them is not
enough when the table also shows a total they add up to: the total minus the visible cells
would give the hidden value back, so more cells are hidden (*secondary* suppression) until
no total reveals anything small. The national role sees exact counts: callers only apply
this below national.

The rule, for every *relation* (a total and the cells that add up to it — a total column of
the row, such as ``actions_total``, or a total published elsewhere for a group of rows, such
as a region's weekly figures for its départements):

* the total is visible and some parts are hidden: at least two parts must be hidden and their
  sum must exceed the threshold (otherwise "total minus the visible parts" is one small count);
* the total is hidden: at least one part must be hidden too (otherwise it is their sum).

A violated relation hides its smallest visible non-zero part (hiding a zero would not raise
the hidden sum), or, when none is left, the total itself if it is in the table. Hiding only
ever adds cells, so the repair loop ends. Derived columns (``orientations_gap`` is a
difference of two counts) are hidden whenever one of their sources is. Zero is shown: "none"
identifies nobody. Missing values (null: nothing reported) stay null and are never counted.

Pure functions on polars DataFrames: no settings, no I/O; callers pass the threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

Cell = tuple[int, str]  # (row position, column name)


@dataclass(frozen=True)
class RowTotal:
    """Column ``total`` of each row is the sum of columns ``parts`` of the same row."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Suppressed:
    """The protected table (hidden cells set to null) and which cells were hidden."""

    frame: pl.DataFrame
    #: One boolean column per protected column (True: hidden), same row order as ``frame``.
    hidden: pl.DataFrame

    @property
    def hidden_count(self) -> int:
        return int(sum(self.hidden[c].sum() for c in self.hidden.columns))


@dataclass(frozen=True)
class Relation:
    """Cells ``parts`` add up to ``total`` (any hashable cell keys: rows and columns of one
    table here, (unit, period, measure) in :mod:`data_contracts.linked_disclosure`)."""

    parts: tuple
    #: The total's cell when it is in the table; None when it is published elsewhere
    #: (then it is always visible to the reader and cannot be hidden here).
    total: object | None


def is_small(value: object, threshold: int) -> bool:
    """A count a reader may not see: from 1 to ``threshold`` (zero and null are shown)."""
    return value is not None and 1 <= value <= threshold  # type: ignore[operator]


def primary_mask(frame: pl.DataFrame, columns: Sequence[str], threshold: int) -> pl.DataFrame:
    """True where a count is from 1 to ``threshold`` (one boolean column per count column)."""
    return frame.select(
        pl.col(c).is_between(1, threshold).fill_null(False).alias(c) for c in columns)


def _relations(frame: pl.DataFrame, columns: Sequence[str], row_totals: Iterable[RowTotal],
               group_by: Sequence[str] | None) -> list[Relation]:
    relations: list[Relation] = []
    for rule in row_totals:
        if rule.total not in frame.columns or not all(p in frame.columns for p in rule.parts):
            continue
        totals = frame[rule.total].to_list()
        for row, value in enumerate(totals):
            if value is not None:
                relations.append(Relation(tuple((row, p) for p in rule.parts), (row, rule.total)))
    if group_by is not None:
        keys = frame.select(group_by).rows() if group_by else [()] * frame.height
        groups: dict[tuple, list[int]] = {}
        for row, key in enumerate(keys):
            groups.setdefault(key, []).append(row)
        for rows in groups.values():
            for column in columns:
                relations.append(Relation(tuple((row, column) for row in rows), None))
    return relations


def repair_relation(relation: Relation, values: Mapping, hidden: set,
                    threshold: int):
    """The next cell to hide for ``relation`` to reveal nothing small, or None if it is safe
    (or cannot be made safer)."""
    present = [p for p in relation.parts if values[p] is not None]
    hidden_parts = [p for p in present if p in hidden]
    visible_parts = sorted((p for p in present if p not in hidden),
                           key=lambda p: (values[p] == 0, values[p], p))
    nonzero = [p for p in visible_parts if values[p] != 0]
    if relation.total is not None and relation.total in hidden:
        return visible_parts[0] if not hidden_parts and visible_parts else None
    if not hidden_parts:
        return None
    hidden_sum = sum(values[p] for p in hidden_parts)  # type: ignore[misc]
    if len(hidden_parts) >= 2 and hidden_sum > threshold:
        return None
    if nonzero:
        return nonzero[0]
    if relation.total is not None:
        return relation.total
    # A total published elsewhere and only zeros left: hiding one more cell at least keeps
    # the reader from knowing which of the hidden cells holds the value.
    return visible_parts[0] if len(hidden_parts) < 2 and visible_parts else None


def suppress(frame: pl.DataFrame, columns: Sequence[str], threshold: int, *,
             row_totals: Iterable[RowTotal] = (), group_by: Sequence[str] | None = None,
             derived: Mapping[str, Sequence[str]] | None = None) -> Suppressed:
    """Hide small counts of ``columns`` and whatever would let a reader recompute them.

    ``row_totals``: total columns of the row and their parts (both in ``columns``).
    ``group_by``: the rows of each group (same values of these columns; ``[]`` = the whole
    table) add up, column by column, to a total the reader can see elsewhere (e.g. the region's
    figures beside its départements); None when no such total exists.
    ``derived``: column → the count columns it is computed from; hidden when any source is.
    Columns absent from ``frame`` are ignored, so one policy fits every query's result.
    """
    columns = [c for c in columns if c in frame.columns]
    derived = {d: tuple(s for s in sources if s in frame.columns)
               for d, sources in (derived or {}).items() if d in frame.columns}
    protected = list(dict.fromkeys([*columns, *derived]))
    values: dict[Cell, object] = {}
    for column in columns:
        for row, value in enumerate(frame[column].to_list()):
            values[(row, column)] = value
    primary = primary_mask(frame, columns, threshold)
    hidden: set[Cell] = {(row, c) for c in columns for row, flag in enumerate(primary[c]) if flag}
    relations = _relations(frame, columns, row_totals, group_by)
    changed = True
    while changed:
        changed = False
        for relation in relations:
            cell = repair_relation(relation, values, hidden, threshold)
            if cell is not None:
                hidden.add(cell)
                changed = True
    for column, sources in derived.items():
        for row in range(frame.height):
            if any((row, s) in hidden for s in sources):
                hidden.add((row, column))
    mask = pl.DataFrame({c: [(row, c) in hidden for row in range(frame.height)] for c in protected},
                        schema={c: pl.Boolean for c in protected})
    protected_frame = frame.with_columns(
        pl.Series(c, [None if flag else value for flag, value in zip(mask[c], frame[c])],
                  dtype=frame.schema[c]) for c in protected)
    return Suppressed(protected_frame, mask)
