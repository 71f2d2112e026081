"""Property tests on the contracts as ingestion applies them: generated valid rows round-trip
through every file format; each invalid mutation is rejected naming its field."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from data_contracts.calendar import iter_weeks
from data_contracts.referential import departements
from ingestion.readers.dispatch import read_table
from ingestion.validate import validate_table
from ingestion_helpers import to_csv, to_json, to_xlsx
from tests_now import FROZEN_NOW

DEPARTEMENTS = sorted(departements())
WEEKS = list(iter_weeks("2014-W49", "2026-W48"))
SAFE_TEXT = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéèàçôÉ ,;'\"!?()«»\n"),
                    max_size=120)
FAST = hypothesis_settings(max_examples=60, deadline=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture])


def _count_text(value: int, style: int) -> str:
    if style == 1 and value >= 1000:
        return f"{value:,}".replace(",", "\u202f")  # the thin space French Excel writes
    if style == 2:
        return f" {value} "
    return str(value)


@st.composite
def weekly_rows(draw):
    counts = {f: draw(st.integers(0, 50_000)) for f in (
        "signalements_cnapr", "signalements_locaux", "orientations_judiciaires", "suivis_en_cours",
        "suivis_clos", "familles_accompagnees")}
    counts["dont_mineurs"] = draw(st.integers(0, counts["signalements_cnapr"] + counts["signalements_locaux"]))
    style = draw(st.integers(0, 2))
    row = {"departement": draw(st.sampled_from(DEPARTEMENTS)), "semaine": draw(st.sampled_from(WEEKS))}
    row.update({k: _count_text(v, style) for k, v in counts.items()})
    row["commentaire"] = draw(SAFE_TEXT)
    return row, counts


def _validate(content: bytes, name: str, dep: str):
    table = read_table(content, name, "weekly", 1000)
    return validate_table("weekly", table, dep, now=FROZEN_NOW)


@FAST
@given(weekly_rows(), st.sampled_from(["csv_fr", "csv_en", "xlsx", "json"]))
def test_valid_weekly_rows_round_trip(generated, fmt):
    row, counts = generated
    content, name = {
        "csv_fr": lambda: (to_csv([row], delimiter=";", encoding="utf-8-sig"), "f.csv"),
        "csv_en": lambda: (to_csv([row], delimiter=",", encoding="utf-8", newline="\n"), "f.csv"),
        "xlsx": lambda: (to_xlsx([row], numbers=False), "f.xlsx"),
        "json": lambda: (to_json([row]), "f.json"),
    }[fmt]()
    checked = _validate(content, name, row["departement"])
    assert checked.errors == []
    ((number, model),) = checked.records
    assert number == 1 and model.departement == row["departement"] and model.semaine == row["semaine"]
    assert {k: getattr(model, k) for k in counts} == counts
    assert model.commentaire == (row["commentaire"].strip() or None)


@FAST
@given(st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False),
       st.booleans())
def test_amounts_round_trip_in_french_and_english(amount, french):
    from ingestion_helpers import MONTHLY

    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",") if french else str(amount)
    row = {**MONTHLY, "fipd_engage_eur": text}
    table = read_table(to_csv([row]), "m.csv", "monthly", 10)
    checked = validate_table("monthly", table, "2A", now=FROZEN_NOW)
    assert checked.errors == [] and checked.records[0][1].fipd_engage_eur == amount


MUTATIONS = {
    "negative": ("signalements_cnapr", "-3", "negative"),
    "decimal": ("suivis_clos", "2,5", "invalid_integer"),
    "underscore": ("suivis_en_cours", "1_000", "invalid_integer"),
    "boolean": ("signalements_locaux", "VRAI", "invalid_integer"),
    "word": ("familles_accompagnees", "douze", "invalid_integer"),
    "week_54": ("semaine", "2026-W54", "invalid_week"),
    "week_without_w": ("semaine", "2026-48", "invalid_week"),
    "future_week": ("semaine", "2027-W02", "future_period"),
    "before_programme": ("semaine", "2014-W10", "before_programme"),
    "unknown_departement": ("departement", "20", "unknown_departement"),
    "too_long": ("commentaire", "x" * 501, "too_long"),
    "email": ("commentaire", "voir marie@example.org", "personal_data"),
    "formula": ("commentaire", "=1+1", "formula_cell"),
    "empty_required": ("suivis_en_cours", "", "missing_field"),
}


@FAST
@given(weekly_rows(), st.sampled_from(sorted(MUTATIONS)), st.sampled_from(["csv", "json"]))
def test_each_invalid_mutation_is_rejected_naming_its_field(generated, mutation, fmt):
    row, _counts = generated
    field, value, code = MUTATIONS[mutation]
    bad = {**row, field: value}
    content, name = (to_csv([bad]), "f.csv") if fmt == "csv" else (to_json([bad]), "f.json")
    checked = _validate(content, name, row["departement"])
    assert checked.records == []
    assert (1, field, code) in {(e.row, e.column, e.code) for e in checked.errors}


@FAST
@given(weekly_rows(), st.sampled_from([d for d in DEPARTEMENTS if d != "13"]))
def test_a_row_of_another_departement_is_always_refused(generated, other):
    row, _counts = generated
    checked = _validate(to_csv([{**row, "departement": other}]), "f.csv", "13")
    assert ("departement", "wrong_departement") in {(e.column, e.code) for e in checked.errors}
