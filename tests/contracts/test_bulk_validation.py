"""The whole-file proof (data_contracts.bulk_validation) never accepts a row the contract
refuses, and yields the very values pydantic gives, for arbitrary rows, valid or not."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from pydantic import ValidationError

from data_contracts import bulk_validation, fields
from data_contracts.bulk_validation import prove_rows, records_from_json
from data_contracts.calendar import iter_weeks
from data_contracts.codes import ACTION_TYPES, TARGET_PUBLICS
from data_contracts.referential import departements
from data_contracts.registry import CONTRACTS, contract_for
from valid_rows import MONTHLY, PRACTICE, WEEKLY

VALID = {"weekly": WEEKLY, "monthly": MONTHLY, "practices": PRACTICE}
PROOF = hypothesis_settings(max_examples=150, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_SPACES = st.sampled_from(["", " ", "  ", "\u00a0", "\u202f", "\t", "\n", "\x1c", "\u3000"])
_COUNT_TEXT = st.one_of(
    st.integers(0, 1_000_000).map(str),
    st.integers(-1_000, 2_000_000).map(str),
    st.integers(0, 2_000_000).map(lambda n: f"{n:,}".replace(",", " ")),
    st.integers(0, 2_000_000).map(lambda n: f"{n:,}".replace(",", "\u202f")),
    st.integers(0, 999).map(lambda n: f"00{n}"),
    st.sampled_from(["+5", "1_000", "٣", "１２", "2.0", "2,5", "1e3", "0x10", "VRAI", "-0", "", "12 3"]),
    st.text(alphabet="0123456789 +-.,_\u00a0٣", max_size=9),
)
_WEEK_TEXT = st.one_of(
    st.sampled_from(list(iter_weeks("2014-W49", "2026-W48"))),
    st.sampled_from(["2015-W53", "2019-W53", "2020-W53", "2026-W53", "2026-W49", "2027-W01",
                     "2014-W48", "2026-w48", "2026-48", "２０２６-W48", "2026-W4", "0000-W01"]),
    st.tuples(st.integers(2012, 2028), st.integers(0, 54)).map(lambda yw: f"{yw[0]}-W{yw[1]:02d}"),
    st.text(alphabet="0123456789-Ww ", max_size=10),
)
_MONTH_TEXT = st.one_of(
    st.tuples(st.integers(2013, 2027), st.integers(0, 13)).map(lambda ym: f"{ym[0]}-{ym[1]:02d}"),
    st.sampled_from(["2026-11", "2026-12", "2014-11", "2014-12", "2026-1", "26-11", "2026/11"]),
)
_DEPARTEMENT_TEXT = st.one_of(
    st.sampled_from(sorted(departements())),
    st.sampled_from(sorted(departements())).map(str.lower),
    st.sampled_from(["1", "2a", "2b", "20", "00", "0", "975", "99", "", "２A", "ⅰ", "1.0"]),
    st.text(alphabet="0123456789ABab", max_size=4),
)
_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["marie@example.org", "tél. 06 12 34 56 78", "né le 12/03/2008", "3 réunions",
                     "=SOMME(A1)", "- point", "ok ", " ok", "x" * 120, "x" * 121, "é" * 500, "é" * 501]),
    st.text(alphabet="ab @.0123456789/-\u00a0\n", max_size=20),
)
_YES_NO = st.one_of(st.sampled_from(["oui", "non", "Oui", "NON", "o", "n", "x", "X", "1", "0", "vrai",
                                     "Faux", "true", "peut-être", "ouï", "", "2"]), st.text(max_size=4))
_AMOUNT = st.one_of(
    st.decimals(min_value=0, max_value=2_000_000_000, places=3, allow_nan=False).map(str),
    st.decimals(min_value=0, max_value=999_999_999, places=2, allow_nan=False)
    .map(lambda d: f"{d:,.2f}".replace(",", " ").replace(".", ",")),
    st.sampled_from(["0", "000", "0,5", "1.500", "-1", "1e3", "12 500,50", "€12", "1,234.5"]),
)
_CODES = st.one_of(st.sampled_from(ACTION_TYPES + TARGET_PUBLICS),
                   st.sampled_from(ACTION_TYPES + TARGET_PUBLICS).map(str.upper),
                   st.sampled_from(["Parentalité", "éducative", "mineur", "autres", ""]),
                   st.text(max_size=6))


_BY_VALIDATOR = {fields.parse_count: _COUNT_TEXT, fields.check_week: _WEEK_TEXT,
                 fields.check_month: _MONTH_TEXT, fields.parse_departement: _DEPARTEMENT_TEXT,
                 fields.parse_yes_no: _YES_NO, fields.parse_amount: _AMOUNT}


def _cell_strategy(info) -> st.SearchStrategy:
    """Text a département might type in this field, good or bad, and sometimes nothing."""
    check = bulk_validation._validator(info)
    base = _CODES if getattr(check, "codes", None) else _BY_VALIDATOR.get(check, _TEXT)
    padded = st.tuples(_SPACES, base, _SPACES).map("".join)
    return st.one_of(base, base, padded, st.none())


@st.composite
def files(draw, kind: str):
    """Several rows: each a valid row with some of its cells replaced by drawn ones."""
    model = contract_for(kind)
    rows = []
    for _ in range(draw(st.integers(1, 6))):
        row = dict(VALID[kind])
        for name in draw(st.lists(st.sampled_from(list(model.model_fields)), max_size=4)):
            row[name] = draw(_cell_strategy(model.model_fields[name]))
        rows.append(row)
    return rows


def _pydantic(kind: str, row: dict, now):
    """The row as ingestion.validate hands it to the contract (blank cells absent)."""
    record = {k: v for k, v in row.items() if v is not None and not (isinstance(v, str) and not v.strip())}
    try:
        return contract_for(kind).model_validate(record, context={"now": now})
    except ValidationError:
        return None


def _check(kind: str, rows: list[dict], now) -> int:
    frame = pl.DataFrame({k: pl.Series(k, [r[k] for r in rows], dtype=pl.String) for k in rows[0]})
    proof = prove_rows(kind, frame, now)
    assert proof is not None
    proved = proof.values.to_dicts()
    clean = proof.clean.to_list()
    for row, is_clean, values in zip(rows, clean, proved):
        if not is_clean:
            continue
        model = _pydantic(kind, row, now)
        assert model is not None, f"proved clean but refused by the contract: {row}"
        assert values == model.model_dump(mode="json")
        (rebuilt,) = records_from_json(contract_for(kind), [values])
        assert rebuilt == model and rebuilt.model_fields_set == model.model_fields_set
    return sum(clean)


@pytest.mark.parametrize("kind", sorted(CONTRACTS))
def test_a_valid_file_is_proved_clean_with_pydantics_values(kind, now):
    assert _check(kind, [VALID[kind]] * 3, now) == 3


@PROOF
@given(rows=files("weekly"))
def test_weekly_proof_implies_pydantic_accepts_with_the_same_values(rows, now):
    _check("weekly", rows, now)


@PROOF
@given(rows=files("monthly"))
def test_monthly_proof_implies_pydantic_accepts_with_the_same_values(rows, now):
    _check("monthly", rows, now)


@PROOF
@given(rows=files("practices"))
def test_practices_proof_implies_pydantic_accepts_with_the_same_values(rows, now):
    _check("practices", rows, now)


@PROOF
@given(st.lists(_COUNT_TEXT | st.text(max_size=8), min_size=1, max_size=20))
def test_a_plain_count_is_exactly_what_parse_count_reads(cells):
    proved, values = bulk_validation._plain_counts(pl.Series(cells, dtype=pl.String))
    adapter = bulk_validation._adapter(contract_for("weekly"), "suivis_clos")
    for cell, is_proved, value in zip(cells, proved.to_list(), values.to_list()):
        if is_proved:
            assert adapter.validate_python(cell) == value


def test_the_period_shortcuts_are_the_codes_the_contract_accepts(now):
    weeks = bulk_validation._weeks_until("2026-W48")
    adapter = bulk_validation._adapter(contract_for("weekly"), "semaine")
    assert {"2015-W53", "2020-W53", "2014-W49", "2026-W48"} <= weeks
    assert not {"2019-W53", "2014-W48", "2026-W49", "2026-W53"} & weeks
    assert all(adapter.validate_python(w, context={"now": now}) == w for w in weeks)
    months = bulk_validation._months_until("2026-11")
    assert min(months) == "2014-12" and max(months) == "2026-11" and len(months) == 144


def test_a_rule_without_its_bulk_twin_keeps_every_row_on_the_per_row_path(monkeypatch, now):
    weekly = contract_for("weekly")
    monkeypatch.setattr(weekly, "bulk_rules", {})
    frame = pl.DataFrame({k: [v] for k, v in WEEKLY.items()})
    assert prove_rows("weekly", frame, now) is None


def test_the_minors_rule_is_proved_over_the_whole_file(now):
    rows = [WEEKLY, {**WEEKLY, "dont_mineurs": "6"}, {**WEEKLY, "dont_mineurs": "5"}]
    frame = pl.DataFrame({k: [r[k] for r in rows] for k in WEEKLY})
    assert prove_rows("weekly", frame, now).clean.to_list() == [True, False, True]


def test_refused_cells_keep_their_rows_out_of_the_proof(now):
    rows = [WEEKLY, {**WEEKLY, "commentaire": "=1+1"}]
    frame = pl.DataFrame({k: [r[k] for r in rows] for k in WEEKLY})
    proof = prove_rows("weekly", frame, now, refuse=lambda cell: cell.startswith("="))
    assert proof.clean.to_list() == [True, False]
