"""Small-count suppression: primary (1..threshold), secondary (totals give nothing back),
derived columns, and a property test that no hidden cell can be recomputed from what a reader
sees (the visible cells and every total they add up to)."""

from __future__ import annotations

from fractions import Fraction

import polars as pl
import pytest
from hypothesis import given, settings as hypothesis_settings, strategies as st

from data_contracts.disclosure import RowTotal, is_small, primary_mask, suppress

THRESHOLD = 10


def hidden_cells(result) -> set[tuple[int, str]]:
    return {(row, c) for c in result.hidden.columns
            for row, flag in enumerate(result.hidden[c].to_list()) if flag}


# --- Primary suppression ----------------------------------------------------------------------

@pytest.mark.parametrize(("value", "small"), [
    (None, False), (0, False), (1, True), (5, True), (10, True), (11, False), (1000, False)])
def test_small_means_one_to_threshold(value, small):
    assert is_small(value, THRESHOLD) is small


def test_primary_mask_marks_one_to_threshold_only():
    frame = pl.DataFrame({"n": [0, 1, 10, 11, None], "label": ["a", "b", "c", "d", "e"]})
    assert primary_mask(frame, ["n"], THRESHOLD)["n"].to_list() == [False, True, True, False, False]


def test_threshold_is_a_parameter():
    frame = pl.DataFrame({"n": [3, 4, 5]})
    assert suppress(frame, ["n"], 4).frame["n"].to_list() == [None, None, 5]
    assert suppress(frame, ["n"], 0).frame["n"].to_list() == [3, 4, 5]


def test_hidden_cells_become_null_and_everything_else_is_kept():
    frame = pl.DataFrame({"code": ["01", "02"], "n": [3, 40], "rate": [0.5, 0.25]},
                         schema={"code": pl.String, "n": pl.Int32, "rate": pl.Float64})
    result = suppress(frame, ["n", "not_in_frame"], THRESHOLD)
    assert result.frame.schema == frame.schema
    assert result.frame.to_dicts() == [{"code": "01", "n": None, "rate": 0.5},
                                       {"code": "02", "n": 40, "rate": 0.25}]
    assert result.hidden.columns == ["n"] and result.hidden_count == 1


def test_zero_and_missing_stay_visible():
    frame = pl.DataFrame({"n": [0, None, 12]})
    result = suppress(frame, ["n"], THRESHOLD, group_by=[])
    assert result.frame["n"].to_list() == [0, None, 12]
    assert result.hidden_count == 0


# --- Secondary suppression: totals of the row ---------------------------------------------------

TOTAL = RowTotal("total", ("a", "b", "c"))


def row(a, b, c, total=None):
    return pl.DataFrame({"a": [a], "b": [b], "c": [c], "total": [a + b + c if total is None else total]})


def shown(result) -> dict:
    return result.frame.to_dicts()[0]


def test_one_small_part_hides_the_smallest_other_part():
    result = suppress(row(3, 40, 25), ["a", "b", "c", "total"], THRESHOLD, row_totals=[TOTAL])
    assert shown(result) == {"a": None, "b": 40, "c": None, "total": 68}


def test_hidden_parts_must_add_up_to_more_than_the_threshold():
    # 2 and 3 hidden: "68 - 63" would reveal that together they are 5, a small count.
    result = suppress(row(2, 3, 63, total=68), ["a", "b", "c", "total"], THRESHOLD,
                      row_totals=[TOTAL])
    assert shown(result) == {"a": None, "b": None, "c": None, "total": 68}


def test_hidden_parts_adding_up_to_more_than_the_threshold_are_enough():
    result = suppress(row(4, 9, 63), ["a", "b", "c", "total"], THRESHOLD, row_totals=[TOTAL])
    assert shown(result) == {"a": None, "b": None, "c": 63, "total": 76}


def test_a_small_total_is_hidden_with_its_parts():
    result = suppress(row(3, 0, 2), ["a", "b", "c", "total"], THRESHOLD, row_totals=[TOTAL])
    assert shown(result) == {"a": None, "b": 0, "c": None, "total": None}


def test_a_total_hidden_alone_would_be_the_sum_of_its_parts():
    # Only the total is small... impossible for counts, but a total can be hidden by another
    # relation: here by its column, whose other cell is small.
    frame = pl.DataFrame({"a": [20, 2], "b": [15, 0], "total": [35, 2]})
    result = suppress(frame, ["a", "b", "total"], THRESHOLD,
                      row_totals=[RowTotal("total", ("a", "b"))], group_by=[])
    hidden = hidden_cells(result)
    assert (1, "a") in hidden and (1, "total") in hidden
    # row 0: its total is hidden (column "total" needed a second cell), so a part is too
    assert (0, "total") in hidden and {(0, "a"), (0, "b")} & hidden


def test_no_nonzero_part_left_hides_the_total():
    frame = pl.DataFrame({"a": [5], "b": [0], "total": [50]})  # inconsistent on purpose
    result = suppress(frame, ["a", "b", "total"], THRESHOLD, row_totals=[RowTotal("total", ("a", "b"))])
    assert shown(result) == {"a": None, "b": 0, "total": None}


def test_missing_total_is_no_relation():
    frame = pl.DataFrame({"a": [3], "b": [40], "total": [None]}, schema={
        "a": pl.Int64, "b": pl.Int64, "total": pl.Int64})
    result = suppress(frame, ["a", "b", "total"], THRESHOLD, row_totals=[RowTotal("total", ("a", "b"))])
    assert shown(result) == {"a": None, "b": 40, "total": None}


def test_a_row_total_whose_columns_are_absent_is_ignored():
    frame = pl.DataFrame({"a": [3], "b": [40]})
    result = suppress(frame, ["a", "b"], THRESHOLD, row_totals=[RowTotal("total", ("a", "b"))])
    assert shown(result) == {"a": None, "b": 40}


# --- Secondary suppression: totals of groups of rows (published elsewhere) ------------------------

def test_group_total_published_elsewhere_hides_a_second_row():
    frame = pl.DataFrame({"week": ["W1"] * 3 + ["W2"] * 3, "dep": ["01", "02", "03"] * 2,
                          "n": [4, 30, 12, 20, 30, 40]})
    result = suppress(frame, ["n"], THRESHOLD, group_by=["week"])
    assert result.frame["n"].to_list() == [None, 30, None, 20, 30, 40]


def test_whole_table_as_one_group():
    frame = pl.DataFrame({"n": [7, 0, 0]})
    result = suppress(frame, ["n"], THRESHOLD, group_by=[])
    # one non-zero cell: hiding a zero too keeps the reader from knowing which cell holds it
    assert result.hidden_count == 2 and result.frame["n"].to_list()[0] is None


def test_without_group_totals_rows_are_independent():
    frame = pl.DataFrame({"n": [4, 30, 12]})
    assert suppress(frame, ["n"], THRESHOLD).frame["n"].to_list() == [None, 30, 12]


# --- Derived columns ------------------------------------------------------------------------------

def test_derived_column_is_hidden_with_any_of_its_sources():
    frame = pl.DataFrame({"weeks": [3, 40], "month": [25, 41], "gap": [22, 1]})
    result = suppress(frame, ["weeks", "month"], THRESHOLD, derived={"gap": ("weeks", "month")})
    assert result.frame.to_dicts() == [{"weeks": None, "month": 25, "gap": None},
                                       {"weeks": 40, "month": 41, "gap": 1}]


# --- Property: nothing small is shown, nothing hidden can be recomputed ---------------------------

def _determined(unknowns: list, equations: list[dict]) -> set:
    """Unknowns fixed by the linear equations (each: unknown → coefficient), by exact Gaussian
    elimination: x is determined iff its unit vector lies in the row space."""
    index = {u: i for i, u in enumerate(unknowns)}
    rows = [[Fraction(0)] * len(unknowns) for _ in equations]
    for r, equation in enumerate(equations):
        for unknown, coefficient in equation.items():
            rows[r][index[unknown]] += coefficient
    # reduced row echelon form
    pivots, r = [], 0
    for col in range(len(unknowns)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][col] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                rows[i] = [a - rows[i][col] * b for a, b in zip(rows[i], rows[r])]
        pivots.append(col)
        r += 1
    determined = set()
    for i, col in enumerate(pivots):
        if all(v == 0 for j, v in enumerate(rows[i]) if j != col):
            determined.add(unknowns[col])
    return determined


#: Rows of three counts (small, around the threshold, large); groups of at least two rows, as
#: the départements of a region (a one-row group's total is that row, hidden the same way).
counts = st.one_of(st.integers(0, 3), st.integers(0, 14), st.integers(0, 60))
tables = st.lists(st.tuples(counts, counts, counts), min_size=2, max_size=6)


def group_of(position: int, size: int) -> str:
    return "r1" if size < 4 or position < size // 2 else "r2"


@hypothesis_settings(max_examples=300, deadline=None)
@given(tables)
def test_property_no_small_count_visible_and_no_hidden_cell_recoverable(rows):
    frame = pl.DataFrame({"group": [group_of(i, len(rows)) for i in range(len(rows))],
                          "a": [r[0] for r in rows], "b": [r[1] for r in rows],
                          "c": [r[2] for r in rows]})
    frame = frame.with_columns((pl.col("a") + pl.col("b") + pl.col("c")).alias("total"))
    columns = ["a", "b", "c", "total"]
    result = suppress(frame, columns, THRESHOLD, row_totals=[TOTAL_ABC], group_by=["group"])
    hidden = hidden_cells(result)
    for c in columns:
        for row_number, value in enumerate(result.frame[c].to_list()):
            assert not is_small(value, THRESHOLD), (row_number, c, value)
    # What a reader knows: each row's total = a + b + c; each group's column sums (published
    # beside the table, unless small: then they are hidden where they are published).
    equations = []
    for row_number in range(frame.height):
        equation = {("x", row_number, p): 1 for p in "abc" if (row_number, p) in hidden}
        if (row_number, "total") in hidden:
            equation[("x", row_number, "total")] = -1
        if equation:
            equations.append(equation)
    for group in set(frame["group"]):
        members = [i for i, g in enumerate(frame["group"]) if g == group]
        for c in columns:
            equation = {("x", i, c): 1 for i in members if (i, c) in hidden}
            if equation and not is_small(frame[c].gather(members).sum(), THRESHOLD):
                equations.append(equation)
    unknowns = sorted({u for e in equations for u in e})
    assert not _determined(unknowns, equations), result.frame


TOTAL_ABC = RowTotal("total", ("a", "b", "c"))
