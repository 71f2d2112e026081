"""Remontées: who reported, on time or not, and who is still missing this week."""

import polars as pl
import streamlit as st

from data_contracts.calendar import shift_week
from data_contracts.labels import COVERAGE
from dashboards import charts, queries, ui


def time_left(deadline, now) -> str:
    """« 3 h 00 » before the deadline, « dépassée de 2 j 4 h » after it."""
    seconds = int((deadline - now).total_seconds())
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    text = (f"{days} j {hours} h" if days else f"{hours} h {rest // 60:02d}")
    return text if seconds >= 0 else f"dépassée de {text}"


role = ui.current_role()
ui.require_serving()
week = queries.current_week()
st.title("Remontées")
weeks = st.segmented_control("Période", [12, 26, 52], default=12,
                             format_func=lambda n: f"{n} semaines", key="span") or 12
first_week = shift_week(week, 1 - weeks)

# --- Missing this week ------------------------------------------------------------------------
st.subheader(f"Départements sans rapport pour la semaine {week}")
now = queries.now()
missing = queries.missing_reports(role, week)
rates = queries.rates_by_week(role, first_week, week)
expected = int(rates["departements_attendus"].max() or 0)
if missing.is_empty():
    st.success("Tous les départements ont remis leur rapport de la semaine.")
else:
    missing_table = missing.with_columns(
        pl.col("deadline_at").map_elements(ui.paris, return_dtype=pl.String).alias("echeance"),
        pl.col("deadline_at").map_elements(lambda d: time_left(ui.as_utc(d), now),
                                           return_dtype=pl.String).alias("temps_restant"),
    ).drop("deadline_at")
    ui.table(missing_table, f"manquants {week}", covered=expected - missing.height,
             expected=expected, note=f"{missing.height} rapport(s) manquant(s)")

# --- Heatmap -----------------------------------------------------------------------------------
st.subheader("Statut des rapports par semaine")
grid = ui.status_label(queries.weekly_grid(role, first_week, week))
grid_table = ui.with_paris_times(grid.select(
    "departement_code", "departement_name", "week_code", "status", "received_at", "deadline_at"),
    "received_at", "deadline_at")
ui.figure(charts.status_heatmap(grid, f"Rapports hebdomadaires, {first_week} à {week}"),
          grid_table, f"statuts {first_week} {week}", covered=grid["departement_code"].n_unique(),
          expected=expected)

# --- Rates by week -----------------------------------------------------------------------------
st.subheader("Taux de remontée et de ponctualité")
ui.figure(charts.trend(rates, "week_code", {"taux_remontee": COVERAGE["reporting_rate"],
                                            "taux_a_l_heure": COVERAGE["on_time_rate"]},
                       "Taux par semaine", percent=True),
          rates, f"taux par semaine {first_week} {week}", covered=expected, expected=expected)

st.subheader("Par département")
by_departement = queries.rates_by_departement(role, first_week, week)
percent = {"format": "percent", "min_value": 0.0, "max_value": 1.0}
ui.table(by_departement, f"taux par departement {first_week} {week}",
         covered=by_departement.height, expected=expected,
         column_config={"taux_remontee": st.column_config.ProgressColumn("Taux de remontée", **percent),
                        "taux_a_l_heure": st.column_config.ProgressColumn("Taux à l'heure", **percent)})
