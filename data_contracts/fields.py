"""Field types shared by the contracts, each parsing what départements really type.

Every cell may arrive as text (CSV, spreadsheets read as text) or as a JSON scalar. Parsing is
explicit and strict: French thousands separators and decimal comma are understood, but
``True`` is not 1, ``1_000`` is not 1000 and ``1,5`` is not a count. Each failure raises a
:class:`PydanticCustomError` whose type is a stable error code and whose message is French.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError

from data_contracts import calendar, free_text
from data_contracts.referential import is_departement, normalise_departement_code

_SPACES = "\u00a0\u202f\u2009 "  # Excel and Word use non-breaking and thin spaces
_INT_RE = re.compile(r"^\d+$|^\d{1,3}(?:[ ]\d{3})+$")
_AMOUNT_RE = re.compile(r"^-?(?:\d+|\d{1,3}(?:[ ]\d{3})+)(?:[.,]\d+)?$")
#: What a yes/no cell may say, once folded (lower case, no accents).
YES = frozenset({"oui", "o", "vrai", "true", "1", "x"})
NO = frozenset({"non", "n", "faux", "false", "0"})

def _text(value: Any) -> str:
    return "".join(" " if ch in _SPACES else ch for ch in str(value)).strip()


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _require(value: Any, info: ValidationInfo) -> None:
    """An empty cell in a required column is a missing value, not a malformed one."""
    if value is None or (isinstance(value, str) and not _text(value)):
        raise PydanticCustomError(
            "missing_field", "Valeur obligatoire manquante : renseignez « {column} ».",
            {"column": info.field_name})


def parse_count(value: Any, info: ValidationInfo) -> Any:
    """A non-negative integer count from text or JSON (``"1 234"`` → 1234)."""
    _require(value, info)
    if isinstance(value, bool):
        raise PydanticCustomError(
            "invalid_integer", "« {value} » n'est pas un nombre entier : saisissez un nombre (ex. 12).",
            {"value": _shown(value)})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        text = _text(value).replace(" ", " ")
        if text.startswith("-") and _INT_RE.match(text[1:].strip()):
            number = -int(text[1:].replace(" ", ""))
        elif _INT_RE.match(text):
            number = int(text.replace(" ", ""))
        else:
            raise PydanticCustomError(
                "invalid_integer",
                "« {value} » n'est pas un nombre entier : saisissez un entier sans décimale ni "
                "texte (ex. 12 ; 0 s'il n'y en a aucun).",
                {"value": _shown(value)})
    else:
        raise PydanticCustomError(
            "invalid_integer", "« {value} » n'est pas un nombre entier : saisissez un nombre (ex. 12).",
            {"value": _shown(value)})
    if number < 0:
        raise PydanticCustomError(
            "negative", "Valeur négative ({value}) : un effectif est toujours positif ou nul.",
            {"value": number})
    if number > 1_000_000:
        raise PydanticCustomError(
            "out_of_range", "Valeur invraisemblable ({value}) : vérifiez la saisie (maximum 1 000 000).",
            {"value": number})
    return number


def parse_amount(value: Any, info: ValidationInfo) -> Any:
    """Euros with at most 2 decimals, French or English decimal mark (``"1 234,50"``)."""
    _require(value, info)
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise PydanticCustomError(
            "invalid_amount", "« {value} » n'est pas un montant : saisissez des euros (ex. 1 234,50).",
            {"value": _shown(value)})
    if isinstance(value, float):
        value = repr(value)
    text = _text(value)
    if not _AMOUNT_RE.match(text):
        raise PydanticCustomError(
            "invalid_amount",
            "« {value} » n'est pas un montant : saisissez des euros avec au plus 2 décimales "
            "(ex. 1 234,50), sans symbole €.",
            {"value": _shown(value)})
    try:
        amount = Decimal(text.replace(" ", "").replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already excludes this
        raise PydanticCustomError("invalid_amount", "« {value} » n'est pas un montant.",
                                  {"value": _shown(value)}) from None
    if amount < 0:
        raise PydanticCustomError(
            "negative", "Montant négatif ({value}) : saisissez un montant positif ou nul.",
            {"value": _shown(value)})
    if amount != amount.quantize(Decimal("0.01")):
        raise PydanticCustomError(
            "invalid_amount", "« {value} » a plus de 2 décimales : arrondissez au centime.",
            {"value": _shown(value)})
    if amount >= Decimal("1000000000"):
        raise PydanticCustomError(
            "out_of_range", "Montant invraisemblable ({value}) : vérifiez la saisie.",
            {"value": _shown(value)})
    return amount.quantize(Decimal("0.01"))


def parse_yes_no(value: Any, info: ValidationInfo) -> Any:
    """``oui``/``non`` (and ``1``/``0``, ``vrai``/``faux``, ``x``) → bool."""
    _require(value, info)
    if isinstance(value, bool):
        return value
    text = _fold(_text(value)) if isinstance(value, (str, int)) else None
    if text in YES:
        return True
    if text in NO:
        return False
    raise PydanticCustomError(
        "invalid_boolean", "« {value} » n'est pas une réponse oui/non : saisissez « oui » ou « non ».",
        {"value": _shown(value)})


def _fold(text: str) -> str:
    """Lower case without accents: how header names and code values are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def parse_departement(value: Any, info: ValidationInfo) -> Any:
    _require(value, info)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PydanticCustomError(
            "unknown_departement", "« {value} » n'est pas un code de département.",
            {"value": _shown(value)})
    code = normalise_departement_code(value)
    if not is_departement(code):
        raise PydanticCustomError(
            "unknown_departement",
            "Département inconnu « {value} » : saisissez le code INSEE (ex. 01, 2A, 75, 971).",
            {"value": _shown(value)})
    return code


def _now(info: ValidationInfo) -> datetime:
    context = info.context or {}
    return calendar.now_utc(context.get("now"))


def check_week(value: Any, info: ValidationInfo) -> str:
    _require(value, info)
    text = _text(value) if isinstance(value, str) else value
    try:
        calendar.parse_week(text)
    except (ValueError, TypeError):
        raise PydanticCustomError(
            "invalid_week",
            "« {value} » n'est pas une semaine ISO : écrivez AAAA-Sss, par ex. 2026-W48 "
            "(semaines 01 à 52, ou 53 les années qui en ont 53).",
            {"value": _shown(value)}) from None
    if calendar.parse_week(text) < calendar.parse_week(calendar.PROGRAMME_START_WEEK):
        raise PydanticCustomError(
            "before_programme",
            "Semaine {value} antérieure au début du programme ({start}).",
            {"value": text, "start": calendar.PROGRAMME_START_WEEK})
    current = calendar.current_week(_now(info))
    if calendar.parse_week(text) > calendar.parse_week(current):
        raise PydanticCustomError(
            "future_period",
            "Semaine {value} dans le futur (semaine en cours : {current}) : vérifiez la semaine.",
            {"value": text, "current": current})
    return text


def check_month(value: Any, info: ValidationInfo) -> str:
    _require(value, info)
    text = _text(value) if isinstance(value, str) else value
    try:
        calendar.parse_month(text)
    except (ValueError, TypeError):
        raise PydanticCustomError(
            "invalid_month", "« {value} » n'est pas un mois : écrivez AAAA-MM, par ex. 2026-11.",
            {"value": _shown(value)}) from None
    if text < calendar.PROGRAMME_START_MONTH:
        raise PydanticCustomError(
            "before_programme", "Mois {value} antérieur au début du programme ({start}).",
            {"value": text, "start": calendar.PROGRAMME_START_MONTH})
    current = calendar.current_month(_now(info))
    if text > current:
        raise PydanticCustomError(
            "future_period", "Mois {value} dans le futur (mois en cours : {current}).",
            {"value": text, "current": current})
    return text


def clean_text(value: Any) -> Any:
    """Trim free text; an empty cell is no text at all."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise PydanticCustomError("invalid_text", "« {value} » n'est pas un texte.",
                                  {"value": _shown(value)})
    text = value.strip()
    return text or None


def has_personal_data(text: str) -> bool:
    """Whether free text carries something that could single a person out (a name, an age,
    an address, a NIR, a plate, an e-mail, a phone, a date: :mod:`data_contracts.free_text`)."""
    return bool(free_text.find_personal_data(text))


def no_personal_data(value: str | None) -> str | None:
    """Refuse free text that carries a person, naming the (masked) spans and the fix."""
    findings = free_text.find_personal_data(value) if value else []
    if findings:
        raise PydanticCustomError("personal_data", free_text.message(findings),
                                  {"masked": free_text.masked(findings)})
    return value


#: The validation context key that says the free text was already screened, in the sandboxed
#: worker (:mod:`ingestion.screening`): the server then does not screen it again.
SCREENED = "free_text_screened"


def _screen(value: str | None, info: ValidationInfo) -> str | None:
    if (info.context or {}).get(SCREENED):
        return value
    return no_personal_data(value)


@dataclass(frozen=True)
class FreeTextField:
    """Marks a contract field as free text (what the worker screens), with its length limit."""

    max_length: int


def free_text_fields(model: type) -> dict[str, int]:
    """The model's free-text fields and their length limits."""
    return {name: marker.max_length for name, info in model.model_fields.items()
            for marker in info.metadata if isinstance(marker, FreeTextField)}


def code_list(*codes: str):
    """A value from a fixed code list, compared without case or accents."""
    folded = {_fold(c): c for c in codes}

    def check(value: Any, info: ValidationInfo) -> str:
        _require(value, info)
        if isinstance(value, str) and _fold(_text(value)) in folded:
            return folded[_fold(_text(value))]
        raise PydanticCustomError(
            "invalid_code", "« {value} » n'est pas une valeur admise : choisissez parmi {allowed}.",
            {"value": _shown(value), "allowed": ", ".join(codes)})

    check.codes = codes  # what data_contracts.bulk_validation proves a cell against
    return BeforeValidator(check)


Count = Annotated[int, BeforeValidator(parse_count)]
Euros = Annotated[Decimal, BeforeValidator(parse_amount)]
YesNo = Annotated[bool, BeforeValidator(parse_yes_no)]
DepartementCode = Annotated[str, BeforeValidator(parse_departement)]
WeekCode = Annotated[str, BeforeValidator(check_week)]
MonthCode = Annotated[str, BeforeValidator(check_month)]


def FreeText(max_length: int, required: bool = False):  # noqa: N802 - reads as a type
    """Length-limited free text that refuses personal data."""
    text = Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_screen)]
    return Annotated[text if required else text | None, BeforeValidator(clean_text),
                     FreeTextField(max_length)]


fold = _fold
