"""File-level rules, then the contract on every row: all of a file's errors at once.

The contracts (:mod:`data_contracts`) own the rules of a single row. What only makes sense
for a whole file lives here: header names (matched without case or accents), unknown,
duplicated or missing columns, no data, formula cells, the uploader's own département only,
and the same (département, période) twice.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from data_contracts.base import ContractModel
from data_contracts.errors import ContractError, validate_row
from data_contracts.fields import fold
from data_contracts.referential import is_departement, normalise_departement_code
from data_contracts.registry import contract_for
from ingestion.readers.table import ParsedTable, file_error

#: Beyond this many, errors are summarised: nobody reads 20 000 lines, and the first
#: hundreds show the pattern to fix.
MAX_LISTED_ERRORS = 500

# A cell Excel or a mail client would execute: =..., @..., or +/- followed by a function call.
_FORMULA = re.compile(r"^\s*(?:[=@]|[+\-]\s*[A-Za-z_][\w.]*\s*\()")
_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass
class ValidatedFile:
    """Outcome of validation: the rows as contract models (with their file row numbers),
    or the errors. ``error_count`` counts every error, even those not listed."""

    records: list[tuple[int, ContractModel]] = field(default_factory=list)
    errors: list[ContractError] = field(default_factory=list)
    error_count: int = 0

    @property
    def periods(self) -> list[str]:
        return sorted({getattr(m, m.period_field) for _n, m in self.records})


def header_key(name: str) -> str:
    """How a header cell is compared with the contract: ``Département`` ≡ ``departement``,
    ``Signalements CNAPR`` ≡ ``signalements_cnapr``."""
    return _SEPARATORS.sub("_", fold(str(name).strip()))


def map_header(kind: str, table: ParsedTable) -> tuple[dict[int, str], list[ContractError]]:
    """File column index → contract field, and the header's errors."""
    model = contract_for(kind)
    fields = list(model.model_fields)
    by_key = {header_key(f): f for f in fields}
    mapping: dict[int, str] = {}
    errors: list[ContractError] = []
    seen: dict[str, str] = {}
    for index, name in enumerate(table.header):
        label = str(name).strip()
        if not label:
            if any(index < len(cells) and cells[index] not in (None, "") for _n, cells in table.rows):
                errors.append(file_error(
                    "unnamed_column",
                    f"La colonne n° {index + 1} contient des valeurs mais pas de nom d'en-tête : "
                    "nommez-la comme dans le modèle ou supprimez-la."))
            continue
        field_name = by_key.get(header_key(label))
        if field_name is None:
            guess = difflib.get_close_matches(header_key(label), list(by_key), n=1, cutoff=0.75)
            hint = f" (vouliez-vous dire « {by_key[guess[0]]} » ?)" if guess else ""
            errors.append(file_error(
                "unknown_column",
                f"Colonne inconnue « {label} »{hint} : renommez-la ou supprimez-la ; les colonnes "
                f"attendues sont : {', '.join(fields)}.", column=label, value=label))
        elif field_name in seen:
            errors.append(file_error(
                "duplicate_column",
                f"La colonne « {field_name} » apparaît deux fois (« {seen[field_name]} » et "
                f"« {label} ») : gardez-en une seule.", column=field_name, value=label))
        else:
            seen[field_name] = label
            mapping[index] = field_name
    for name, info in model.model_fields.items():
        if info.is_required() and name not in seen:
            errors.append(file_error(
                "missing_column",
                f"Colonne obligatoire absente : « {name} » ({info.description}) Ajoutez-la "
                "(le modèle `cipd template` contient toutes les colonnes).", column=name))
    return mapping, errors


def _cell(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


def validate_table(kind: str, table: ParsedTable, departement: str,
                   now: datetime | None = None) -> ValidatedFile:
    """Every problem of the file (reader errors, header, each row, the file as a whole)."""
    result = ValidatedFile()
    errors = list(table.errors)
    if table.errors and not table.header:
        return _finish(result, errors)
    if not table.header:
        return _finish(result, [file_error(
            "empty_file", "Le fichier ne contient aucun tableau : remplissez le modèle puis déposez-le.")])
    mapping, header_errors = map_header(kind, table)
    errors += header_errors
    if not table.rows:
        errors.append(file_error(
            "header_only",
            "Le fichier ne contient que la ligne d'en-tête : ajoutez une ligne par période "
            "(pour une semaine sans activité, saisissez des 0)."))
    if any(e.code in ("missing_column", "duplicate_column", "unnamed_column") for e in header_errors):
        return _finish(result, errors)  # rows cannot be read reliably; fix the header first
    model = contract_for(kind)
    first_seen: dict[tuple, int] = {}
    for number, cells in table.rows:
        record, formula_columns = {}, []
        for index, field_name in mapping.items():
            value = _cell(cells[index]) if index < len(cells) else None
            if isinstance(value, str) and _FORMULA.match(value):
                formula_columns.append(field_name)
                errors.append(file_error(
                    "formula_cell",
                    "Formule refusée : le hub n'accepte que des valeurs saisies. Remplacez la "
                    "formule par sa valeur (copier, puis « Collage spécial > Valeurs »).",
                    row=number, column=field_name, value=value[:80]))
            if value is not None:  # an empty cell is an absent value: "missing_field", not "None"
                record[field_name] = value
        if formula_columns:
            continue
        row_model, row_errors = validate_row(kind, record, row=number, now=now)
        errors += row_errors
        foreign = _foreign_departement(record.get("departement"), departement)
        if foreign:
            errors.append(file_error(
                "wrong_departement",
                f"Ligne du département « {foreign} » dans un dépôt du département "
                f"« {departement} » : chaque département dépose uniquement ses propres chiffres ; "
                "corrigez le code ou retirez la ligne.",
                row=number, column="departement", value=str(record.get("departement"))))
        if row_model is None or foreign:
            continue
        key = tuple(getattr(row_model, f) for f in model.key_fields)
        if key in first_seen:
            shown = ", ".join(f"{f} = {getattr(row_model, f)}" for f in model.key_fields)
            errors.append(file_error(
                "duplicate_row",
                f"Ligne en double ({shown}) : déjà présente en ligne {first_seen[key]}. Gardez "
                "une seule ligne par période ; pour corriger un envoi, déposez le fichier corrigé.",
                row=number, column=model.key_fields[-1], value=str(key[-1])))
            continue
        first_seen[key] = number
        result.records.append((number, row_model))
    return _finish(result, errors)


def _foreign_departement(value: Any, tenant: str) -> str | None:
    """The row's département when it is a real one other than the uploader's (an unknown
    code is the contract's ``unknown_departement``, not a tenant problem)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    code = normalise_departement_code(str(value))
    return code if is_departement(code) and code != tenant else None


def _finish(result: ValidatedFile, errors: list[ContractError]) -> ValidatedFile:
    errors.sort(key=lambda e: (e.row is not None, e.row or 0))
    result.error_count = len(errors)
    if len(errors) > MAX_LISTED_ERRORS:
        hidden = len(errors) - MAX_LISTED_ERRORS
        errors = errors[:MAX_LISTED_ERRORS] + [file_error(
            "more_errors",
            f"… et {hidden} autres erreurs non listées : corrigez d'abord celles-ci (elles se "
            "répètent souvent), puis déposez à nouveau.")]
    result.errors = errors
    if errors:
        result.records = []
    return result
