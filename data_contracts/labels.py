"""The French labels of statuses, columns and code lists, once for every reader: the dashboards'
tables and charts, the national documents (HTML and XLSX) and the downloads' headers.

Keyed by the marts' column names and the codes of :mod:`data_contracts.codes`, so a code added
to a contract shows up with its raw code rather than disappearing; tests check that every count
and every code of the contracts has a label. The contracts' field descriptions are sentences
for the people filling in the templates; these are the short headers readers see.
"""

from __future__ import annotations

#: Weekly measures, in the order the documents show them (contract counts + the derived total).
WEEKLY_MEASURES: dict[str, str] = {
    "nouveaux_signalements": "Nouveaux signalements",
    "signalements_cnapr": "Signalements CNAPR (numéro vert)",
    "signalements_locaux": "Signalements des services locaux",
    "dont_mineurs": "Dont mineurs",
    "orientations_judiciaires": "Orientations police / justice",
    "suivis_en_cours": "Suivis en cours (stock)",
    "suivis_clos": "Suivis clos",
    "familles_accompagnees": "Familles accompagnées",
}

#: Monthly action counts (contract columns), by the action they count.
MONTHLY_ACTIONS: dict[str, str] = {
    "actions_educatives": "Actions éducatives",
    "actions_psychologiques": "Soutien psychologique",
    "actions_insertion": "Insertion (emploi, formation)",
    "actions_parentalite": "Soutien à la parentalité",
    "actions_citoyennete": "Citoyenneté",
    "actions_sante": "Santé",
    "actions_autres": "Autres actions",
}

#: Monthly follow-ups (the headline of the monthly documents and page).
MONTHLY_FOLLOW_UPS: dict[str, str] = {
    "suivis_engages": "Suivis engagés",
    "suivis_actifs": "Suivis actifs en fin de mois",
    "suivis_clos_favorables": "Suivis clos (issue favorable)",
    "suivis_clos_autres": "Suivis clos (autre motif)",
}

#: Monthly counts (contract counts + the derived ``actions_total``).
MONTHLY_MEASURES: dict[str, str] = {
    **MONTHLY_FOLLOW_UPS,
    "orientations_judiciaires": WEEKLY_MEASURES["orientations_judiciaires"],
    "actions_total": "Actions menées (total)",
    **MONTHLY_ACTIONS,
    "familles_accompagnees": WEEKLY_MEASURES["familles_accompagnees"],
    "reunions_cellule": "Réunions de la cellule",
    "professionnels_formes": "Professionnels formés",
}

#: Coverage of a period (columns of fct_national_* and fct_regional_weekly).
COVERAGE: dict[str, str] = {
    "departements_expected": "Départements attendus",
    "departements_received": "Rapports reçus",
    "departements_on_time": "À l'heure",
    "departements_late": "En retard",
    "departements_nil": "Néant",
    "departements_missing": "Manquants",
    "reporting_rate": "Taux de remontée",
    "on_time_rate": "Taux de remise à l'heure",
}

#: The coverage counts a document headlines (with their change since the previous period).
COVERAGE_COUNTS: dict[str, str] = {
    key: COVERAGE[key]
    for key in ("departements_received", "departements_on_time", "departements_late",
                "departements_nil", "departements_missing")
}

#: ``status`` of fct_weekly_reports / fct_monthly_reports; ``awaited``: no report yet and the
#: deadline not passed (the marts' ``is_awaited``), shown instead of ``missing``.
STATUS: dict[str, str] = {
    "on_time": "À l'heure",
    "late": "En retard",
    "nil": "Néant",
    "awaited": "En attente",
    "missing": "Manquant",
}



def status_label(status: str, is_awaited: bool | None) -> str:
    """A report's status as readers see it: « En attente » while the marts say it is awaited."""
    return STATUS["awaited"] if is_awaited else STATUS[status]


#: ``timeliness`` of fct_weekly_reports / fct_monthly_reports (the first version's arrival).
TIMELINESS: dict[str, str] = {"on_time": "À l'heure", "late": "En retard"}

#: ``status`` of dbt's test results (Qualité des données).
TEST_STATUS: dict[str, str] = {"pass": "Réussi", "success": "Réussi", "warn": "Alerte",
                               "fail": "Échec", "error": "Erreur", "skipped": "Non exécuté"}

#: What a download's « Dictionnaire » sheet says of the columns that need more than a header.
COLUMN_DESCRIPTIONS: dict[str, str] = {
    "status": "Statut du rapport de la période : à l'heure, en retard, néant (rien à signaler), "
              "en attente (échéance non passée) ou manquant.",
    "timeliness": "Arrivée du premier dépôt avant (à l'heure) ou après l'échéance (en retard) ; "
                  "une correction ne la change pas.",
    "week_code": "Semaine ISO, format AAAA-Sss.",
    "month_code": "Mois, format AAAA-MM.",
    "reporting_rate": "Part des départements attendus dont le rapport a été reçu.",
    "on_time_rate": "Part des départements attendus dont le rapport est arrivé avant l'échéance.",
    "received_at": "Date et heure de réception du dépôt (heure de Paris).",
    "deadline_at": "Échéance de remise (heure de Paris).",
    "submission_id": "Numéro de dépôt figurant sur l'accusé de réception.",
}

#: ``status`` of fct_submissions (receipts).
RECEIPT_STATUS: dict[str, str] = {"accepted": "Accepté", "rejected": "Refusé", "duplicate": "Doublon"}

#: Partner type codes (data_contracts.codes.PARTNER_TYPES).
PARTNERS: dict[str, str] = {
    "conseil_departemental": "Conseil départemental (ASE)",
    "spip": "SPIP (probation)",
    "psychologue": "Psychologue",
    "association": "Associations",
    "education_nationale": "Éducation nationale",
}

#: Action type codes of good practices (data_contracts.codes.ACTION_TYPES).
ACTION_TYPES: dict[str, str] = {
    "educative": "Éducative",
    "psychologique": "Psychologique",
    "insertion": "Insertion",
    "parentalite": "Parentalité",
    "citoyennete": "Citoyenneté",
    "sante": "Santé",
    "autre": "Autre",
}

#: Target publics of good practices (data_contracts.codes.TARGET_PUBLICS).
TARGET_PUBLICS: dict[str, str] = {
    "mineurs": "Mineurs",
    "majeurs": "Majeurs",
    "familles": "Familles",
    "professionnels": "Professionnels",
}

#: Headers of every other column the tables show (the measures and coverage above included).
COLUMNS: dict[str, str] = {
    "departement_code": "Code", "departement_name": "Département", "region_code": "Code région",
    "region_name": "Région", "week_code": "Semaine", "month_code": "Mois", "status": "Statut",
    "timeliness": "Ponctualité", "version_count": "Versions", "received_at": "Reçu le",
    "first_received_at": "Premier dépôt", "deadline_at": "Échéance", "submission_id": "N° de dépôt",
    **COVERAGE, **WEEKLY_MEASURES, **MONTHLY_MEASURES,
    "commentaire": "Commentaire", "fipd_engage_eur": "FIPD engagé (€)",
    "echeance": "Échéance", "temps_restant": "Temps restant", "semaines": "Semaines",
    "rapports_recus": "Rapports reçus", "rapports_en_retard": "En retard",
    "rapports_manquants": "Manquants", "taux_remontee": COVERAGE["reporting_rate"],
    "taux_a_l_heure": COVERAGE["on_time_rate"], "departements_attendus": COVERAGE["departements_expected"],
    "departements_recus": COVERAGE["departements_received"],
    "departements_a_l_heure": COVERAGE["departements_on_time"], "titre": "Titre",
    "action_type_code": "Type d'action", "target_public_code": "Public", "partenaires": "Partenaires",
    "resultats": "Résultats", "filename": "Fichier", "row_count": "Lignes",
    "error_count": "Erreurs", "warning_count": "Avertissements", "actor": "Déposé par",
    "cells_reporting": "Cellules ayant rendu compte", "cells_mobilising": "Cellules mobilisant",
    "mobilising_share": "Part des cellules", "partenaire": "Partenaire",
    "report_kind": "Rapport", "period_codes": "Périodes", "version_number": "Version",
    "is_on_time": "À l'heure", "duplicate_of_submission_id": "Doublon de",
    "test_name": "Test", "model_name": "Modèle", "column_name": "Colonne", "failures": "Échecs",
    "message": "Message", "resource_type": "Type", "execution_seconds": "Durée (s)",
    "unusual_value_columns": "Colonnes atypiques",
    "expected_suivis_en_cours": "Suivis en cours attendus",
    "previous_week_suivis_en_cours": "Suivis en cours (semaine précédente)",
    "weeks_received": "Semaines reçues", "weeks_expected": "Semaines attendues",
    "weeks_nouveaux_signalements": "Nouveaux signalements (semaines)",
    "month_suivis_engages": "Suivis engagés (mois)",
    "weeks_orientations_judiciaires": "Orientations police / justice (semaines)",
    "month_orientations_judiciaires": "Orientations police / justice (mois)",
    "type_action": "Type d'action", "actions": "Actions",
    "month_report_status": "Statut du rapport mensuel", "size_bytes": "Taille (octets)",
    "errors_json": "Erreurs (détail)", "warnings_json": "Avertissements (détail)",
    "loaded_at": "Chargé le", "is_received": "Reçu", "is_awaited": "En attente",
}
