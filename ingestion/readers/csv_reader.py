"""CSV as départements really send it: ``;`` (French Excel) or ``,``, UTF-8 with or
without BOM or Windows cp1252, CRLF line ends, quoted cells.

Decoding is strict and never lossy: UTF-8 first, then cp1252, else the file is refused. A
silent latin-1 fallback would turn a mis-saved file into plausible-looking garbage.
"""

from __future__ import annotations

import csv
import io
import re

from ingestion.readers.table import ParsedTable, failed, file_error, is_blank, too_many_rows

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DELIMITERS = (";", ",", "\t")


def decode(content: bytes) -> tuple[str, str] | None:
    """(text, encoding) or None when the bytes are neither UTF-8 nor cp1252."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def sniff_delimiter(header_line: str) -> str:
    """The separator the header uses most (contract column names never contain one)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_csv(content: bytes, max_rows: int) -> ParsedTable:
    decoded = decode(content)
    if decoded is None or "\x00" in decoded[0]:
        return failed("csv", "not_a_spreadsheet",
                      "Ce fichier n'est ni un tableau CSV lisible ni un classeur Excel : "
                      "déposez le modèle rempli, enregistré en .xlsx ou en « CSV UTF-8 ».")
    text, _encoding = decoded
    if not text.strip():
        return failed("csv", "empty_file",
                      "Le fichier est vide : remplissez le modèle (`cipd template`) puis déposez-le.")
    control = _CONTROL.search(text)
    if control:
        line = text.count("\n", 0, control.start()) + 1
        return failed("csv", "not_a_spreadsheet",
                      f"Caractère de contrôle invisible (code {ord(control.group()):#04x}) à la "
                      f"ligne {line} du fichier : ce n'est pas un tableau CSV ; ré-enregistrez-le "
                      "depuis Excel au format « CSV UTF-8 ».")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line),
                        strict=True)
    table = ParsedTable(format="csv")
    try:
        header = None
        data_rows = 0
        for cells in reader:
            if header is None:
                if is_blank(cells):
                    continue  # blank lines above the header
                header = [c.strip() for c in cells]
                continue
            data_rows += 1
            if is_blank(cells):
                continue
            if len(table.rows) >= max_rows:
                return too_many_rows("csv", max_rows)
            row = [c if c.strip() else None for c in cells]
            if len(row) > len(header):
                extra = row[len(header):]
                if not is_blank(extra):
                    table.errors.append(file_error(
                        "extra_cells",
                        f"Cette ligne a {len(row)} cellules pour {len(header)} colonnes d'en-tête : "
                        "retirez les valeurs en trop à droite ou ajoutez le nom de la colonne.",
                        row=data_rows, value=str(next(c for c in extra if c))[:80]))
                row = row[:len(header)]
            row += [None] * (len(header) - len(row))
            table.rows.append((data_rows, row))
    except csv.Error:
        return failed("csv", "malformed_csv",
                      f"CSV mal formé près de la ligne {reader.line_num} du fichier (guillemet "
                      "non fermé ou cellule démesurée) : vérifiez les guillemets, ou "
                      "ré-enregistrez depuis Excel au format « CSV UTF-8 ».")
    table.header = header or []
    return table
