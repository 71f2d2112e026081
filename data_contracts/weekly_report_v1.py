"""Weekly report v1: the state of the cases reported to a préfecture, due every Thursday."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from data_contracts.base import ContractModel
from data_contracts.fields import Count, DepartementCode, FreeText, WeekCode


class WeeklyReport(ContractModel):
    """One row per département per ISO week: the state due Thursday 12:00 Europe/Paris of
    ``semaine``. New signalements are those of the week; stocks are read at the deadline."""

    kind = "weekly"
    label = "Rapport hebdomadaire"
    period_field = "semaine"
    key_fields = ("departement", "semaine")

    departement: DepartementCode = Field(description="Code INSEE du département (ex. 01, 2A, 971).")
    semaine: WeekCode = Field(description="Semaine ISO du rapport, format AAAA-Sss (ex. 2026-W48).")
    signalements_cnapr: Count = Field(
        description="Nouveaux signalements reçus via le numéro vert national (CNAPR) dans la semaine.")
    signalements_locaux: Count = Field(
        description="Nouveaux signalements reçus des services locaux dans la semaine.")
    dont_mineurs: Count = Field(description="Parmi les nouveaux signalements, ceux concernant des mineurs.")
    orientations_judiciaires: Count = Field(
        description="Situations orientées vers le volet police/judiciaire dans la semaine.")
    suivis_en_cours: Count = Field(description="Situations suivies par la cellule à l'échéance (stock).")
    suivis_clos: Count = Field(description="Suivis clos dans la semaine.")
    familles_accompagnees: Count = Field(description="Familles accompagnées à l'échéance (stock).")
    commentaire: FreeText(500) = Field(
        default=None, description="Commentaire facultatif (500 caractères au plus, sans donnée personnelle).")

    @model_validator(mode="after")
    def _minors_within_new(self) -> "WeeklyReport":
        new = self.signalements_cnapr + self.signalements_locaux
        if self.dont_mineurs > new:
            raise PydanticCustomError(
                "minors_exceed_new",
                "« dont_mineurs » ({minors}) dépasse le total des nouveaux signalements ({new}) : "
                "les mineurs sont comptés parmi les nouveaux signalements.",
                {"minors": self.dont_mineurs, "new": new, "column": "dont_mineurs"})
        return self

    # _minors_within_new over a whole file (data_contracts.bulk_validation)
    bulk_rules = {"_minors_within_new": lambda rows: (
        rows["dont_mineurs"] <= rows["signalements_cnapr"] + rows["signalements_locaux"])}

    @property
    def nouveaux_signalements(self) -> int:
        return self.signalements_cnapr + self.signalements_locaux
