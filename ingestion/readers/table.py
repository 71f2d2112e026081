"""What every reader returns: a header and data rows of text cells, or file-level errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from data_contracts.errors import ContractError


@dataclass
class ParsedTable:
    """A file read as text. ``rows`` pairs each data row with its 1-based number in the file
    (counted from the first row under the header, blank rows included, so that "ligne 3"
    is the third line of data the agent sees). JSON cells keep their scalar type; CSV and
    XLSX cells are text (or None when empty)."""

    format: str
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    errors: list[ContractError] = field(default_factory=list)
    sheet: str | None = None
    #: The sandboxed worker screened the free-text cells (:mod:`ingestion.screening`) and put
    #: what it found in ``errors``: validation must not screen them again in the server.
    free_text_screened: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def file_error(code: str, message: str, *, row: int | None = None, column: str | None = None,
               value: str | None = None) -> ContractError:
    """An error about the file as a whole (or a row/cell the reader itself refuses)."""
    return ContractError(row=row, column=column, code=code, message=message, value=value)


def failed(fmt: str, code: str, message: str, **where: Any) -> ParsedTable:
    return ParsedTable(format=fmt, errors=[file_error(code, message, **where)])


def too_many_rows(fmt: str, max_rows: int) -> ParsedTable:
    """The one wording of the row limit (``CIPD_MAX_ROWS``), whatever the format."""
    return failed(fmt, "too_many_rows",
                  f"Trop de lignes : plus de {max_rows} lignes de données. Un dépôt couvre un "
                  "département ; découpez le fichier.")


def is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def table_to_wire(table: ParsedTable) -> dict[str, Any]:
    """Plain JSON for the worker → server pipe (never pickle: the worker handles hostile
    input, so the server must not unpickle what it sends)."""
    return {"format": table.format, "header": table.header, "rows": table.rows,
            "errors": [e.as_dict() for e in table.errors], "sheet": table.sheet,
            "free_text_screened": table.free_text_screened}


def table_from_wire(data: dict[str, Any]) -> ParsedTable:
    return ParsedTable(
        format=str(data["format"]), header=[str(h) for h in data["header"]],
        rows=[(int(number), list(cells)) for number, cells in data["rows"]],
        errors=[ContractError(**e) for e in data["errors"]], sheet=data.get("sheet"),
        free_text_screened=bool(data.get("free_text_screened")))
