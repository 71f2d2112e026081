"""A file's outcome does not depend on which path its rows took: validate_table with the
whole-file proof gives the same errors (codes, rows, French messages) and the same rows as
the row-by-row path alone; history warnings found over whole columns are those of the
per-row rules run on every row."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from data_contracts import registry
from data_contracts.calendar import iter_weeks, shift_week
from ingestion import history, validate
from ingestion.readers.table import ParsedTable
from ingestion.validate import validate_table
from tests_now import FROZEN_NOW
from valid_rows import MONTHLY, PRACTICE, WEEKLY

VALID = {"weekly": WEEKLY, "monthly": MONTHLY, "practices": PRACTICE}
SAME = hypothesis_settings(max_examples=150, deadline=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
_CELLS = st.one_of(
    st.sampled_from(["0", "7", "1 041", "-3", "2,5", "", "  ", "=SOMME(A1)", "@x", "+1", "douze",
                     "2026-W47", "2026-W46", "2026-W53", "2027-W01", "13", "75", "2A", "1", "971",
                     "marie@example.org", "06 12 34 56 78", "oui", "non", "12 500,50", "Familles",
                     "parentalite", "x" * 501, "Réunion ; « cellule »", None]),
    st.text(max_size=12),
)


@st.composite
def tables(draw, kind: str):
    """A parsed file: copies of a valid row, some cells replaced, some rows repeated."""
    header = list(VALID[kind])
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        row = dict(VALID[kind])
        if kind == "weekly":
            row["semaine"] = draw(st.sampled_from(["2026-W45", "2026-W46", "2026-W47"]))
        for name in draw(st.lists(st.sampled_from(header), max_size=3)):
            row[name] = draw(_CELLS)
        rows.append([row[h] for h in header])
    numbered = [(n + 1, cells) for n, cells in enumerate(rows)]
    return ParsedTable(format="csv", header=header, rows=numbered)


def _both_paths(kind: str, table: ParsedTable, departement: str, monkeypatch):
    proved = validate_table(kind, table, departement, now=FROZEN_NOW)
    with monkeypatch.context() as patch:
        patch.setattr(validate, "prove_rows", lambda *args, **kwargs: None)
        row_by_row = validate_table(kind, table, departement, now=FROZEN_NOW)
    return proved, row_by_row


def _assert_same(proved, row_by_row):
    assert [e.as_dict() for e in proved.errors] == [e.as_dict() for e in row_by_row.errors]
    assert proved.error_count == row_by_row.error_count
    assert proved.json_records() == row_by_row.json_records()
    assert proved.records == row_by_row.records


@SAME
@given(table=tables("weekly"), departement=st.sampled_from(["13", "75"]))
def test_weekly_files_get_the_same_outcome_either_way(table, departement, monkeypatch):
    _assert_same(*_both_paths("weekly", table, departement, monkeypatch))


@SAME
@given(table=tables("monthly"))
def test_monthly_files_get_the_same_outcome_either_way(table, monkeypatch):
    _assert_same(*_both_paths("monthly", table, "2A", monkeypatch))


@SAME
@given(table=tables("practices"))
def test_practices_files_get_the_same_outcome_either_way(table, monkeypatch):
    _assert_same(*_both_paths("practices", table, "971", monkeypatch))


def test_a_backfill_is_proved_without_the_row_by_row_path(monkeypatch):
    weeks = list(iter_weeks("2016-W48", "2026-W47"))
    rows = [(n + 1, [{**WEEKLY, "semaine": w}[h] for h in WEEKLY]) for n, w in enumerate(weeks)]
    table = ParsedTable(format="csv", header=list(WEEKLY), rows=rows)

    def refuse_row_by_row(*args, **kwargs):
        raise AssertionError("a clean backfill went row by row")

    monkeypatch.setattr(validate, "validate_row", refuse_row_by_row)
    checked = validate_table("weekly", table, "13", now=FROZEN_NOW)
    assert checked.errors == [] and checked.row_count == len(weeks)
    assert checked.periods == weeks and checked.json_records()[0]["suivis_en_cours"] == 1041


def test_json_numbers_take_the_row_by_row_path_with_the_same_outcome(monkeypatch):
    cells = [{**WEEKLY, "signalements_cnapr": 2, "suivis_en_cours": 1041}[h] for h in WEEKLY]
    table = ParsedTable(format="json", header=list(WEEKLY), rows=[(1, cells)])
    proved, row_by_row = _both_paths("weekly", table, "13", monkeypatch)
    _assert_same(proved, row_by_row)
    assert proved.row_count == 1


#: Published counts stay small and the file's sit around the thresholds they make (more than
#: 3 × the largest seen, and at least 10 more: with 3 seen, 12 is quiet and 13 is not).
_PUBLISHED = st.sampled_from([0, 1, 2, 3, None])
_COUNTS = st.sampled_from([0, 3, 6, 7, 9, 10, 11, 12, 13, 14])


@st.composite
def histories(draw):
    """A file of consecutive weeks and a published history around and before them; stocks
    mostly follow the week before (the rule's quiet case), counts sit around the thresholds."""
    weeks = list(iter_weeks("2026-W20", "2026-W47"))
    start = draw(st.integers(0, len(weeks) - 1))
    own = weeks[start:start + draw(st.integers(1, 8))]
    published = draw(st.lists(st.sampled_from(weeks[:start + 2]), unique=True, max_size=30))
    columns = registry.count_fields("weekly")
    past = {w: {c: draw(_PUBLISHED) for c in columns} for w in published}
    rows = []
    for number, week in enumerate(own, start=1):
        row = {"source_row": number, **WEEKLY, "semaine": week, "commentaire": None,
               **{c: draw(_COUNTS) for c in columns}}
        row["dont_mineurs"] = min(row["dont_mineurs"], row["signalements_cnapr"] + row["signalements_locaux"])
        before = rows[-1] if rows else past.get(shift_week(week, -1))
        if before and before.get("suivis_en_cours") is not None and draw(st.booleans()):
            row["suivis_en_cours"] = max(0, before["suivis_en_cours"] + row["signalements_cnapr"]
                                         + row["signalements_locaux"] - row["suivis_clos"])
        rows.append(row)
    return pl.DataFrame(rows), past


@SAME
@given(generated=histories())
def test_history_warnings_are_those_of_the_per_row_rules_on_every_row(generated, settings, monkeypatch):
    rows, past = generated

    def published(_settings, _kind, _dep, first, last, columns):
        return {w: v for w, v in past.items() if first <= w <= last}

    with monkeypatch.context() as patch:  # one example's patches end with it
        patch.setattr(history, "_history", published)
        found = history.history_warnings("weekly", rows, "13", settings)
        patch.setattr(history, "_suspects", lambda kind, frame, *rest: list(range(frame.height)))
        assert found == history.history_warnings("weekly", rows, "13", settings)


def test_period_index_counts_consecutive_weeks_across_53_week_years():
    weeks = list(iter_weeks("2014-W49", "2027-W10"))
    index = pl.select(history.period_index("weekly", pl.lit(pl.Series(weeks)))).to_series().to_list()
    assert index == list(range(index[0], index[0] + len(weeks)))
    assert shift_week("2021-W01", -1) == "2020-W53"
