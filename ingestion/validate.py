"""File-level rules, then the contract on every row: all of a file's errors at once.

The contracts (:mod:`data_contracts`) own the rules of a single row. What only makes sense
for a whole file lives here: header names (matched without case or accents), unknown,
duplicated or missing columns, no data, formula cells, the uploader's own département only,
and the same (département, période) twice.

A large clean file (a 10-year backfill) is checked column by column first
(:mod:`data_contracts.bulk_validation`, with this module's own formula and tenant rules);
only the rows that check cannot prove clean go through the contract row by row, which alone
words the errors — so the errors are the same whichever way a row went.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import polars as pl

from data_contracts.base import ContractModel
from data_contracts.bulk_validation import Proof, json_dtypes, prove_rows, records_from_json
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
    """Outcome of validation: the validated rows, or the errors. ``rows`` holds one row per
    accepted record, ``source_row`` (its number in the file) then the contract's fields as
    ``model_dump(mode="json")`` gives them; ``error_count`` counts every error, even those
    not listed."""

    kind: str
    rows: pl.DataFrame | None = None
    errors: list[ContractError] = field(default_factory=list)
    error_count: int = 0

    @property
    def row_count(self) -> int:
        return 0 if self.rows is None else self.rows.height

    @property
    def periods(self) -> list[str]:
        if self.rows is None:
            return []
        return self.rows.get_column(contract_for(self.kind).period_field).unique().sort().to_list()

    def json_records(self) -> list[dict[str, Any]]:
        """The rows as the landing zone keeps them for the loader."""
        return [] if self.rows is None else self.rows.to_dicts()

    @cached_property
    def records(self) -> list[tuple[int, ContractModel]]:
        """The rows as contract models, with their file row numbers (built on demand: the
        submit path itself works on ``rows``)."""
        rows = self.json_records()
        models = records_from_json(contract_for(self.kind), rows)
        return [(row["source_row"], model) for row, model in zip(rows, models)]


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
    result = ValidatedFile(kind)
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
    screened = table.free_text_screened
    proof = _prove(kind, table, mapping, departement, now, screened)
    if proof is not None and proof.clean.all() and not _repeats_a_key(proof.values, model.key_fields):
        result.rows = proof.values.insert_column(
            0, pl.Series("source_row", [number for number, _cells in table.rows], dtype=pl.Int64))
        return _finish(result, errors)
    clean = proof.clean.to_list() if proof is not None else [False] * len(table.rows)
    proved = proof.values.rows(named=True) if proof is not None else []
    first_seen: dict[tuple, int] = {}
    accepted: list[dict[str, Any]] = []
    for position, (number, cells) in enumerate(table.rows):
        if clean[position]:  # the contract and the file rules hold: only duplicates are left
            values = proved[position]
        else:
            values, row_errors = _check_row(kind, mapping, number, cells, departement, now, screened)
            errors += row_errors
            if values is None:
                continue
        key = tuple(values[f] for f in model.key_fields)
        if key in first_seen:
            shown = ", ".join(f"{f} = {values[f]}" for f in model.key_fields)
            errors.append(file_error(
                "duplicate_row",
                f"Ligne en double ({shown}) : déjà présente en ligne {first_seen[key]}. Gardez "
                "une seule ligne par période ; pour corriger un envoi, déposez le fichier corrigé.",
                row=number, column=model.key_fields[-1], value=str(key[-1])))
            continue
        first_seen[key] = number
        accepted.append({"source_row": number, **values})
    result.rows = _rows_frame(model, accepted)
    return _finish(result, errors)


def _check_row(kind: str, mapping: dict[int, str], number: int, cells: list[Any], departement: str,
               now: datetime | None, screened: bool) -> tuple[dict[str, Any] | None, list[ContractError]]:
    """One row through the contract and the row's file rules: (its values in JSON mode, or
    None when refused; its errors)."""
    record, formula_columns, errors = {}, [], []
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
        return None, errors
    row_model, row_errors = validate_row(kind, record, row=number, now=now, free_text_screened=screened)
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
        return None, errors
    return row_model.model_dump(mode="json"), errors


def _prove(kind: str, table: ParsedTable, mapping: dict[int, str], departement: str,
           now: datetime | None, screened: bool) -> Proof | None:
    """The whole-file check: the contract's proof with this module's formula rule, and the
    uploader's own département. None when the file's cells are not all text (JSON numbers):
    those files go row by row."""
    width = len(table.header)
    rows = [cells if len(cells) == width else (list(cells) + [None] * width)[:width]
            for _number, cells in table.rows]
    columns = list(zip(*rows)) if rows else [()] * width
    try:
        cells = pl.DataFrame([pl.Series(name, columns[index], dtype=pl.String, strict=True)
                              for index, name in mapping.items()])
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return None
    # Cells proved by their plain form start with a digit: none is a formula.
    proof = prove_rows(kind, cells, now, refuse=lambda cell: bool(_FORMULA.match(cell)),
                       free_text_screened=screened)
    if proof is None:
        return None
    if "departement" in proof.values.columns:
        clean = proof.clean & (proof.values.get_column("departement") == departement)
        proof = Proof(clean=clean.fill_null(False) if clean.null_count() else clean, values=proof.values)
    return proof


def _repeats_a_key(values: pl.DataFrame, key_fields: tuple[str, ...]) -> bool:
    keys = zip(*(values.get_column(f).to_list() for f in key_fields))
    return len(set(keys)) != values.height


def _rows_frame(model: type[ContractModel], rows: list[dict[str, Any]]) -> pl.DataFrame:
    dtypes = json_dtypes(model) or {}
    schema = {"source_row": pl.Int64, **{n: dtypes.get(n) for n in model.model_fields}}
    if None in schema.values():
        return pl.DataFrame(rows, infer_schema_length=None)
    return pl.DataFrame(rows, schema=schema, orient="row")


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
        result.rows = None
    return result
