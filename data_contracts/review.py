"""Review of reports (issue 17): the events SG-CIPD and the préfectures record about a report.

A review event is insert-only: the current state of a report (``recu``, ``verifie``,
``correction_demandee``, ``corrige``, ``confirme``) is derived by dbt from these events and the
report's versions (``fct_review_requests``, ``review_state`` on the report marts), never stored.
``corrige`` is not an event: a new version received after a request closes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from data_contracts import calendar
from data_contracts.fields import DepartementCode, FreeText
from data_contracts.registry import columns as contract_columns_of

#: Why a correction is requested (the code list of the issue), with its French label.
REASONS: dict[str, str] = {
    "stock_incoherent": "Stock incohérent avec la semaine précédente",
    "outlier": "Valeur inhabituelle",
    "weekly_monthly_mismatch": "Écart entre rapports hebdomadaires et mensuel",
    "missing_breakdown": "Ventilation manquante",
    "other": "Autre motif",
}
ReasonCode = Literal["stock_incoherent", "outlier", "weekly_monthly_mismatch", "missing_breakdown", "other"]
ReviewAction = Literal["request", "verify", "confirm"]
ReviewedKind = Literal["weekly", "monthly"]

#: The review states, in the order a report goes through them, with their French label.
REVIEW_STATES: dict[str, str] = {
    "recu": "Reçu",
    "verifie": "Vérifié",
    "correction_demandee": "Correction demandée",
    "corrige": "Corrigé",
    "confirme": "Confirmé par la préfecture",
}


class ReviewEvent(BaseModel):
    """One row per review event: a correction request, a check (« vérifié ») or a
    préfecture's confirmation, about one report (kind, département, period). Insert-only."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    version: ClassVar[int] = 1

    event_id: str = Field(description="Identifier of the event (the request's id for a request).")
    action: ReviewAction = Field(description="request, verify or confirm.")
    report_kind: ReviewedKind = Field(description="weekly or monthly.")
    departement: DepartementCode = Field(description="Département of the report.")
    period_code: str = Field(description="ISO week (AAAA-Sss) or month (AAAA-MM) of the report.")
    field_names: str | None = Field(
        default=None, description="Comma-separated contract columns the request is about.")
    reason_code: ReasonCode | None = Field(default=None, description="Why a correction is requested.")
    message: FreeText(500) = Field(
        default=None, description="Optional message (500 characters, no personal data).")
    actor: str = Field(description="Who recorded it, as set by the code path.")
    occurred_at: datetime = Field(description="When it was recorded, UTC.")

    @model_validator(mode="after")
    def _coherent(self) -> "ReviewEvent":
        parse, shape = ((calendar.parse_week, "AAAA-Sss, par ex. 2026-W47") if self.report_kind == "weekly"
                        else (calendar.parse_month, "AAAA-MM, par ex. 2026-11"))
        try:
            parse(self.period_code)
        except (ValueError, TypeError):
            raise PydanticCustomError(
                "invalid_period", "Période « {value} » invalide : écrivez {shape}.",
                {"value": self.period_code, "shape": shape}) from None
        if self.action == "request" and self.reason_code is None:
            raise PydanticCustomError(
                "missing_reason", "Motif manquant : choisissez un motif parmi {reasons}.",
                {"reasons": ", ".join(REASONS)})
        if self.action == "confirm" and not self.message:
            raise PydanticCustomError(
                "missing_reason_text",
                "Raison manquante : une confirmation dit en une phrase pourquoi le chiffre est juste.")
        known = set(contract_columns_of(self.report_kind))
        unknown = [f for f in (self.field_names or "").split(",") if f and f not in known]
        if unknown:
            raise PydanticCustomError(
                "unknown_field", "Champ inconnu « {field} » : choisissez parmi {known}.",
                {"field": unknown[0], "known": ", ".join(sorted(known))})
        return self
