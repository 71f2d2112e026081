"""Suivis et actions (monthly): follow-ups, actions by type, results, FIPD credits, partners
mobilised and trainings — national, by region, by département."""

import polars as pl
import streamlit as st

from dashboards import charts, queries, ui
from data_contracts.calendar import shift_month
from data_contracts.french_format import fr_number
from data_contracts.labels import MONTHLY_ACTIONS as ACTION_LABELS
from data_contracts.labels import MONTHLY_FOLLOW_UPS as FOLLOW_UPS
from data_contracts.labels import PARTNERS as PARTNER_LABELS

role = ui.current_role()
ui.require_serving()
st.title("Suivis et actions")
latest = queries.last_complete_month()
left, right = st.columns(2)
month = left.selectbox("Mois", [shift_month(latest, -i) for i in range(12)])
levels = ["National", "Par région", "Par département"]
level = right.segmented_control("Niveau", levels, default=levels[0], key="level") or levels[0]
measures = (*FOLLOW_UPS, *ACTION_LABELS, "actions_total", "orientations_judiciaires",
            "familles_accompagnees", "professionnels_formes")

# --- Follow-ups and actions of the month, at the chosen level ------------------------------------
national = queries.national_monthly(role, month, 12)
current = national.filter(pl.col("month_code") == month)
row = current.row(0, named=True) if current.height else {}
national_coverage = {"covered": row.get("departements_received"),
                     "expected": row.get("departements_expected")}
if level == "National":
    cols = st.columns(4)
    for box, (column, label) in zip(cols, FOLLOW_UPS.items()):
        box.metric(label, fr_number(row.get(column)))
    ui.caption(row.get("departements_received"), row.get("departements_expected"))
    actions = pl.DataFrame({"type_action": list(ACTION_LABELS.values()),
                            "actions": [row.get(c) for c in ACTION_LABELS]})
    ui.figure(charts.bars(actions, "type_action", "actions", f"Actions par type — {month}",
                          {"type_action": "Type d'action", "actions": "Actions"}),
              actions, f"actions par type {month}", covered=row.get("departements_received"),
              expected=row.get("departements_expected"))
    ui.figure(charts.trend(national, "month_code", FOLLOW_UPS, "Suivis sur 12 mois", shared_axis=False),
              national.select("month_code", "departements_received", *FOLLOW_UPS),
              f"suivis 12 mois {month}", covered=row.get("departements_received"),
              expected=row.get("departements_expected"))
elif level == "Par région":
    regions = queries.monthly_by_region(role, month, measures)
    covered, expected = int(regions["departements_recus"].sum()), int(regions["departements_attendus"].sum())
    by_type = regions.select("region_name", *ACTION_LABELS).unpivot(
        index="region_name", variable_name="type_action", value_name="actions").with_columns(
        pl.col("type_action").replace_strict(ACTION_LABELS))
    ui.figure(charts.bars(by_type, "region_name", "actions", f"Actions par région et par type — {month}",
                          {"region_name": "Région", "actions": "Actions", "type_action": "Type"},
                          color="type_action", horizontal=True),
              regions, f"suivis actions regions {month}", covered=covered, expected=expected)
else:
    deps = queries.monthly_by_departement(role, month)
    table = ui.status_label(deps.select("departement_code", "departement_name", "region_name",
                                        "status", *measures, "fipd_engage_eur"))
    ui.table(table, f"suivis actions departements {month}", covered=int(deps["is_received"].sum()),
             expected=deps.height)

# --- Results -------------------------------------------------------------------------------------
st.subheader("Résultats : suivis clos")
results = national.select("month_code", "suivis_clos_favorables", "suivis_clos_autres")
ui.figure(charts.trend(results, "month_code", {"suivis_clos_favorables": "Issue favorable",
                                               "suivis_clos_autres": "Autre motif"},
                       "Suivis clos par mois (national)"),
          results, f"resultats {month}", note=f"totaux nationaux, couverture de {month}",
          **national_coverage)

# --- FIPD ------------------------------------------------------------------------------------------
st.subheader("Crédits FIPD engagés")
fipd = queries.fipd_by_month(role, month, 12)
fipd_chart = fipd.with_columns(pl.col("fipd_engage_eur").cast(pl.Float64))
ui.figure(charts.bars(fipd_chart, "month_code", "fipd_engage_eur", "Crédits FIPD engagés (€)",
                      {"month_code": "Mois", "fipd_engage_eur": "Euros", "region_code": "Région"},
                      color="region_code"),
          fipd, f"fipd {month}", note=f"départements de votre périmètre, couverture de {month}",
          covered=int(fipd.filter(pl.col("month_code") == month)["departements_recus"].sum()),
          expected=int(fipd.filter(pl.col("month_code") == month)["departements_attendus"].sum()))

# --- Partners and trainings -------------------------------------------------------------------------
st.subheader("Partenaires mobilisés")
partners = queries.cell_partners(role, month).with_columns(
    pl.col("partner_type_code").replace_strict(PARTNER_LABELS, default=pl.col("partner_type_code"))
    .alias("partenaire"))
cells = int(partners["cells_reporting"].max() or 0) if partners.height else 0
ui.figure(charts.bars(partners, "partenaire", "mobilising_share",
                      f"Part des cellules mobilisant chaque partenaire — {month}",
                      {"partenaire": "Partenaire", "mobilising_share": "Part des cellules"}),
          partners.select("partenaire", "cells_reporting", "cells_mobilising", "mobilising_share"),
          f"partenaires {month}", covered=cells, note="total national")

st.subheader("Professionnels formés")
ui.figure(charts.trend(national, "month_code", {"professionnels_formes": "Professionnels formés"},
                       "Professionnels formés par mois (national)"),
          national.select("month_code", "departements_received", "professionnels_formes"),
          f"formations {month}", note=f"totaux nationaux, couverture de {month}", **national_coverage)
