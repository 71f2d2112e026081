"""The monthly report for the minister's office (copy SG-CIPD).

Produced on the ``monthly_report_day`` of each month (default the 6th, once the reports due on
the 5th are in) for the month before, and on demand with ``cipd monthly-report --month
2026-11``: follow-ups started, actions by type, results, FIPD credits, partners, trainings and
the month's good practices, nationally and per département.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from data_contracts.calendar import month_first_day, parse_month, shift_month
from data_contracts.french_format import fr_month
from data_contracts.labels import (
    ACTION_TYPES,
    COVERAGE,
    COVERAGE_COUNTS,
    MONTHLY_MEASURES,
    PARTNERS,
    TARGET_PUBLICS,
    status_label,
)
from orchestration.reports import queries
from orchestration.reports.document import (
    DEPARTEMENT_COLUMNS,
    WITH_REGION,
    Column,
    Document,
    KeyFigure,
    Table,
    figures_with_change,
    reading_notes,
    trend_chart,
)
from orchestration.reports.source import ReportError

RECIPIENTS = ("Cabinet du ministre (destinataire)", "SG-CIPD (copie)")
TREND_MONTHS = 12
HEADLINE = ("suivis_engages", "suivis_actifs", "suivis_clos_favorables", "suivis_clos_autres",
            "orientations_judiciaires", "actions_total", "familles_accompagnees",
            "reunions_cellule", "professionnels_formes")
ACTION_MEASURES = ("actions_educatives", "actions_psychologiques", "actions_insertion",
                   "actions_parentalite", "actions_citoyennete", "actions_sante", "actions_autres")
CHART_MEASURES = ("suivis_engages", "orientations_judiciaires", "professionnels_formes")


def period_label(month: str) -> str:
    return f"Mois de {fr_month(month)} ({month})"


def build_document(connection, month: str, known_at: datetime, pending_uploads: int = 0) -> Document:
    """The monthly report of ``month`` from the marts behind ``connection``."""
    parse_month(month)
    previous_month = shift_month(month, -1)
    trend = queries.national_periods(connection, "month", shift_month(month, -(TREND_MONTHS - 1)), month)
    by_month = {row["month_code"]: row for row in trend}
    if month not in by_month:
        raise ReportError(
            f"Le mois {month} n'est pas dans les marts publiés : vérifiez le code mois (format "
            "AAAA-MM, mois commencé) ou relancez « cipd build ».")
    current, previous = by_month[month], by_month.get(previous_month)
    key_figures = (
        *figures_with_change(current, previous, {key: MONTHLY_MEASURES[key] for key in HEADLINE}),
        KeyFigure("fipd_engage_eur", "Crédits FIPD engagés", current["fipd_engage_eur"], kind="euros"),
        *figures_with_change(current, previous, COVERAGE_COUNTS),
        KeyFigure("reporting_rate", COVERAGE["reporting_rate"], current["reporting_rate"], kind="percent"),
    )
    departements = queries.monthly_by_departement(connection, month)
    tables = (
        _actions_table(current, previous),
        _results_table(current),
        _partners_table(queries.cell_partners(connection, month)),
        _fipd_table(queries.fipd_by_region(connection, month)),
        _departements_table(departements),
        _practices_table(queries.good_practices(connection, month)),
        _consistency_table(queries.weekly_vs_monthly_warnings(connection, [month])),
        _trend_table(trend),
    )
    notes = reading_notes(
        "rapports mensuels", pending_uploads,
        f"Rapports dus le {month_first_day(shift_month(month, 1)):%d/%m/%Y} au plus tard "
        "(échéance mensuelle, heure de Paris).",
    )
    return Document(
        slug=f"rapport-mensuel-{month}",
        title="Rapport mensuel — prévention de la radicalisation (CIPD)",
        period_label=period_label(month),
        comparison_label=f"mois précédent, {previous_month}",
        recipients=RECIPIENTS,
        known_at=known_at,
        key_figures=key_figures,
        tables=tables,
        chart=trend_chart(f"Évolution nationale sur {TREND_MONTHS} mois", trend, "month_code",
                          {key: MONTHLY_MEASURES[key] for key in CHART_MEASURES}),
        notes=notes,
    )


def _actions_table(current: dict, previous: dict | None) -> Table:
    rows = tuple(
        {"action": MONTHLY_MEASURES[key], "value": current[key],
         "previous_value": previous[key] if previous else None,
         "change": current[key] - previous[key]
         if previous and current[key] is not None and previous[key] is not None else None}
        for key in (*ACTION_MEASURES, "actions_total")
    )
    columns = (Column("action", "Type d'action", "text"), Column("value", "Mois"),
               Column("previous_value", "Mois précédent"), Column("change", "Évolution", "delta"))
    return Table("actions", "Actions par type", "Actions menées par type (national)", columns, rows)


def _results_table(current: dict) -> Table:
    favourable, other = current["suivis_clos_favorables"], current["suivis_clos_autres"]
    closed = (favourable or 0) + (other or 0)
    rows = tuple(
        {"outcome": label, "value": value, "share": value / closed if closed and value is not None else None}
        for label, value in (("Issue favorable", favourable), ("Autre motif", other))
    )
    columns = (Column("outcome", "Suivis clos dans le mois", "text"), Column("value", "Nombre"),
               Column("share", "Part", "percent"))
    return Table("results", "Résultats", "Résultats des suivis clos", columns, rows)


def _partners_table(rows: list[dict]) -> Table:
    shown = tuple({**row, "partner": PARTNERS.get(row["partner_type_code"], row["partner_type_code"])}
                  for row in rows)
    columns = (Column("partner", "Partenaire", "text"),
               Column("cells_reporting", "Cellules ayant remis leur rapport"),
               Column("cells_mobilising", "Cellules l'ayant mobilisé"),
               Column("mobilising_share", "Part des cellules", "percent"))
    return Table("partners", "Partenaires", "Partenaires mobilisés par les cellules", columns, shown)


def _fipd_table(rows: list[dict]) -> Table:
    columns = (Column("region_name", "Région", "text"),
               Column("departements_received", "Rapports reçus"),
               Column("fipd_engage_eur", "FIPD engagé dans le mois", "euros"),
               Column("fipd_engage_eur_year_to_date", "Cumul depuis janvier", "euros"))
    return Table("fipd", "FIPD par région", "Crédits FIPD engagés par région", columns, tuple(rows))


def _departements_table(rows: list[dict]) -> Table:
    shown = tuple({**row, "status_label": status_label(row["status"], row["is_awaited"])} for row in rows)
    columns = (
        *WITH_REGION,
        Column("status_label", "Statut", "text"),
        *(Column(key, MONTHLY_MEASURES[key]) for key in HEADLINE),
        Column("fipd_engage_eur", "FIPD engagé", "euros"),
    )
    return Table("departements", "Par département", "Activité par département", columns, shown)


def _practices_table(rows: list[dict]) -> Table:
    shown = tuple({**row,
                   "action_type": ACTION_TYPES.get(row["action_type_code"], row["action_type_code"]),
                   "target_public": TARGET_PUBLICS.get(row["target_public_code"], row["target_public_code"])}
                  for row in rows)
    columns = (
        *DEPARTEMENT_COLUMNS,
        Column("titre", "Pratique", "text"),
        Column("action_type", "Type d'action", "text"),
        Column("target_public", "Public visé", "text"),
        Column("partenaires", "Partenaires", "text"),
        Column("resultats", "Premiers résultats", "text"),
    )
    return Table("practices", "Bonnes pratiques", "Bonnes pratiques du mois", columns, shown,
                 empty_text="Aucune bonne pratique transmise ce mois-ci.")


def _consistency_table(rows: list[dict]) -> Table:
    columns = (
        *DEPARTEMENT_COLUMNS,
        Column("weeks_orientations_judiciaires", "Orientations (cumul hebdomadaire)"),
        Column("month_orientations_judiciaires", "Orientations (rapport mensuel)"),
        Column("weeks_nouveaux_signalements", "Nouveaux signalements (cumul hebdomadaire)"),
        Column("month_suivis_engages", "Suivis engagés (rapport mensuel)"),
    )
    return Table("consistency", "Alertes de cohérence", "Écarts entre rapports hebdomadaires et mensuel",
                 columns, tuple(rows), empty_text="Aucun écart au-delà de la tolérance.")


def _trend_table(trend: list[dict]) -> Table:
    columns = (
        Column("month_code", "Mois", "text"),
        Column("departements_received", COVERAGE["departements_received"]),
        *(Column(key, MONTHLY_MEASURES[key]) for key in HEADLINE),
        Column("fipd_engage_eur", "FIPD engagé", "euros"),
    )
    return Table("trend", "Évolution 12 mois", f"Chiffres nationaux des {TREND_MONTHS} derniers mois",
                 columns, tuple(trend))


def default_output_dir(settings) -> Path:
    return settings.reports_dir / "mensuel"


def file_stem(month: str) -> str:
    return f"rapport_mensuel_{month}"
