"""Vue nationale: this week's national KPIs, the map of the départements, trends, regions."""

import polars as pl
import streamlit as st

from data_contracts.calendar import shift_week
from data_contracts.french_format import fr_number
from data_contracts.labels import WEEKLY_MEASURES
from dashboards import charts, queries, ui

WEEKLY_INDICATORS = {key: WEEKLY_MEASURES[key] for key in (
    "nouveaux_signalements", "signalements_cnapr", "signalements_locaux", "suivis_en_cours",
    "orientations_judiciaires", "familles_accompagnees")}

role = ui.current_role()
ui.require_serving()
week = queries.current_week()
# The deadline and whether it has passed come from the published marts (their build's clock),
# as « En attente » does everywhere else (documents, reminders, the status grid).
deadline = queries.week_deadline(week)
before_deadline = deadline.get("is_past_deadline") is False
due = f" — rapports dus le {ui.paris(deadline['deadline_at'])}" if deadline else ""
st.title("Vue nationale")
st.write(f"Semaine en cours : **{week}**{due}.")

# --- KPIs of the week -------------------------------------------------------------------
national = queries.national_weekly(role, week, 52)
rows = {r["week_code"]: r for r in national.iter_rows(named=True)}
this, last = rows.get(week), rows.get(shift_week(week, -1))


def kpi(column, label, container, delta_color="normal", help=None):
    """One figure of the week with its change since last week; ``delta_color`` says whether a
    rise is good ("normal"), bad ("inverse") or neither ("off"). Before the deadline the week is
    still arriving: its changes are shown uncoloured, neither good nor bad news yet."""
    value = this[column] if this else None
    previous = last[column] if last else None
    delta = (value - previous) if value is not None and previous is not None else None
    container.metric(label, fr_number(value),
                     delta=None if delta is None else f"{ui.signed(delta)} vs S-1",
                     delta_color="off" if before_deadline else delta_color, help=help)


# Before the deadline a report not yet sent is awaited, not missing: comparing it with last
# week's final count would raise a false alarm every Thursday morning.
missing_column, missing_label, missing_help = (
    ("departements_awaited", "En attente",
     f"Rapports pas encore reçus ; l'échéance est le {ui.paris(deadline['deadline_at'])}.")
    if before_deadline else ("departements_missing", "Manquants", None))
first_row = st.columns(5)
for (column, label, colour, help_text), box in zip((
        ("departements_received", "Rapports reçus", "normal", None),
        ("departements_on_time", "À l'heure", "normal", None),
        ("departements_late", "En retard", "inverse", None),
        (missing_column, missing_label, "inverse", missing_help),
        ("departements_nil", "Néant", "off", None)), first_row):
    kpi(column, label, box, colour, help_text)
second_row = st.columns(3)
kpi("nouveaux_signalements", "Nouveaux signalements", second_row[0])
kpi("suivis_en_cours", "Suivis en cours", second_row[1])
kpi("orientations_judiciaires", "Orientations judiciaires", second_row[2])
if this:
    ui.caption(this["departements_received"], this["departements_expected"],
               "les effectifs ne portent que sur les rapports reçus"
               + (" ; semaine en cours de remontée : les écarts avec S-1 ne sont pas encore "
                  "significatifs" if before_deadline else ""))
else:
    ui.caption(note=f"aucune donnée publiée pour la semaine {week}")

# --- Map ---------------------------------------------------------------------------------
st.subheader("Carte des départements")
left, right = st.columns([2, 1])
indicator = left.selectbox("Indicateur", list(WEEKLY_INDICATORS), format_func=WEEKLY_INDICATORS.get)
map_week = right.selectbox("Semaine", [shift_week(week, -i) for i in range(12)])
by_departement = queries.weekly_by_departement(role, map_week)
map_table = by_departement.select(
    "departement_code", "departement_name", "region_name", "status", indicator)
ui.figure(charts.choropleth(by_departement, indicator, f"{WEEKLY_INDICATORS[indicator]} — {map_week}"),
          ui.status_label(map_table), f"carte {WEEKLY_INDICATORS[indicator]} {map_week}",
          covered=by_departement["is_received"].sum(), expected=by_departement.height,
          note=charts.MAP_ATTRIBUTION + " Outre-mer : voir le tableau.")

# --- National trend ----------------------------------------------------------------------
st.subheader("Tendance nationale")
span = st.segmented_control("Période", [12, 52], default=12,
                            format_func=lambda n: f"{n} semaines", key="trend_span") or 12
trend = national.filter(pl.col("week_code") > shift_week(week, -span))
counts = {key: WEEKLY_MEASURES[key] for key in ("nouveaux_signalements", "suivis_en_cours",
                                                 "orientations_judiciaires")}
trend_table = trend.select("week_code", "departements_expected", "departements_received", *counts)
ui.figure(charts.trend(trend, "week_code", counts, f"Évolution nationale sur {span} semaines",
                       shared_axis=False),
          trend_table, f"tendance nationale {span} semaines",
          covered=this["departements_received"] if this else None,
          expected=this["departements_expected"] if this else None,
          note="couverture de la semaine en cours ; voir le tableau pour chaque semaine")

# --- Regions -----------------------------------------------------------------------------
st.subheader(f"Par région — semaine {week}")
regions = queries.regional_weekly(role, week).select(
    "region_code", "region_name", "departements_expected", "departements_received",
    "departements_on_time", "departements_late", "departements_missing", "reporting_rate",
    "nouveaux_signalements", "suivis_en_cours")
ui.table(regions, f"regions {week}", covered=int(regions["departements_received"].sum()),
         expected=int(regions["departements_expected"].sum()),
         column_config={"reporting_rate": st.column_config.ProgressColumn(
             "Taux de remontée", format="percent", min_value=0.0, max_value=1.0)})
