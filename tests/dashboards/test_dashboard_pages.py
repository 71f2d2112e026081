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


def test_vue_nationale_shows_kpis_map_trend_and_regions(signed_in, serving_home):
    at = signed_in("national", "vue_nationale")
    metrics = {m.label: m.value for m in at.metric}
    # Thursday 10:00 in Paris, before the 12:00 deadline: reports not yet sent are awaited
    assert {"Rapports reçus", "À l'heure", "En retard", "En attente", "Néant",
            "Nouveaux signalements", "Suivis en cours"} <= set(metrics)
    assert "Manquants" not in metrics
    received, awaited = (serving_home.serving_value(
        f"select {c} from marts.fct_national_weekly where week_code = '2026-W48'")
        for c in ("departements_received", "departements_missing"))
    assert 0 < awaited < 101
    assert metrics["Rapports reçus"] == str(received) and metrics["En attente"] == str(awaited)
    assert "26/11/2026 12:00 (heure de Paris)" in texts(at.markdown)[0]
    # the week is still arriving: its changes vs last week are neither good nor bad news yet
    gray = type(at.metric[0].proto).MetricColor.GRAY
    assert {m.label for m in at.metric if m.proto.delta and m.proto.color != gray} == set()
    assert _charts(at) == 2  # map + national trend
    assert "properties.code" in str(at.get("plotly_chart")[0].proto)  # the GeoJSON choropleth
    assert any(f"{received} départements sur 101" in c for c in texts(at.caption))
    assert at.dataframe[-1].value["region_code"].nunique() == 18


def test_after_the_deadline_reports_not_received_are_missing(signed_in, monkeypatch):
    monkeypatch.setenv("CIPD_NOW", "2026-11-26T11:30:00+00:00")  # 12:30 in Paris
    at = signed_in("national", "vue_nationale")
    metrics = {m.label: m.value for m in at.metric}
    assert "Manquants" in metrics and "En attente" not in metrics
    coloured = {m.label for m in at.metric
                if m.proto.delta and m.proto.color != type(m.proto).MetricColor.GRAY}
    assert "Manquants" in coloured and "Néant" not in coloured


def test_vue_nationale_map_follows_the_chosen_indicator(signed_in):
    at = signed_in("national", "vue_nationale")
    at.selectbox[0].set_value("suivis_en_cours").run()
    assert not at.exception
    assert "Suivis en cours (stock) — 2026-W48" in str(at.get("plotly_chart")[0].proto)


def test_remontees_lists_missing_departements_with_time_left(signed_in, serving_home):
    at = signed_in("national", "remontees")
    missing = at.dataframe[0].value
    expected = serving_home.serving_value(
        "select list(departement_code order by departement_code) from marts.fct_weekly_reports "
        "where week_code = '2026-W48' and status = 'missing'")
    assert list(missing["departement_code"]) == expected
    # deadline Thursday 12:00 Paris = 11:00 UTC, clock 09:00 UTC
    assert set(missing["temps_restant"]) == {"2 h 00"}
    assert _charts(at) == 2  # heatmap + rates
    heatmap = str(at.get("plotly_chart")[0].proto)
    assert "Manquant" in heatmap and "En attente" in heatmap  # W48 is not due before 12:00


def test_fiche_departement_has_series_receipts_and_warnings(signed_in, serving_home):
    at = signed_in("national", "fiche_departement", query={"departement": "75"})
    assert not at.exception
    assert at.selectbox[0].value == "75"
    assert _charts(at) == 2
    subheaders = texts(at.subheader)
    assert "Dépôts et accusés de réception" in subheaders and "Alertes de cohérence" in subheaders
    receipts = at.dataframe[2].value
    assert len(receipts) == serving_home.serving_value(
        "select count(*) from marts.fct_submissions where departement_code = '75'")
    assert set(receipts["status"]) == {"Accepté"}
    assert "Rapport hebdomadaire" in set(receipts["report_kind"])


def test_suivis_actions_levels(signed_in):
    at = signed_in("national", "suivis_actions")
    assert _charts(at) == 6  # actions, follow-ups, results, FIPD, partners, trainings
    for level in ("Par région", "Par département"):
        at.get("button_group")[0].set_value(level).run()
        assert not at.exception, [e.message for e in at.exception]


def test_bonnes_pratiques_search_and_filters(signed_in, serving_home):
    at = signed_in("departement:69", "bonnes_pratiques")
    total = serving_home.serving_value("select count(*) from marts.fct_good_practices")
    assert len(at.expander) == total
    at.text_input[0].set_value("canari").run()
    assert [e.label for e in at.expander] == [
        "Pratique canari des Bouches\\-du\\-Rhône — 13 Bouches\\-du\\-Rhône \\(2026\\-10\\)"]
    at.text_input[0].set_value("").run()
    at.multiselect[0].set_value(["insertion"]).run()
    assert 1 <= len(at.expander) < total
    assert any("canari" in e.label for e in at.expander)


def test_qualite_shows_build_tests_and_rejections(signed_in, serving_home):
    at = signed_in("national", "qualite")
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tests exécutés"] == str(serving_home.serving_value(
        "select count(*) from marts.meta_test_results"))
    assert metrics["Version de dbt"] == "1.11.16"
    shown = " ".join(d.value.to_csv() for d in at.dataframe)
    assert serving_home.canary_submission_ids[-1] in shown  # the rejected canary upload


def test_deposer_offers_templates_to_a_departement(signed_in):
    at = signed_in("departement:69", "deposer")
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert "Rapport hebdomadaire (XLSX)" in labels and "Bonnes pratiques (CSV)" in labels
    assert len(at.get("file_uploader")) == 1
