"""The one entry point the sandbox calls: pick the reader, run it."""

from __future__ import annotations

from data_contracts.registry import contract_for
from ingestion.readers.csv_reader import read_csv
from ingestion.readers.detect import UTF8_BOM, choose_reader
from ingestion.readers.json_reader import read_json
from ingestion.readers.table import ParsedTable
from ingestion.readers.xlsx_reader import read_xlsx


def read_table(content: bytes, filename: str, kind: str, max_rows: int) -> ParsedTable:
    """The file as a table of text cells, or the file-level errors that stop reading it."""
    if not content.removeprefix(UTF8_BOM).strip():
        return read_csv(b"", max_rows)  # the CSV reader words the "empty file" error
    choice = choose_reader(content, filename)
    if isinstance(choice, ParsedTable):
        return choice
    if choice == "xlsx":
        return read_xlsx(content, kind, contract_for(kind).label, max_rows)
    if choice == "json":
        return read_json(content, max_rows)
    return read_csv(content, max_rows)
