"""Tenant isolation: below national, no page shows the detail of a département outside the
role — not through the selector, not through ``?departement=``, not through the catalogue —
while national totals and every good practice's text stay visible."""

from __future__ import annotations

import pytest
from page_text import texts, visible_text
from real_serving import (
    CANARY,
    CANARY_COMMENT,
    CANARY_FAMILIES,
    CANARY_FOLLOW_UPS,
    CANARY_PRACTICE,
)

from accounts.roles import Role
from dashboards import queries, serving

PAGES = ("vue_nationale", "remontees", "fiche_departement", "suivis_actions", "bonnes_pratiques")
CANARY_VALUES = (str(CANARY_FAMILIES), str(CANARY_FOLLOW_UPS), CANARY_COMMENT)


@pytest.mark.parametrize("role", ["region:84", "departement:69"])
@pytest.mark.parametrize("page", PAGES)
def test_canary_departement_never_reaches_another_tenant(signed_in, serving_home, role, page):
    at = signed_in(role, page)
    shown = visible_text(at)
    for value in (*CANARY_VALUES, *serving_home.canary_submission_ids):
        assert value not in shown, f"{value} shown to {role} on {page}"


def test_national_role_does_see_the_canary(signed_in, serving_home):
    at = signed_in("national", "fiche_departement", query={"departement": CANARY})
    shown = visible_text(at)
    assert CANARY_COMMENT in shown
    assert all(submission_id in shown for submission_id in serving_home.canary_submission_ids)
    # the rejected canary upload's French errors, row and column included
    errors = at.dataframe[3].value
    assert list(errors.columns) == ["submission_id", "fichier", "ligne", "colonne", "valeur", "correction"]
    assert "semaine" in set(errors["colonne"]) and set(errors["fichier"]) == {"canari_refuse.csv"}


def test_departement_cannot_open_another_departement_by_url(signed_in):
    at = signed_in("departement:69", "fiche_departement", query={"departement": CANARY})
    assert not at.exception
    assert any("Vous n'avez pas accès au département « 13 »" in e for e in texts(at.error))
    shown = visible_text(at)
    assert CANARY_COMMENT not in shown and str(CANARY_FAMILIES) not in shown
    assert not at.get("plotly_chart")


def test_departement_selector_offers_only_its_own(signed_in):
    at = signed_in("departement:69", "fiche_departement")
    assert at.selectbox[0].options == ["69 – Rhône"]
    region = signed_in("region:84", "fiche_departement")
    assert CANARY not in [o.split(" ")[0] for o in region.selectbox[0].options]
    assert len(region.selectbox[0].options) == 12


def test_role_in_query_params_is_ignored(signed_in):
    at = signed_in("departement:69", "remontees", query={"role": "national", "departement": CANARY})
    assert set(at.dataframe[-1].value["departement_code"]) == {"69"}


def test_practice_text_is_shared_but_its_indicators_are_not(signed_in):
    at = signed_in("departement:69", "bonnes_pratiques")
    labels = [e.label for e in at.expander]
    assert any("canari" in label for label in labels)
    assert str(CANARY_FOLLOW_UPS) not in visible_text(at)
    assert "Indicateurs du département réservés à son périmètre." in texts(at.caption)


def test_query_layer_filters_even_when_asked_for_another_departement(serving_home):
    role = Role.parse("departement:69")
    week = queries.current_week()
    assert queries.departement_weekly(role, CANARY, week, 12).is_empty()
    assert queries.submissions(role, CANARY).is_empty()
    assert set(queries.weekly_grid(role, "2026-W37", week)["departement_code"]) == {"69"}
    assert queries.departement_weekly(Role.parse("national"), CANARY, week, 12)[
        "familles_accompagnees"].to_list().count(CANARY_FAMILIES) == 1
    practice = queries.practices(role, text=CANARY_PRACTICE)
    assert practice.height == 1 and practice["suivis_actifs"][0] is None
    assert practice["submission_id"][0] is None
    national = queries.national_weekly(role, week, 1)
    assert national["departements_expected"][0] == 101  # national totals stay shared


def test_unscoped_mart_is_refused():
    with pytest.raises(KeyError):
        serving.scoped("select * from {raw_submissions}", Role.parse("national"))
