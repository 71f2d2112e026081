"""Monthly report v1: follow-ups started, actions carried out, first results, FIPD credits."""

from __future__ import annotations

from pydantic import Field

from data_contracts.base import ContractModel
from data_contracts.fields import Count, DepartementCode, Euros, FreeText, MonthCode, YesNo


class MonthlyReport(ContractModel):
    """One row per département per calendar month (``mois``): what the cell did that month,
    due the 5th of the following month at 12:00 Europe/Paris (setting)."""

    kind = "monthly"
    label = "Rapport mensuel"
    period_field = "mois"
    key_fields = ("departement", "mois")

    departement: DepartementCode = Field(description="Code INSEE du département (ex. 01, 2A, 971).")
    mois: MonthCode = Field(description="Mois du rapport, format AAAA-MM (ex. 2026-11).")
    # follow-ups
    suivis_engages: Count = Field(description="Suivis engagés dans le mois.")
    suivis_actifs: Count = Field(description="Suivis actifs en fin de mois (stock).")
    suivis_clos_favorables: Count = Field(description="Suivis clos dans le mois avec une issue favorable.")
    suivis_clos_autres: Count = Field(description="Suivis clos dans le mois pour un autre motif.")
    orientations_judiciaires: Count = Field(description="Orientations vers le volet police/judiciaire dans le mois.")
    # actions by type
    actions_educatives: Count = Field(description="Actions éducatives menées dans le mois.")
    actions_psychologiques: Count = Field(description="Actions de soutien psychologique menées dans le mois.")
    actions_insertion: Count = Field(description="Actions d'insertion (emploi, formation) menées dans le mois.")
    actions_parentalite: Count = Field(description="Actions de soutien à la parentalité menées dans le mois.")
    actions_citoyennete: Count = Field(description="Actions de citoyenneté menées dans le mois.")
    actions_sante: Count = Field(description="Actions de santé menées dans le mois.")
    actions_autres: Count = Field(description="Autres actions menées dans le mois.")
    familles_accompagnees: Count = Field(description="Familles accompagnées dans le mois.")
    reunions_cellule: Count = Field(description="Réunions de la cellule de suivi tenues dans le mois.")
    # partners mobilised this month
    partenaire_conseil_departemental: YesNo = Field(description="Conseil départemental (ASE) mobilisé dans le mois (oui/non).")
    partenaire_spip: YesNo = Field(description="SPIP (probation) mobilisé dans le mois (oui/non).")
    partenaire_psychologue: YesNo = Field(description="Psychologue mobilisé dans le mois (oui/non).")
    partenaire_association: YesNo = Field(description="Association (soutien aux parents, etc.) mobilisée dans le mois (oui/non).")
    partenaire_education_nationale: YesNo = Field(description="Éducation nationale mobilisée dans le mois (oui/non).")
    # money and training
    fipd_engage_eur: Euros = Field(description="Crédits FIPD engagés dans le mois, en euros (2 décimales).")
    professionnels_formes: Count = Field(description="Professionnels formés dans le mois.")
    commentaire: FreeText(500) = Field(
        default=None, description="Commentaire facultatif (500 caractères au plus, sans donnée personnelle).")
