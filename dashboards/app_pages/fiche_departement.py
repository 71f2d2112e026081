"""Fiche département: one département's series, submissions, warnings and good practices.

The département comes from a selector limited to the role's départements; a ``?departement=``
link is honoured only when the role covers it (the queries filter by role regardless).
"""

import polars as pl
import streamlit as st

from data_contracts.calendar import shift_month
from dashboards import charts, queries, ui

role = ui.current_role()
ui.require_serving()
week, month = queries.current_week(), queries.last_complete_month()
st.title("Fiche département")

allowed = queries.departements(role)
names = dict(allowed.select("departement_code", "departement_name").iter_rows())
requested = st.query_params.get("departement")
if requested and requested not in names:
    # The link's value is the visitor's own text: shown literally and bounded, never as Markdown.
    shown = ui.md_escape(requested[:40] + ("…" if len(requested) > 40 else ""))
    st.error(f"Vous n'avez pas accès au département « {shown} » : votre rôle "
             f"({role.label}) ne couvre que {', '.join(names) or 'aucun département'}.")
    st.query_params.clear()
    st.stop()
codes = list(names)
code = st.selectbox("Département", codes, index=codes.index(requested) if requested else 0,
                    format_func=lambda c: f"{c} – {names[c]}", disabled=len(codes) == 1)
st.query_params["departement"] = code

# --- Weekly series ------------------------------------------------------------------------------
st.subheader("Série hebdomadaire")
weeks = st.segmented_control("Période", [12, 52], default=12,
                             format_func=lambda n: f"{n} semaines", key="weeks") or 12
weekly = queries.departement_weekly(role, code, week, weeks)
received = int(weekly["is_received"].sum())
weekly_series = {"nouveaux_signalements": "Nouveaux signalements", "suivis_en_cours": "Suivis en cours",
                 "orientations_judiciaires": "Orientations judiciaires",
                 "familles_accompagnees": "Familles accompagnées"}
weekly_table = ui.with_paris_times(ui.status_label(weekly.select(
    "week_code", "status", "version_count", "received_at", "deadline_at", *weekly_series,
    "commentaire")), "received_at", "deadline_at")
ui.figure(charts.trend(weekly, "week_code", weekly_series, f"{names[code]} — {weeks} semaines",
                       shared_axis=False),
          weekly_table, f"hebdomadaire {code} {weeks} semaines", covered=1, expected=1,
          note=f"{received} rapport(s) reçu(s) sur {weekly.height} semaines")

# --- Monthly series -----------------------------------------------------------------------------
st.subheader("Série mensuelle")
monthly = queries.departement_monthly(role, code, month, 12)
monthly_series = {"suivis_engages": "Suivis engagés", "suivis_actifs": "Suivis actifs",
                  "actions_total": "Actions", "professionnels_formes": "Professionnels formés"}
monthly_table = ui.status_label(monthly.select(
    "month_code", "status", "version_count", *monthly_series, "fipd_engage_eur"))
ui.figure(charts.trend(monthly, "month_code", monthly_series,
                       f"{names[code]} — {shift_month(month, -11)} à {month}", shared_axis=False),
          monthly_table, f"mensuel {code}", covered=1, expected=1,
          note=f"{int(monthly['is_received'].sum())} rapport(s) mensuel(s) reçu(s) sur 12")

# --- Submissions ---------------------------------------------------------------------------------
st.subheader("Dépôts et accusés de réception")
receipts = queries.submissions(role, code)
if receipts.is_empty():
    st.info("Aucun dépôt enregistré pour ce département.")
else:
    ui.receipts_section(receipts, f"depots {code}", note="toutes les versions, acceptées ou refusées")

# --- Consistency warnings --------------------------------------------------------------------------
st.subheader("Alertes de cohérence")
gaps = queries.inconsistencies(role, code)
stocks = queries.stock_warnings(role, code)
if gaps.is_empty() and stocks.is_empty():
    st.success("Aucune incohérence détectée entre rapports hebdomadaires et mensuels.")
if not gaps.is_empty():
    st.warning(f"{gaps.height} mois où les rapports hebdomadaires et le rapport mensuel divergent.")
    ui.table(gaps.select("month_code", "weeks_received", "weeks_expected",
                         "weeks_nouveaux_signalements", "month_suivis_engages",
                         "weeks_orientations_judiciaires", "month_orientations_judiciaires"),
             f"incoherences {code}", covered=1, expected=1)
if not stocks.is_empty():
    st.warning(f"{stocks.height} semaine(s) où le stock de suivis ne suit pas la semaine précédente "
               "(stock précédent + nouveaux signalements − suivis clos).")
    ui.table(stocks, f"alertes stock {code}", covered=1, expected=1)

# --- Good practices ---------------------------------------------------------------------------------
st.subheader("Bonnes pratiques du département")
own = queries.practices(role, departement=code)
if own.is_empty():
    st.info("Ce département n'a pas encore proposé de bonne pratique.")
else:
    ui.table(own.select("month_code", "titre", "action_type_code", "target_public_code",
                        "partenaires", "resultats").with_columns(pl.col("resultats").str.slice(0, 200)),
             f"pratiques {code}", covered=1, expected=1)
