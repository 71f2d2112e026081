"""One valid row per kind, as a département types it (text cells, French number formats,
accents): the starting point the contract and ingestion tests mutate. ``tests/`` is on
``sys.path`` through the root conftest, so any test folder can import it."""

WEEKLY = {
    "departement": "13", "semaine": "2026-W47", "signalements_cnapr": "2",
    "signalements_locaux": "3", "dont_mineurs": "1", "orientations_judiciaires": "0",
    "suivis_en_cours": "1 041", "suivis_clos": "1", "familles_accompagnees": "12",
    "commentaire": "Réunion à Évry ; « cellule » élargie",
}
MONTHLY = {
    "departement": "2A", "mois": "2026-10", "suivis_engages": "3", "suivis_actifs": "20",
    "suivis_clos_favorables": "1", "suivis_clos_autres": "0", "orientations_judiciaires": "1",
    "actions_educatives": "4", "actions_psychologiques": "2", "actions_insertion": "1",
    "actions_parentalite": "3", "actions_citoyennete": "0", "actions_sante": "1",
    "actions_autres": "0", "familles_accompagnees": "9", "reunions_cellule": "2",
    "partenaire_conseil_departemental": "oui", "partenaire_spip": "non",
    "partenaire_psychologue": "Oui", "partenaire_association": "non",
    "partenaire_education_nationale": "oui", "fipd_engage_eur": "12 500,50",
    "professionnels_formes": "6", "commentaire": "",
}
PRACTICE = {
    "departement": "971", "mois": "2026-10", "titre": "Groupe de parole parents",
    "type_action": "parentalité", "public_cible": "Familles", "partenaires": "ASE, association",
    "description": "Un groupe mensuel animé par une psychologue.", "resultats": "8 familles.",
}
