"""The national weekly synthesis for the police coordination unit (copy SG-CIPD).

Produced on the deadline day just after the deadline (orchestration.defs.document_times), and on demand with
``cipd synthesis --week 2026-W48``. National totals come straight from ``fct_national_weekly``
(the same figures the dashboards show); the document adds the comparison with last week, a
12-week chart, compliance per département and région, notable changes and consistency alerts.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from data_contracts.calendar import parse_week, shift_month, shift_week, week_monday, week_thursday
from data_contracts.labels import COVERAGE, COVERAGE_COUNTS, WEEKLY_MEASURES, status_label
from data_contracts.review import REASONS, REVIEW_STATES
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
from orchestration.reports.formatting import fr_int, fr_percent
from orchestration.reports.source import ReportError

RECIPIENTS = (
    "Unité de coordination des services de police (destinataire)",
    "SG-CIPD (copie)",
)
TREND_WEEKS = 12
CHART_MEASURES = ("nouveaux_signalements", "dont_mineurs", "orientations_judiciaires")
_FINDINGS = {
    "nouveaux_signalements": ("Hausse des nouveaux signalements", "Baisse des nouveaux signalements"),
    "orientations_judiciaires": ("Hausse des orientations police / justice",
                                 "Baisse des orientations police / justice"),
}


def period_label(week: str) -> str:
    year, number = parse_week(week)
    return (f"Semaine {number} de {year} ({week}) — du {week_monday(week):%d/%m/%Y} "
            f"au {week_thursday(week):%d/%m/%Y} (échéance du jeudi)")


def build_document(connection, week: str, known_at: datetime, pending_uploads: int = 0) -> Document:
    """The synthesis of ``week`` from the marts behind ``connection``."""
    previous_week = shift_week(week, -1)
    trend = queries.national_periods(connection, "week", shift_week(week, -(TREND_WEEKS - 1)), week)
    by_week = {row["week_code"]: row for row in trend}
    if week not in by_week:
        latest = trend[-1]["week_code"] if trend else "aucune"
        raise ReportError(
            f"La semaine {week} n'est pas dans les marts publiés (dernière semaine disponible "
            f"parmi les {TREND_WEEKS} précédentes : {latest}). Vérifiez le code semaine "
            "(format AAAA-Wss) ou relancez « cipd build ».")
    current, previous = by_week[week], by_week.get(previous_week)
    key_figures = (
        *figures_with_change(current, previous, WEEKLY_MEASURES),
        *figures_with_change(current, previous, COVERAGE_COUNTS),
        KeyFigure("reporting_rate", COVERAGE["reporting_rate"], current["reporting_rate"], kind="percent"),
    )
    tables = (
        _trend_table(trend),
        _compliance_table(queries.weekly_compliance(connection, week)),
        _regions_table(queries.regional_week(connection, week)),
        _notable_table(queries.notable_weekly_changes(connection, week, previous_week)),
        _consistency_table(
            queries.stock_warnings(connection, week),
            # The week's month and the month before: its monthly report is the one just due.
            queries.weekly_vs_monthly_warnings(
                connection, [shift_month(current["month_code"], -1), current["month_code"]])),
        _corrections_table(queries.review_requests_between(connection, previous_week, week)),
    )
    chart = trend_chart(f"Évolution nationale sur {TREND_WEEKS} semaines", trend, "week_code",
                        {key: WEEKLY_MEASURES[key] for key in CHART_MEASURES})
    notes = reading_notes(
        "rapports hebdomadaires", pending_uploads,
        "« Néant » : rapport reçu sans nouveau signalement dans la semaine (il est aussi compté "
        "à l'heure ou en retard selon sa date de dépôt).",
        f"Évolution notable : écart d'au moins {queries.NOTABLE_MIN_DELTA} et d'au moins "
        f"{fr_percent(queries.NOTABLE_MIN_RATIO)} par rapport à la semaine précédente.",
    )
    return Document(
        slug=f"synthese-hebdomadaire-{week}",
        title="Synthèse nationale hebdomadaire — prévention de la radicalisation (CIPD)",
        period_label=period_label(week),
        comparison_label=f"semaine précédente, {previous_week}",
        recipients=RECIPIENTS,
        known_at=known_at,
        key_figures=key_figures,
        tables=tables,
        chart=chart,
        notes=notes,
    )


def _trend_table(trend: list[dict]) -> Table:
    columns = (
        Column("week_code", "Semaine", "text"),
        Column("departements_received", COVERAGE["departements_received"]),
        Column("reporting_rate", COVERAGE["reporting_rate"], "percent"),
        *(Column(key, WEEKLY_MEASURES[key]) for key in WEEKLY_MEASURES),
    )
    return Table("trend", "Évolution 12 semaines", f"Chiffres nationaux des {TREND_WEEKS} dernières semaines",
                 columns, tuple(trend))


def _compliance_table(rows: list[dict]) -> Table:
    shown = tuple({**row, "status_label": status_label(row["status"], row["is_awaited"])} for row in rows)
    columns = (
        *WITH_REGION,
        Column("status_label", "Statut", "text"),
        Column("first_received_at", "Premier dépôt (heure de Paris)", "datetime"),
        Column("version_count", "Versions"),
        Column("nouveaux_signalements", WEEKLY_MEASURES["nouveaux_signalements"]),
        Column("orientations_judiciaires", WEEKLY_MEASURES["orientations_judiciaires"]),
        Column("suivis_en_cours", WEEKLY_MEASURES["suivis_en_cours"]),
    )
    return Table("compliance", "Conformité par département", "Remise des rapports par département",
                 columns, shown,
                 note="À l'heure / en retard : selon le premier dépôt par rapport à l'échéance ; "
                      "néant : rapport sans nouveau signalement ; en attente : aucun rapport reçu, "
                      "échéance à venir ; manquant : aucun rapport reçu, échéance passée.")


def _regions_table(rows: list[dict]) -> Table:
    columns = (
        Column("region_name", "Région", "text"),
        *(Column(key, COVERAGE[key], "percent" if key.endswith("_rate") else "int")
          for key in ("departements_expected", "departements_received", "departements_on_time",
                      "departements_late", "departements_nil", "departements_missing", "reporting_rate")),
        *(Column(key, WEEKLY_MEASURES[key])
          for key in ("nouveaux_signalements", "orientations_judiciaires", "suivis_en_cours")),
    )
    return Table("regions", "Régions", "Situation par région", columns, tuple(rows))


def _notable_table(rows: list[dict]) -> Table:
    shown = []
    for row in rows:
        if row["measure"] == "absent":
            finding = "Aucun rapport depuis deux semaines"
        else:
            up, down = _FINDINGS[row["measure"]]
            finding = up if row["value"] > row["previous_value"] else down
        change = None if row["value"] is None else row["value"] - row["previous_value"]
        shown.append({**row, "finding": finding, "change": change})
    columns = (
        *WITH_REGION,
        Column("finding", "Constat", "text"),
        Column("previous_value", "Semaine précédente"),
        Column("value", "Semaine"),
        Column("change", "Évolution", "delta"),
    )
    return Table("notable-changes", "Évolutions notables", "Évolutions notables", columns, tuple(shown),
                 empty_text="Aucune évolution notable cette semaine.")


def _consistency_table(stock: list[dict], weekly_vs_monthly: list[dict]) -> Table:
    alerts = [
        {
            "departement_code": row["departement_code"],
            "departement_name": row["departement_name"],
            "period": row["week_code"],
            "alert": "Stock de suivis incohérent",
            "detail": (f"Suivis en cours : {fr_int(row['suivis_en_cours'])} déclarés, "
                       f"{fr_int(row['expected_suivis_en_cours'])} attendus (semaine précédente "
                       f"{fr_int(row['previous_week_suivis_en_cours'])} + "
                       f"{fr_int(row['nouveaux_signalements'])} nouveaux signalements − "
                       f"{fr_int(row['suivis_clos'])} suivis clos) : vérifier la saisie."),
        }
        for row in stock
    ]
    alerts += [
        {
            "departement_code": row["departement_code"],
            "departement_name": row["departement_name"],
            "period": row["month_code"],
            "alert": "Écart hebdomadaire / mensuel",
            "detail": (f"Orientations : {fr_int(row['month_orientations_judiciaires'])} au rapport mensuel, "
                       f"{fr_int(row['weeks_orientations_judiciaires'])} cumulées sur les semaines ; "
                       f"suivis engagés : {fr_int(row['month_suivis_engages'])} pour "
                       f"{fr_int(row['weeks_nouveaux_signalements'])} nouveaux signalements."),
        }
        for row in weekly_vs_monthly
    ]
    columns = (
        *DEPARTEMENT_COLUMNS,
        Column("period", "Période", "text"),
        Column("alert", "Alerte", "text"),
        Column("detail", "Détail", "text"),
    )
    return Table("consistency", "Alertes de cohérence", "Alertes de cohérence", columns, tuple(alerts),
                 empty_text="Aucune alerte de cohérence.")


def _corrections_table(rows: list[dict]) -> Table:
    """Annex « Corrections »: requests made, corrected or confirmed since the last synthesis."""
    entries = [
        {
            **row,
            "kind_label": "Hebdomadaire" if row["report_kind"] == "weekly" else "Mensuel",
            "reason_label": REASONS.get(row["reason_code"], row["reason_code"]),
            "state_label": REVIEW_STATES[row["request_state"]] + (
                f" (version {row['corrected_version_number']})" if row["request_state"] == "corrige" else ""),
            "field_names": row["field_names"] or "rapport entier",
        }
        for row in rows
    ]
    columns = (
        *DEPARTEMENT_COLUMNS,
        Column("kind_label", "Rapport", "text"),
        Column("period_code", "Période", "text"),
        Column("field_names", "Champs", "text"),
        Column("reason_label", "Motif", "text"),
        Column("state_label", "État", "text"),
        Column("requested_at", "Demandée le", "datetime"),
        Column("closed_at", "Close le", "datetime"),
    )
    return Table("corrections", "Corrections", "Annexe — Corrections demandées, corrigées ou confirmées "
                 "depuis la dernière synthèse", columns, tuple(entries),
                 empty_text="Aucune demande de correction depuis la dernière synthèse.")


def default_output_dir(settings) -> Path:
    return settings.reports_dir / "hebdomadaire"


def file_stem(week: str) -> str:
    return f"synthese_nationale_{week}"
