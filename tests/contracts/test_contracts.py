"""Each contract accepts a valid row and refuses each rule's violation with a French message."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data_contracts.errors import validate_row
from data_contracts.registry import CONTRACTS, columns

from valid_rows import MONTHLY, PRACTICE, WEEKLY

VALID = {"weekly": WEEKLY, "monthly": MONTHLY, "practices": PRACTICE}


def codes(kind, row, now):
    model, errors = validate_row(kind, row, row=1, now=now)
    assert model is None
    return {(e.column, e.code) for e in errors}


@pytest.mark.parametrize("kind", list(VALID))
def test_a_valid_row_passes(kind, now):
    model, errors = validate_row(kind, VALID[kind], row=1, now=now)
    assert errors == []
    assert model is not None


def test_values_are_parsed_the_french_way(now):
    weekly, _ = validate_row("weekly", dict(WEEKLY, suivis_en_cours="1\u202f234", departement="1"), now=now)
    assert weekly.suivis_en_cours == 1234 and weekly.departement == "01"
    monthly, _ = validate_row("monthly", MONTHLY, now=now)
    assert monthly.fipd_engage_eur == Decimal("12500.50")
    assert monthly.partenaire_psychologue is True and monthly.partenaire_spip is False
    practice, _ = validate_row("practices", PRACTICE, now=now)
    assert practice.type_action == "parentalite" and practice.public_cible == "familles"


@pytest.mark.parametrize(("kind", "change", "expected"), [
    ("weekly", {"signalements_cnapr": "-1"}, ("signalements_cnapr", "negative")),
    ("weekly", {"signalements_cnapr": "2,5"}, ("signalements_cnapr", "invalid_integer")),
    ("weekly", {"signalements_cnapr": True}, ("signalements_cnapr", "invalid_integer")),
    ("weekly", {"signalements_cnapr": "1_000"}, ("signalements_cnapr", "invalid_integer")),
    ("weekly", {"dont_mineurs": "9"}, ("dont_mineurs", "minors_exceed_new")),
    ("weekly", {"semaine": "2026-W54"}, ("semaine", "invalid_week")),
    ("weekly", {"semaine": "2025-W53"}, ("semaine", "invalid_week")),
    ("weekly", {"semaine": "2026-48"}, ("semaine", "invalid_week")),
    ("weekly", {"semaine": "2026-W49"}, ("semaine", "future_period")),
    ("weekly", {"semaine": "2014-W48"}, ("semaine", "before_programme")),
    ("weekly", {"departement": "20"}, ("departement", "unknown_departement")),
    ("weekly", {"departement": "975"}, ("departement", "unknown_departement")),
    ("weekly", {"commentaire": "x" * 501}, ("commentaire", "too_long")),
    ("weekly", {"commentaire": "joindre jean.dupont@example.org"}, ("commentaire", "personal_data")),
    ("weekly", {"commentaire": "né le 12/03/2009"}, ("commentaire", "personal_data")),
    ("weekly", {"nom": "Dupont"}, ("nom", "unknown_field")),
    ("monthly", {"mois": "2026-13"}, ("mois", "invalid_month")),
    ("monthly", {"mois": "2026-12"}, ("mois", "future_period")),
    ("monthly", {"mois": "2014-11"}, ("mois", "before_programme")),
    ("monthly", {"fipd_engage_eur": "12,345"}, ("fipd_engage_eur", "invalid_amount")),
    ("monthly", {"fipd_engage_eur": "-3"}, ("fipd_engage_eur", "negative")),
    ("monthly", {"partenaire_spip": "peut-être"}, ("partenaire_spip", "invalid_boolean")),
    ("practices", {"titre": "t" * 121}, ("titre", "too_long")),
    ("practices", {"description": "d" * 2001}, ("description", "too_long")),
    ("practices", {"resultats": "r" * 1001}, ("resultats", "too_long")),
    ("practices", {"type_action": "sport"}, ("type_action", "invalid_code")),
    ("practices", {"public_cible": "seniors"}, ("public_cible", "invalid_code")),
    ("practices", {"titre": ""}, ("titre", "missing_field")),
])
def test_each_rule_rejects_with_a_french_message(kind, change, expected, now):
    row = dict(VALID[kind], **change)
    model, errors = validate_row(kind, row, row=3, now=now)
    assert model is None
    assert expected in {(e.column, e.code) for e in errors}
    error = next(e for e in errors if (e.column, e.code) == expected)
    assert error.row == 3
    # French, and it says what to do or what is wrong
    assert any(ch in error.message for ch in "éèàçù«") or " : " in error.message
    assert not error.message.startswith(("Input should", "Value error", "Field required"))


@pytest.mark.parametrize("kind", list(VALID))
def test_a_missing_column_is_named(kind, now):
    row = dict(VALID[kind])
    first_count = columns(kind)[2]
    del row[first_count]
    assert (first_count, "missing_field") in codes(kind, row, now)


def test_53rd_week_exists_in_2026_and_2020(now):
    for week in ("2026-W53", "2020-W53", "2015-W53"):
        model, errors = validate_row("weekly", dict(WEEKLY, semaine=week), now=None)
        if week == "2026-W53":
            assert ("semaine", "future_period") in {(e.column, e.code) for e in errors}
        else:
            assert errors == [], week


def test_every_contract_forbids_unknown_fields_and_states_its_grain():
    for model in CONTRACTS.values():
        assert model.model_config["extra"] == "forbid"
        assert model.__doc__ and model.__doc__.startswith("One row per")
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no French description"


@pytest.mark.parametrize(("kind", "column"), [
    ("weekly", "suivis_clos"), ("weekly", "semaine"), ("monthly", "fipd_engage_eur"),
    ("monthly", "partenaire_spip"), ("practices", "type_action"), ("weekly", "departement"),
])
@pytest.mark.parametrize("empty", [None, "", "   "])
def test_an_empty_required_cell_is_missing_not_malformed(kind, column, empty, now):
    model, errors = validate_row(kind, dict(VALID[kind], **{column: empty}), row=2, now=now)
    assert model is None
    assert [(e.column, e.code) for e in errors] == [(column, "missing_field")]
    assert "None" not in errors[0].message


def test_error_text_keeps_the_column_name_as_written(now):
    _, errors = validate_row("weekly", dict(WEEKLY, signalements_cnapr="abc"), row=4, now=now)
    assert str(errors[0]).startswith("Ligne 4, colonne « signalements_cnapr » : ")
