"""Bonnes pratiques: the searchable catalogue of every département's practices.

Every role reads every practice; a practice's département indicators are shown only when the
role covers that département (the queries null them otherwise).
"""

import polars as pl
import streamlit as st

from dashboards import queries, ui
from data_contracts.french_format import fr_number
from data_contracts.labels import ACTION_TYPES as ACTION_TYPE_LABELS
from data_contracts.labels import TARGET_PUBLICS as PUBLIC_LABELS
from data_contracts.referential import regions

INDICATORS = {"suivis_engages": "Suivis engagés dans le mois", "suivis_actifs": "Suivis actifs",
              "actions_total": "Actions menées", "familles_accompagnees": "Familles accompagnées",
              "fipd_engage_eur": "Crédits FIPD engagés (€)",
              "weeks_nouveaux_signalements": "Nouveaux signalements du mois"}

role = ui.current_role()
ui.require_serving()
st.title("Bonnes pratiques")
text = st.text_input("Rechercher", placeholder="mots du titre, de la description, des résultats…")
c1, c2, c3, c4 = st.columns(4)
action_types = c1.multiselect("Type d'action", list(ACTION_TYPE_LABELS), format_func=ACTION_TYPE_LABELS.get,
                              placeholder=ui.MULTISELECT_PLACEHOLDER)
publics = c2.multiselect("Public visé", list(PUBLIC_LABELS), format_func=PUBLIC_LABELS.get,
                         placeholder=ui.MULTISELECT_PLACEHOLDER)
all_regions = regions()
region_codes = c3.multiselect("Région", list(all_regions), format_func=all_regions.get,
                              placeholder=ui.MULTISELECT_PLACEHOLDER)
partner = c4.text_input("Partenaire", placeholder="ex. SPIP, ASE…")

SHOWN = 50
search = (role, text, tuple(action_types), tuple(publics), tuple(region_codes), partner)
count, departements_count = queries.practices_found(*search)
found = queries.practices(*search, limit=SHOWN)
st.write(f"**{count}** pratique(s) trouvée(s).")
ui.caption(departements_count, note="départements ayant proposé ces pratiques")

for practice in found.iter_rows(named=True):
    header = ui.md_escape(f"{practice['titre']} — {practice['departement_code']} "
                          f"{practice['departement_name']} ({practice['month_code']})")
    with st.expander(header):
        st.markdown(
            f"**Type d'action :** {ACTION_TYPE_LABELS.get(practice['action_type_code'], practice['action_type_code'])}"
            f" · **Public :** {PUBLIC_LABELS.get(practice['target_public_code'], practice['target_public_code'])}"
            f" · **Région :** {ui.md_escape(practice['region_name'])}")
        st.markdown(f"**Partenaires :** {ui.md_escape(practice['partenaires'])}")
        st.markdown("**Description**")
        st.text(practice["description"])
        st.markdown("**Résultats**")
        st.text(practice["resultats"])
        if practice["departement_code"] in role.departements:
            st.markdown(f"**Indicateurs du département ({practice['month_code']})**")
            cols = st.columns(3)
            for i, (column, label) in enumerate(INDICATORS.items()):
                value = practice.get(column)
                cols[i % 3].metric(label, fr_number(value))
        else:
            st.caption("Indicateurs du département réservés à son périmètre.")
if count > SHOWN:
    st.info(f"Seules les {SHOWN} premières pratiques sont affichées : affinez la recherche "
            f"ou téléchargez le catalogue complet ({count}).")


def catalogue() -> pl.DataFrame:
    """Every practice found, read when the user downloads it (not on every render)."""
    return ui.with_paris_times(queries.practices(*search).with_columns(
        pl.col("action_type_code").replace_strict(ACTION_TYPE_LABELS, default=pl.col("action_type_code")),
        pl.col("target_public_code").replace_strict(PUBLIC_LABELS, default=pl.col("target_public_code")),
    ).drop("submission_id", strict=False), "first_received_at", "received_at")


ui.downloads(catalogue, "catalogue bonnes pratiques")
