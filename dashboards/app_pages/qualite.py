"""Qualité des données (national): the last dbt build and its tests, warnings, outliers and
rejected uploads."""

import polars as pl
import streamlit as st

from dashboards import queries, ui
from data_contracts.quality_rules import UNUSUAL_VALUE

role = ui.current_role()
ui.require_serving()
week = queries.current_week()
st.title("Qualité des données")

# --- Build and tests -------------------------------------------------------------------------------
build = queries.build_info()
cols = st.columns(3)
cols[0].metric("Dernière construction dbt (heure de Paris)", ui.paris_short(build.get("built_at")))
cols[1].metric("Dernière publication (heure de Paris)", ui.paris_short(queries.published_at()))
cols[2].metric("Version de dbt", build.get("dbt_version") or "—")
st.subheader("Tests dbt du dernier build publié")
results = queries.test_results()
if results.is_empty():
    st.info("Aucun résultat de test dans la publication : lancez `cipd build` (tests compris).")
else:
    failing = results.filter(~pl.col("status").is_in(["pass", "success"]))
    cols = st.columns(3)
    cols[0].metric("Tests exécutés", results.height)
    cols[1].metric("Réussis", results.height - failing.height)
    cols[2].metric("En échec ou en alerte", failing.height)
    if failing.height:
        st.warning(f"{failing.height} test(s) dbt en échec ou en alerte : voir le tableau.")
    ui.table(results, "tests dbt", note="résultats du dernier `dbt build` publié")

# --- Warnings -----------------------------------------------------------------------------------------
st.subheader("Incohérences hebdomadaire / mensuel")
gaps = queries.inconsistencies(role)
if gaps.is_empty():
    st.success("Aucune incohérence entre rapports hebdomadaires et mensuels.")
else:
    ui.table(gaps.select("departement_code", "departement_name", "month_code", "weeks_nouveaux_signalements",
                         "month_suivis_engages", "weeks_orientations_judiciaires",
                         "month_orientations_judiciaires"),
             "incoherences", covered=gaps["departement_code"].n_unique())

st.subheader("Alertes de stock")
stocks = queries.stock_warnings(role)
if stocks.is_empty():
    st.success("Aucun stock de suivis incohérent avec la semaine précédente.")
else:
    ui.table(stocks, "alertes stock", covered=stocks["departement_code"].n_unique())

st.subheader(f"Valeurs atypiques — semaine {week}")
unusual = queries.unusual_values(role, week)
if unusual.is_empty():
    st.success("Aucune valeur atypique cette semaine.")
else:
    ui.table(unusual, f"valeurs atypiques {week}", covered=unusual.height,
             note=UNUSUAL_VALUE.describe("weekly"))

st.subheader("Dépôts refusés")
rejected = queries.rejected_submissions(role)
if rejected.is_empty():
    st.success("Aucun dépôt refusé.")
else:
    ui.table(ui.with_paris_times(rejected, "received_at"), "depots refuses",
             covered=rejected["departement_code"].n_unique())
