"""The free-text screening (data_contracts.free_text): what it refuses, what it lets through,
and its figures on the labelled corpus (the same targets as bench P11)."""

from __future__ import annotations

import pytest

from bench.free_text import corpus_scores, load_corpus
from data_contracts.errors import validate_row
from data_contracts.free_text import find_personal_data, mask, nir_key_is_valid
from valid_rows import PRACTICE


def _kinds(text: str) -> list[str]:
    return [f.kind for f in find_personal_data(text)]


def test_corpus_screening_meets_recall_and_false_positive_targets():
    scores = corpus_scores(load_corpus())
    assert scores["texts_with_person"] >= 40 and scores["clean_texts"] >= 30
    assert scores["recall"] >= 95, scores["missed"]
    assert scores["false_positive_rate"] <= 5, scores["false_positives"]


def test_mask_keeps_each_words_first_character():
    assert mask("Karim B.") == "K**** B."
    assert mask("rue des Lilas") == "r** d** L****"


def test_nir_key_is_97_minus_the_number_modulo_97():
    assert nir_key_is_valid("1850578006084", "91")
    assert not nir_key_is_valid("1850578006084", "92")


def test_nir_key_counts_corsica_2a_as_19_and_2b_as_18():
    assert nir_key_is_valid("290112A004123", "51")
    assert nir_key_is_valid("204062B004321", "37")
    assert not nir_key_is_valid("290112B004123", "51")


def test_a_nir_with_a_wrong_key_is_not_taken_for_one():
    assert "nir" not in _kinds("Référence 1 85 05 78 006 084 12 du marché public.")


@pytest.mark.parametrize("text, kind", [
    ("Le jeune Karim B. est suivi.", "initials"),
    ("Suivi de Kevin avec la CAF.", "first_name"),
    ("Marie-Claire a repris une formation.", "first_name"),
    ("Momo vient aux ateliers.", "first_name"),
    ("Entretien avec Mme Dupont.", "person_name"),
    ("Une adolescente âgée de 15 ans.", "age"),
    ("Mineur né en 2008.", "birth"),
    ("Visite au 12 avenue Jean Jaurès.", "address"),
    ("Le véhicule AB-123-CD.", "plate"),
    ("Le scooter 123 ABC 13.", "plate"),
])
def test_a_text_carrying_a_person_is_flagged_for_what_it_carries(text, kind):
    assert kind in _kinds(text)


@pytest.mark.parametrize("text", [
    "Ateliers au collège Jean Moulin avec l'association Génération Médiateurs.",
    "Réunion avec la PJJ, la CAF et l'Éducation nationale à Marseille.",
    "Les jeunes de 16 à 25 ans suivis par la mission locale de Saint-Denis.",
    "Depuis 2 ans, la cellule se réunit chaque mois.",
])
def test_institutions_places_programmes_and_publics_pass(text):
    assert find_personal_data(text) == []


def test_the_contract_refuses_a_person_naming_the_masked_span_and_the_fix():
    row = dict(PRACTICE, description="Le jeune Karim B., 16 ans, suivi avec sa mère rue des Lilas")
    _model, errors = validate_row("practices", row, row=4)
    (error,) = errors
    assert (error.row, error.column, error.code) == (4, "description", "personal_data")
    assert "« K**** B. »" in error.message and "retirez toute information permettant d'identifier" in error.message
    assert "Karim" not in error.message and "Karim" not in (error.value or "")


def test_the_contract_skips_screening_already_done_by_the_worker():
    row = dict(PRACTICE, description="Le jeune Karim B., 16 ans")
    model, errors = validate_row("practices", row, free_text_screened=True)
    assert errors == [] and model is not None
