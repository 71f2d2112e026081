"""Every page under every role it is offered to: it runs without exception and shows its
figures, each with a freshness/coverage line and a downloadable table."""

from __future__ import annotations

import pytest

from page_text import texts

from data_contracts.french_format import fr_int

ROLES = ("national", "region:84", "departement:69")
COMMON_PAGES = ("vue_nationale", "remontees", "fiche_departement", "suivis_actions", "bonnes_pratiques")


def _charts(at) -> int:
    return len(at.get("plotly_chart"))


@pytest.mark.parametrize("role", ROLES)
def test_menu_offers_only_the_pages_of_the_role(signed_in, role):
    at = signed_in(role)
    assert not at.exception
    assert texts(at.title) == ["Vue nationale"]
    at.run()  # switch_page resolves against the pages the last run registered
    with pytest.raises(ValueError):
        at.switch_page("app_pages/qualite.py" if role != "national" else "app_pages/deposer.py")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", COMMON_PAGES)
def test_page_runs_and_every_figure_is_dated_and_downloadable(signed_in, role, page):
    at = signed_in(role, page)
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, texts(at.error)
    dated = [c for c in texts(at.main.caption) if c.startswith("Données publiées le ")]
    assert dated and len(dated) >= _charts(at)  # one freshness line per figure at least
    assert all(" département" in c for c in dated), dated  # and how many départements it covers
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Télécharger (CSV)") >= _charts(at)  # every chart's table downloadable
    assert labels.count("Télécharger (XLSX)") == labels.count("Télécharger (CSV)")


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _national_w48(serving_home, column: str):
    return serving_home.serving_value(
        f"select {column} from marts.fct_national_weekly where week_code = '2026-W48'")


def test_vue_nationale_counts_reports_not_yet_sent_as_awaited_before_the_deadline(rendered, serving_home):
    # Thursday 10:00 in Paris, before the 12:00 deadline: reports not yet sent are awaited
    metrics = _metrics(rendered("national", "vue_nationale"))
    assert {"Rapports reçus", "À l'heure", "En retard", "En attente", "Néant",
            "Nouveaux signalements", "Suivis en cours"} <= set(metrics)
    assert "Manquants" not in metrics
    awaited = _national_w48(serving_home, "departements_awaited")
    assert 0 < awaited < 101 and metrics["En attente"] == fr_int(awaited)


def test_vue_nationale_received_kpi_equals_the_national_mart(rendered, serving_home):
    metrics = _metrics(rendered("national", "vue_nationale"))
    assert metrics["Rapports reçus"] == fr_int(_national_w48(serving_home, "departements_received"))


def test_vue_nationale_header_gives_the_deadline_in_paris_time(rendered):
    assert "26/11/2026 12:00 (heure de Paris)" in texts(rendered("national", "vue_nationale").markdown)[0]


def test_vue_nationale_changes_are_uncoloured_while_the_week_is_arriving(rendered):
    at = rendered("national", "vue_nationale")
    gray = type(at.metric[0].proto).MetricColor.GRAY
    assert {m.label for m in at.metric if m.proto.delta and m.proto.color != gray} == set()


def test_vue_nationale_draws_a_choropleth_and_the_national_trend(rendered):
    at = rendered("national", "vue_nationale")
    assert _charts(at) == 2  # map + national trend
    assert "properties.code" in str(at.get("plotly_chart")[0].proto)  # the GeoJSON choropleth


def test_vue_nationale_caption_states_how_many_departements_reported(rendered, serving_home):
    received = _national_w48(serving_home, "departements_received")
    assert any(f"{received} départements sur 101" in c for c in texts(rendered("national", "vue_nationale").caption))


def test_vue_nationale_region_table_lists_every_region(rendered):
    assert rendered("national", "vue_nationale").dataframe[-1].value["region_code"].nunique() == 18


def test_after_the_deadline_reports_not_received_are_missing(signed_in, after_deadline):
    metrics = _metrics(signed_in("national", "vue_nationale"))  # built and published at 12:30
    assert "Manquants" in metrics and "En attente" not in metrics


def test_after_the_deadline_missing_is_coloured_and_nil_is_not(signed_in, after_deadline):
    at = signed_in("national", "vue_nationale")  # built and published at 12:30
    coloured = {m.label for m in at.metric
                if m.proto.delta and m.proto.color != type(m.proto).MetricColor.GRAY}
    assert "Manquants" in coloured and "Néant" not in coloured


def test_vue_nationale_map_follows_the_chosen_indicator(signed_in):
    at = signed_in("national", "vue_nationale")
    at.selectbox[0].set_value("suivis_en_cours").run()
    assert not at.exception
    assert "Suivis en cours (stock) — 2026-W48" in str(at.get("plotly_chart")[0].proto)


def test_vue_nationale_awaited_follows_the_published_build_not_the_page_clock(signed_in, monkeypatch):
    monkeypatch.setenv("CIPD_NOW", "2026-11-26T11:30:00+00:00")  # 12:30, but built at 10:00
    assert "En attente" in _metrics(signed_in("national", "vue_nationale"))


def test_remontees_lists_the_missing_departements(rendered, serving_home):
    missing = rendered("national", "remontees").dataframe[0].value
    expected = serving_home.serving_value(
        "select list(departement_code order by departement_code) from marts.fct_weekly_reports "
        "where week_code = '2026-W48' and status = 'missing'")
    assert list(missing["departement_code"]) == expected


def test_remontees_gives_the_time_left_before_the_deadline(rendered):
    # deadline Thursday 12:00 Paris = 11:00 UTC, clock 09:00 UTC
    assert set(rendered("national", "remontees").dataframe[0].value["temps_restant"]) == {"2 h 00"}


def test_remontees_heatmap_shows_the_current_week_as_awaited(rendered):
    at = rendered("national", "remontees")
    assert _charts(at) == 2  # heatmap + rates
    heatmap = str(at.get("plotly_chart")[0].proto)
    assert "Manquant" in heatmap and "En attente" in heatmap  # W48 is not due before 12:00


def _fiche_75(rendered):
    return rendered("national", "fiche_departement", query={"departement": "75"})


def test_fiche_departement_opens_the_departement_of_the_link(rendered):
    at = _fiche_75(rendered)
    assert not at.exception
    assert at.selectbox[0].value == "75"


def test_fiche_departement_draws_its_weekly_and_monthly_series(rendered):
    assert _charts(_fiche_75(rendered)) == 2


def test_fiche_departement_has_receipts_and_coherence_sections(rendered):
    subheaders = texts(_fiche_75(rendered).subheader)
    assert "Dépôts et accusés de réception" in subheaders and "Alertes de cohérence" in subheaders


def test_fiche_departement_lists_every_receipt_of_the_departement(rendered, serving_home):
    receipts = _fiche_75(rendered).dataframe[2].value
    assert len(receipts) == serving_home.serving_value(
        "select count(*) from marts.fct_submissions where departement_code = '75'")
    assert set(receipts["status"]) == {"Accepté"}
    assert "Rapport hebdomadaire" in set(receipts["report_kind"])


def test_suivis_actions_draws_its_six_charts(rendered):
    # actions, follow-ups, results, FIPD, partners, trainings
    assert _charts(rendered("national", "suivis_actions")) == 6


@pytest.mark.parametrize("level", ["Par région", "Par département"])
def test_suivis_actions_runs_at_each_level(signed_in, level):
    at = signed_in("national", "suivis_actions")
    at.get("button_group")[0].set_value(level).run()
    assert not at.exception, [e.message for e in at.exception]


def test_bonnes_pratiques_lists_every_practice_by_default(rendered, serving_home):
    at = rendered("departement:69", "bonnes_pratiques")
    assert len(at.expander) == serving_home.serving_value("select count(*) from marts.fct_good_practices")


def test_bonnes_pratiques_text_search_finds_the_practice(signed_in):
    at = signed_in("departement:69", "bonnes_pratiques")
    at.text_input[0].set_value("canari").run()
    assert [e.label for e in at.expander] == [
        "Pratique canari des Bouches\\-du\\-Rhône — 13 Bouches\\-du\\-Rhône \\(2026\\-10\\)"]


def test_bonnes_pratiques_action_type_filter_narrows_the_list(signed_in, serving_home):
    at = signed_in("departement:69", "bonnes_pratiques")
    at.multiselect[0].set_value(["insertion"]).run()
    assert 1 <= len(at.expander) < serving_home.serving_value("select count(*) from marts.fct_good_practices")
    assert any("canari" in e.label for e in at.expander)


def test_qualite_counts_the_published_build_tests(rendered, serving_home):
    metrics = _metrics(rendered("national", "qualite"))
    assert metrics["Tests exécutés"] == fr_int(serving_home.serving_value(
        "select count(*) from marts.meta_test_results"))


def test_qualite_names_the_dbt_version(rendered):
    assert _metrics(rendered("national", "qualite"))["Version de dbt"] == "1.11.16"


def test_qualite_lists_the_rejected_upload(rendered, serving_home):
    shown = " ".join(d.value.to_csv() for d in rendered("national", "qualite").dataframe)
    assert serving_home.canary_submission_ids[-1] in shown  # the rejected canary upload


def test_deposer_offers_templates_to_a_departement(signed_in):
    at = signed_in("departement:69", "deposer")
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Rapport hebdomadaire (XLSX)" in labels and "Bonnes pratiques (CSV)" in labels
    assert len(at.get("file_uploader")) == 1
