"""Code lists shared by the contracts (kept in one place so templates and dbt agree)."""

#: Action type code → the monthly report column counting actions of that type.
ACTION_COLUMNS = {
    "educative": "actions_educatives",
    "psychologique": "actions_psychologiques",
    "insertion": "actions_insertion",
    "parentalite": "actions_parentalite",
    "citoyennete": "actions_citoyennete",
    "sante": "actions_sante",
    "autre": "actions_autres",
}
ACTION_TYPES = tuple(ACTION_COLUMNS)
TARGET_PUBLICS = ("mineurs", "majeurs", "familles", "professionnels")
#: Partner type code → the monthly report yes/no column.
PARTNER_COLUMNS = {
    "conseil_departemental": "partenaire_conseil_departemental",
    "spip": "partenaire_spip",
    "psychologue": "partenaire_psychologue",
    "association": "partenaire_association",
    "education_nationale": "partenaire_education_nationale",
}
PARTNER_TYPES = tuple(PARTNER_COLUMNS)
