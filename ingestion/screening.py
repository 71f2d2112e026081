"""Screening a parsed file's free text for personal data, inside the sandboxed worker.

Why here and not in the contract's validation on the server: the screening (a NER model and
regular expressions over texts up to 2 000 characters) costs real CPU on hostile input — a
4.9 MB practices file once took 87 s of the CLI process. In the worker it runs under the
worker's memory and CPU limits and a per-file budget (``CIPD_FREE_TEXT_BUDGET_SECONDS``);
the server then validates the rows with ``free_text_screened`` and never screens again.

What is screened is what the contract declares as free text
(:func:`data_contracts.fields.free_text_fields`); the rule itself is the contract's
(:mod:`data_contracts.free_text`), so both paths refuse the same texts with the same words.
"""

from __future__ import annotations

import time

from data_contracts import free_text
from data_contracts.errors import ContractError
from data_contracts.fields import clean_text, free_text_fields
from data_contracts.registry import contract_for
from ingestion.readers.table import ParsedTable, failed


class BudgetExceeded(Exception):
    """The file's free text needs more time than the per-file budget."""


def free_text_cells(kind: str, table: ParsedTable) -> list[tuple[int, str, str]]:
    """(row, column, text) of every free-text cell worth screening: text within the field's
    length limit (a longer one is refused as ``too_long`` anyway, unscreened)."""
    from ingestion.validate import map_header

    limits = free_text_fields(contract_for(kind))
    if not limits or not table.rows:
        return []
    mapping, _errors = map_header(kind, table)
    columns = [(index, name) for index, name in mapping.items() if name in limits]
    cells = []
    for number, row in table.rows:
        for index, name in columns:
            value = row[index] if index < len(row) else None
            text = clean_text(value) if isinstance(value, str) else None
            if text and len(text) <= limits[name]:
                cells.append((number, name, text))
    return cells


def screen_table(kind: str, table: ParsedTable, budget_seconds: float) -> ParsedTable:
    """The table with one ``personal_data`` error per free-text cell that carries a person
    (marked ``free_text_screened``), or a ``free_text_timeout`` refusal when the budget runs
    out."""
    return screen_cells(table, free_text_cells(kind, table), budget_seconds)


def screen_cells(table: ParsedTable, cells: list[tuple[int, str, str]], budget_seconds: float) -> ParsedTable:
    """:func:`screen_table` on cells already listed. Identical texts are screened once (a
    file repeats its partners); the model reads the others in batches."""
    deadline = time.monotonic() + budget_seconds
    distinct = list(dict.fromkeys(text for _number, _column, text in cells))
    verdicts: dict[str, list[free_text.Finding]] = {}
    try:
        needs = [free_text.needs_model(text) for text in _within(distinct, deadline)]
        deadline += _load_model(any(needs))
        for text, findings in zip(distinct, free_text.find_personal_data_in(distinct, needs)):
            verdicts[text] = findings
            if time.monotonic() > deadline:
                raise BudgetExceeded
    except BudgetExceeded:
        return timed_out(table.format, budget_seconds, (len(verdicts), len(distinct)))
    for number, column, text in cells:
        if verdicts[text]:
            table.errors.append(ContractError(
                row=number, column=column, code="personal_data",
                message=free_text.message(verdicts[text]), value=free_text.masked(verdicts[text])))
    table.free_text_screened = True
    return table


def _within(texts: list[str], deadline: float):
    for text in texts:
        if time.monotonic() > deadline:
            raise BudgetExceeded
        yield text


def _load_model(needed: bool) -> float:
    """Load the NER model when the file's texts need it (once per worker: later calls return
    at once); the seconds it took, which do not count against the file's budget."""
    if not needed or free_text.load_model.cache_info().currsize:
        return 0.0
    began = time.monotonic()
    free_text.load_model()
    return time.monotonic() - began


def timed_out(fmt: str, budget_seconds: float, progress: tuple[int, int] | None = None) -> ParsedTable:
    """The refusal of a file whose free text needs more than the budget (``progress``: texts
    checked, texts in the file)."""
    done = f" ({progress[0]} textes vérifiés sur {progress[1]})" if progress else ""
    return failed(
        fmt, "free_text_timeout",
        f"Contrôle des textes libres interrompu après {budget_seconds:g} s{done} : le fichier "
        "contient trop de texte pour un dépôt. Une nomination tient en quelques lignes : "
        "déposez les textes en plusieurs fichiers plus courts, ou raccourcissez les descriptions.")
