"""French labels of the measures and codes the national documents show.

The contracts' field descriptions are full sentences written for the people filling in the
templates; a document needs short column headers. They live here, once, and a test checks that
every count of the contracts has one, so a new contract column cannot silently go unlabelled.
"""

from __future__ import annotations

#: Weekly measures, in the order the documents show them (contract counts + the derived total).
WEEKLY_MEASURES: dict[str, str] = {
    "nouveaux_signalements": "Nouveaux signalements",
    "signalements_cnapr": "dont via le CNAPR (numéro vert)",
    "signalements_locaux": "dont services locaux",
    "dont_mineurs": "dont mineurs",
    "orientations_judiciaires": "Orientations police / justice",
    "suivis_en_cours": "Suivis en cours (stock)",
    "suivis_clos": "Suivis clos",
    "familles_accompagnees": "Familles accompagnées (stock)",
}

#: Monthly counts (contract counts + the derived ``actions_total``).
MONTHLY_MEASURES: dict[str, str] = {
    "suivis_engages": "Suivis engagés",
    "suivis_actifs": "Suivis actifs en fin de mois",
    "suivis_clos_favorables": "Suivis clos (issue favorable)",
    "suivis_clos_autres": "Suivis clos (autre motif)",
    "orientations_judiciaires": "Orientations police / justice",
    "actions_total": "Actions menées (total)",
    "actions_educatives": "Actions éducatives",
    "actions_psychologiques": "Soutien psychologique",
    "actions_insertion": "Insertion (emploi, formation)",
    "actions_parentalite": "Soutien à la parentalité",
    "actions_citoyennete": "Citoyenneté",
    "actions_sante": "Santé",
    "actions_autres": "Autres actions",
    "familles_accompagnees": "Familles accompagnées",
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

#: ``status`` of fct_weekly_reports / fct_monthly_reports.
STATUS: dict[str, str] = {
    "on_time": "À l'heure",
    "late": "En retard",
    "nil": "Néant",
    "missing": "Manquant",
}

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
