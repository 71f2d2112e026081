"""Every page under every role it is offered to: it runs without exception and shows its
figures, each with a freshness/coverage line and a downloadable table."""

from __future__ import annotations

import pytest

from page_text import texts

ROLES = ("national", "region:84", "departement:69")
COMMON_PAGES = ("vue_nationale", "remontees", "fiche_departement", "suivis_actions", "bonnes_pratiques")


def _charts(at) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("role", ROLES)
def test_menu_offers_only_the_pages_of_the_role(signed_in, role):
    at = signed_in(role)
    assert not at.exception
    assert texts(at.title) == ["Vue nationale"]
    with pytest.raises(ValueError):
        at.switch_page("app_pages/qualite.py" if role != "national" else "app_pages/deposer.py")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", COMMON_PAGES)
def test_page_runs_and_every_figure_is_dated_and_downloadable(signed_in, role, page):
    at = signed_in(role, page)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, texts(at.error)
    captions = texts(at.caption)
    assert any(c.startswith("Données publiées le ") for c in captions)
    labels = [b.label for b in at.get("download_button")]
    assert "Télécharger (CSV)" in labels and "Télécharger (XLSX)" in labels


def test_vue_nationale_shows_kpis_map_trend_and_regions(signed_in):
    at = signed_in("national", "vue_nationale")
    metrics = {m.label: m.value for m in at.metric}
    assert {"Rapports reçus", "À l'heure", "En retard", "Manquants", "Néant",
            "Nouveaux signalements", "Suivis en cours"} <= set(metrics)
    # fixture, 2026-W48 at 09:00: 69 and 13 have reported, 01 and 75 not yet
    assert metrics["Rapports reçus"] == "2" and metrics["Manquants"] == "2"
    assert _charts(at) == 2  # map + national trend
    assert "departements_fr_naturalearth" in str(at.get("plotly_chart")[0].proto)
    assert any("2 départements sur 4" in c for c in texts(at.caption))
    regions = at.dataframe[-1].value
    assert set(regions["region_code"]) == {"11", "84", "93"}


def test_vue_nationale_map_follows_the_chosen_indicator(signed_in):
    at = signed_in("national", "vue_nationale")
    at.selectbox[0].set_value("suivis_en_cours").run()
    assert not at.exception
    assert "Suivis en cours — 2026-W48" in str(at.get("plotly_chart")[0].proto)


def test_remontees_lists_missing_departements_with_time_left(signed_in):
    at = signed_in("national", "remontees")
    missing = at.dataframe[0].value
    assert list(missing["departement_code"]) == ["01", "75"]
    # deadline Thursday 12:00 Paris = 11:00 UTC, clock 09:00 UTC
    assert set(missing["temps_restant"]) == {"2 h 00"}
    assert _charts(at) == 2  # heatmap + rates
    assert "Manquant" in str(at.get("plotly_chart")[0].proto)


def test_fiche_departement_has_series_receipts_and_warnings(signed_in):
    at = signed_in("national", "fiche_departement", query={"departement": "75"})
    assert not at.exception
    assert at.selectbox[0].value == "75"
    assert _charts(at) == 2
    subheaders = texts(at.subheader)
    assert "Dépôts et accusés de réception" in subheaders and "Alertes de cohérence" in subheaders
    assert any("stock de suivis" in w for w in texts(at.warning))


def test_suivis_actions_levels(signed_in):
    at = signed_in("national", "suivis_actions")
    assert _charts(at) == 6  # actions, follow-ups, results, FIPD, partners, trainings
    for level in ("Par région", "Par département"):
        at.get("button_group")[0].set_value(level).run()
        assert not at.exception, [e.message for e in at.exception]


def test_bonnes_pratiques_search_and_filters(signed_in):
    at = signed_in("departement:69", "bonnes_pratiques")
    assert len(at.expander) == 3
    at.text_input[0].set_value("parole").run()
    assert [e.label for e in at.expander] == [
        "Groupe de parole pour les parents — 69 Rhône \\(2026\\-09\\)"]
    at.text_input[0].set_value("").run()
    at.multiselect[0].set_value(["insertion"]).run()
    assert len(at.expander) == 1 and "canari" in at.expander[0].label


def test_qualite_lists_warnings_and_rejections(signed_in):
    at = signed_in("national", "qualite")
    assert not at.exception
    assert "Aucun résultat de construction dbt trouvé" in " ".join(texts(at.info))
    shown = " ".join(d.value.to_csv() for d in at.dataframe)
    assert "rejected-13" in shown


def test_deposer_offers_templates_to_a_departement(signed_in):
    at = signed_in("departement:69", "deposer")
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Rapport hebdomadaire (XLSX)" in labels and "Bonnes pratiques (CSV)" in labels
    assert len(at.get("file_uploader")) == 1
