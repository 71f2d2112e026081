"""Qualité des données (national): the last dbt build and its tests, warnings, outliers and
rejected uploads."""

import polars as pl
import streamlit as st

from dashboards import queries, ui
from data_contracts.french_format import fr_int
from data_contracts.labels import COLUMNS
from data_contracts.quality_rules import UNUSUAL_VALUE
from data_contracts.registry import CONTRACTS
from data_contracts.review import REASONS
from data_contracts.settings import get_settings

role = ui.current_role()
ui.require_serving()
week = queries.current_week()
st.title("Qualité des données")
refusal = queries.audit_journal_refusal()
if refusal:
    st.error("**Journal d'audit refusé** par le chargement du "
             f"{ui.paris_short(refusal['checked_at'])} (heure de Paris) : "
             f"{ui.md_escape(refusal['message_fr'] or '')} Les événements suivants ne sont plus "
             "copiés dans l'entrepôt tant que le journal n'a pas été restauré.")

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
    cols[0].metric("Tests exécutés", fr_int(results.height))
    cols[1].metric("Réussis", fr_int(results.height - failing.height))
    cols[2].metric("En échec ou en alerte", fr_int(failing.height))
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

# --- Correction requests (docs/steering.md) ----------------------------------------------------------
def _days(value) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


def _share(value) -> str:
    return "—" if value is None else f"{value:.0%}".replace("%", " %")


st.subheader("Demander une correction")
with st.form("review-request", clear_on_submit=True):
    cols = st.columns(3)
    review_kind = cols[0].radio("Rapport", ["weekly", "monthly"], horizontal=True,
                                format_func=lambda k: CONTRACTS[k].label)
    review_departement = cols[1].text_input("Département (code INSEE)")
    review_period = cols[2].text_input("Période (semaine AAAA-Sss ou mois AAAA-MM)", value=week)
    review_fields = st.multiselect("Champs concernés", sorted({*CONTRACTS["weekly"].model_fields,
                                                               *CONTRACTS["monthly"].model_fields}),
                                   placeholder=ui.MULTISELECT_PLACEHOLDER,
                                   format_func=lambda name: COLUMNS.get(name, name.replace("_", " ").capitalize()))
    review_reason = st.selectbox("Motif", list(REASONS), format_func=REASONS.get)
    review_message = st.text_area("Message (facultatif, sans donnée personnelle)", max_chars=500)
    review_sent = st.form_submit_button("Demander la correction")
if review_sent:
    from pydantic import ValidationError

    from ingestion.review import record_review

    try:
        request = record_review(
            get_settings(), action="request", report_kind=review_kind, departement=review_departement,
            period_code=review_period.strip(), actor=f"web:{st.session_state[ui.ACCOUNT_KEY].login}",
            fields=review_fields, reason_code=review_reason, message=review_message)
    except ValidationError as error:
        st.error("Demande non enregistrée : " + " ; ".join(p["msg"] for p in error.errors()))
    else:
        st.success(f"Demande de correction {request.event_id} enregistrée pour {request.departement} "
                   f"{request.period_code} : elle apparaîtra après le prochain chargement et la "
                   "prochaine publication.")
st.subheader("Demandes de correction")
indicators = queries.review_indicators(role, week)
if indicators:
    cols = st.columns(4)
    cols[0].metric("Demandes ouvertes", indicators["open_requests"])
    cols[1].metric("Âge médian des demandes ouvertes (jours)", _days(indicators["median_open_age_days"]))
    cols[2].metric("Délai médian de correction (jours)", _days(indicators["median_days_to_correct"]))
    cols[3].metric(f"Rapports vérifiés, semaine {week}", _share(indicators["share_verified"]))
all_requests = queries.review_requests(role, open_only=False)
if all_requests.is_empty():
    st.info("Aucune demande de correction publiée.")
else:
    ui.table(ui.with_paris_times(all_requests, "requested_at", "closed_at"), "demandes de correction",
             covered=all_requests["departement_code"].n_unique())
