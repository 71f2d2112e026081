"""Turning contract violations into the French, row/column-precise errors users read.

Custom rules already carry a French message (see :mod:`data_contracts.fields`); this module
adds French wording for pydantic's own error types and flattens everything into
:class:`ContractError`, the shape the CLI's ``--json``, the upload page and tests share.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from data_contracts.base import ContractModel
from data_contracts.fields import SCREENED
from data_contracts.registry import contract_for


#: Error codes raised by the contracts' own rules (their messages are already French).
CUSTOM_CODES = frozenset({
    "invalid_integer", "negative", "out_of_range", "invalid_amount", "invalid_boolean",
    "unknown_departement", "invalid_week", "invalid_month", "before_programme", "future_period",
    "invalid_text", "personal_data", "invalid_code", "minors_exceed_new", "missing_field",
})


@dataclass(frozen=True)
class ContractError:
    """One problem in a file. ``row`` is the 1-based data row (None: the whole file)."""

    row: int | None
    column: str | None
    code: str
    message: str
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        prefix = ", ".join(where)
        return (prefix[:1].upper() + prefix[1:] + " : " if where else "") + self.message


def _french(error: dict[str, Any], column: str | None) -> tuple[str, str]:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing" or (kind == "string_type" and error.get("input") is None):
        return "missing_field", f"Valeur obligatoire manquante : renseignez « {column} »."
    if kind == "extra_forbidden":
        return "unknown_field", (f"Colonne inconnue « {column} » : supprimez-la (le modèle "
                                 "`cipd template` donne les colonnes attendues).")
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        length = len(error.get("input") or "")
        return "too_long", (f"Texte trop long ({length} caractères, {limit} au plus) : "
                            "raccourcissez-le.")
    if kind.startswith("string"):
        return "invalid_text", "Texte attendu : saisissez du texte simple."
    if kind in CUSTOM_CODES:  # our own rules already speak French
        return kind, error["msg"]
    return "invalid_value", f"Valeur refusée pour « {column} » : vérifiez la saisie."


def errors_from(exc: ValidationError, row: int | None) -> list[ContractError]:
    """Flatten a pydantic ValidationError into French ContractErrors for one row."""
    found = []
    for error in exc.errors(include_url=False):
        loc = error.get("loc") or ()
        ctx = error.get("ctx") or {}
        column = str(loc[0]) if loc else ctx.get("column")
        code, message = _french(error, column)
        value = error.get("input")
        shown = None if value is None or isinstance(value, dict) else str(value)[:80]
        if code == "personal_data":  # never copy the personal data itself into a receipt
            shown = ctx.get("masked")
        found.append(ContractError(row=row, column=column, code=code, message=message, value=shown))
    return found


def validate_row(kind: str, data: dict[str, Any], row: int | None = None,
                 now: datetime | None = None, *,
                 free_text_screened: bool = False) -> tuple[ContractModel | None, list[ContractError]]:
    """Validate one row against its contract: (the model, []) or (None, the French errors).
    ``free_text_screened``: the sandboxed worker already screened the row's free text for
    personal data (:mod:`ingestion.screening`), so the server does not run it again."""
    model = contract_for(kind)
    try:
        return model.model_validate(data, context={"now": now, SCREENED: free_text_screened}), []
    except ValidationError as exc:
        return None, errors_from(exc, row)
