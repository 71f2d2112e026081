"""Good practice v1: an action a département nominates for national sharing."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from data_contracts.base import ContractModel
from data_contracts.codes import ACTION_TYPES, TARGET_PUBLICS
from data_contracts.fields import DepartementCode, FreeText, MonthCode, code_list


class GoodPractice(ContractModel):
    """One row per practice a département nominates in a month, identified by
    (``departement``, ``mois``, ``titre``). Describes an action, never a person."""

    kind = "practices"
    label = "Bonnes pratiques"
    period_field = "mois"
    key_fields = ("departement", "mois", "titre")

    departement: DepartementCode = Field(description="Code INSEE du département (ex. 01, 2A, 971).")
    mois: MonthCode = Field(description="Mois de la pratique, format AAAA-MM (ex. 2026-11).")
    titre: FreeText(120, required=True) = Field(description="Titre de la pratique (120 caractères au plus).")
    type_action: Annotated[str, code_list(*ACTION_TYPES)] = Field(
        description="Type d'action : " + ", ".join(ACTION_TYPES) + ".")
    public_cible: Annotated[str, code_list(*TARGET_PUBLICS)] = Field(
        description="Public visé : " + ", ".join(TARGET_PUBLICS) + ".")
    partenaires: FreeText(300, required=True) = Field(
        description="Partenaires associés (300 caractères au plus, ex. « ASE, SPIP, association X »).")
    description: FreeText(2000, required=True) = Field(
        description="Description de l'action (2 000 caractères au plus, sans donnée personnelle).")
    resultats: FreeText(1000, required=True) = Field(
        description="Premiers résultats observés (1 000 caractères au plus).")
