"""French labels of the contracts' code lists, keyed by the codes of ``data_contracts.codes``
so that a code added to a contract shows up (with its raw code) rather than disappearing."""

from data_contracts.codes import ACTION_COLUMNS

ACTION_TYPE_LABELS = {"educative": "Éducative", "psychologique": "Psychologique",
                      "insertion": "Insertion", "parentalite": "Parentalité",
                      "citoyennete": "Citoyenneté", "sante": "Santé", "autre": "Autre"}
#: Monthly report column of each action type → its label.
ACTION_COLUMN_LABELS = {column: ACTION_TYPE_LABELS.get(code, code)
                        for code, column in ACTION_COLUMNS.items()}
PUBLIC_LABELS = {"mineurs": "Mineurs", "majeurs": "Majeurs", "familles": "Familles",
                 "professionnels": "Professionnels"}
PARTNER_LABELS = {"conseil_departemental": "Conseil départemental (ASE)", "spip": "SPIP",
                  "psychologue": "Psychologue", "association": "Association",
                  "education_nationale": "Éducation nationale"}
