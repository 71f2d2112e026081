"""Readers turn the bytes a département sends into a table of text cells.

They run inside the parsing sandbox (:mod:`ingestion.sandbox`), never in the server
process: a crafted spreadsheet may crash or exhaust the reader, and that must cost a
rejection, not the hub. They know nothing of the contracts beyond the kind's sheet name:
validation happens afterwards, on text, in :mod:`ingestion.validate`.
"""

from ingestion.readers.table import ParsedTable, file_error

__all__ = ["ParsedTable", "file_error"]
