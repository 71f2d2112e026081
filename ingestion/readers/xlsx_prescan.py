"""Inspect an XLSX zip before calamine sees it.

calamine allocates the whole rectangle between the first and last cell, so a 1.5 KB file
with cells at A1 and XFD1048576 makes it abort the process (SIGABRT, beyond any
``except``). A zip bomb or a billion-laughs entity expansion costs memory the same way. This
scan streams the parts through bounded buffers and an expat pull parser, checks the
declared and the real sizes, refuses DTDs/entities, and measures the chosen sheet's real
extent (cells holding a value) and ``<dimension>`` before anything allocates per cell. It
also collects formula cells, which the hub refuses (a ``=HYPERLINK(...)`` is a trap, and
its cached value is not what the agent typed).

The scan must measure what calamine will read, not a look-alike: cell references are matched
whatever their case (``xfd1048576`` is a cell for calamine), a reference that is no cell is
refused rather than guessed, and the chosen sheet's path is compared in a canonical form
(``./``, ``../``, backslashes, a leading ``/``, letter case): every archive member that names
the same part under any spelling is scanned, so a harmless ``xl/worksheets/sheet1.xml`` cannot
stand in for a hostile ``xl/./worksheets/sheet1.xml`` that calamine opens instead.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from posixpath import join, normpath
from xml.etree.ElementTree import XMLPullParser

from data_contracts.fields import fold
from ingestion.readers.detect import ENCRYPTED_MESSAGE

MAX_MEMBERS = 300
MAX_TOTAL_UNCOMPRESSED = 64 * 1024 * 1024
MAX_RATIO = 150          # deflate of real sheets stays far below; bombs reach 1000+
MAX_COLUMNS = 100        # the widest contract has 25 columns
CHUNK = 64 * 1024

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d{1,7})$", re.IGNORECASE)
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class PrescanRejection(Exception):
    """The workbook is refused before reading; ``code``/``message`` are the user's error."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class PrescanResult:
    sheet_name: str
    #: (0-based row, 0-based column) → the formula text, for cells computed by a formula.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    max_row: int = 0
    max_column: int = 0


def column_index(letters: str) -> int:
    """``A`` → 0, ``XFD`` → 16383."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _too_complex(detail: str) -> PrescanRejection:
    return PrescanRejection(
        "file_too_complex",
        f"Classeur refusé par mesure de sécurité ({detail}) : copiez les données dans le modèle "
        "vierge (`cipd template`) et déposez-le, ou envoyez un CSV.")


def _not_a_workbook() -> PrescanRejection:
    return PrescanRejection(
        "not_a_spreadsheet",
        "Ce fichier n'est pas un classeur Excel lisible (archive .xlsx invalide) : ouvrez-le "
        "dans Excel, « Enregistrer sous » au format « Classeur Excel (.xlsx) », puis déposez-le.")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """Yield the member's bytes in chunks, never more than its declared size."""
    remaining = info.file_size
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                return
            remaining -= len(chunk)
            if remaining < 0:
                raise _too_complex("taille réelle supérieure à la taille déclarée")
            yield chunk


def _scan_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, parser: XMLPullParser | None = None):
    """Feed a part to ``parser`` (if any) after checking it declares no DTD or entity; yields
    the parser's events as they come so callers can stop early."""
    tail = b""
    for chunk in _read_member(archive, info):
        if _DTD.search(tail + chunk):
            raise PrescanRejection(
                "unsafe_file",
                "Classeur refusé par mesure de sécurité : il contient des déclarations XML "
                "(DOCTYPE/ENTITY) qu'Excel ne produit pas. Copiez les données dans le modèle "
                "vierge (`cipd template`) et déposez-le.")
        tail = chunk[-16:]
        if parser is not None:
            parser.feed(chunk)
            yield from parser.read_events()
    if parser is not None:
        parser.close()
        yield from parser.read_events()


def _parse_small(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise _not_a_workbook() from None
    parser = XMLPullParser(events=("end",))
    return [elem for _event, elem in _scan_xml(archive, info, parser)]


def canonical_part(name: str) -> str:
    """A part's path as a reader resolving it leniently would: ``/``-separated, no leading
    ``/``, ``.`` and ``..`` folded, case folded."""
    return normpath(name.replace("\\", "/").lstrip("/")).casefold()


def _sheet_members(archive: zipfile.ZipFile, path: str) -> list[zipfile.ZipInfo]:
    """Every member that is the sheet ``path`` under some spelling (see the module docstring);
    more than one is refused by the caller."""
    wanted = canonical_part(path)
    return [info for info in archive.infolist() if canonical_part(info.filename) == wanted]


def _sheet_paths(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    rels = {}
    for elem in _parse_small(archive, "xl/_rels/workbook.xml.rels"):
        if elem.tag == f"{_NS_PKG_REL}Relationship":
            target = elem.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else join("xl", target)
            rels[elem.get("Id")] = path
    sheets = []
    for elem in _parse_small(archive, "xl/workbook.xml"):
        if elem.tag == f"{_NS_MAIN}sheet":
            path = rels.get(elem.get(f"{_NS_REL}id"))
            if path:
                sheets.append((elem.get("name", ""), path))
    if not sheets:
        raise _not_a_workbook()
    return sheets


def choose_sheet(sheets: list[tuple[str, str]], kind: str, label: str) -> tuple[str, str]:
    """The sheet named after the kind (``weekly``, ``Rapport hebdomadaire`` or
    ``Hebdomadaire``), else the first."""
    wanted = {fold(kind), fold(label), fold(label).removeprefix("rapport ")}
    for name, path in sheets:
        if fold(name.strip()) in wanted:
            return name, path
    return sheets[0]


def prescan(content: bytes, kind: str, label: str, max_rows: int) -> PrescanResult:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_workbook() from None
    if "xl/workbook.xml" not in archive.namelist():
        raise _not_a_workbook()
    if len(infos) > MAX_MEMBERS:
        raise _too_complex(f"{len(infos)} éléments dans l'archive")
    if sum(i.file_size for i in infos) > MAX_TOTAL_UNCOMPRESSED:
        raise _too_complex("taille décompressée excessive")
    for info in infos:
        if info.flag_bits & 0x1:
            raise PrescanRejection("encrypted_file", ENCRYPTED_MESSAGE)
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _too_complex("taux de compression anormal")
    try:
        sheets = _sheet_paths(archive)
        name, path = choose_sheet(sheets, kind, label)
        sheet_infos = _sheet_members(archive, path)
        if not sheet_infos:
            raise _not_a_workbook()
        if len(sheet_infos) > 1:  # which one a reader opens is its own business: refuse
            raise _too_complex(f"{len(sheet_infos)} parties de l'archive portent le nom de la feuille")
        for info in infos:  # every XML part calamine may read must be entity-free
            if info.filename.lower().endswith((".xml", ".rels")) and info not in sheet_infos:
                for _ in _scan_xml(archive, info):
                    pass
        return _scan_sheet(archive, sheet_infos[0], name, max_rows)
    except zipfile.BadZipFile:
        raise _not_a_workbook() from None
    except (SyntaxError, ValueError, EOFError, OSError):  # ParseError is a SyntaxError
        raise _not_a_workbook() from None


def _check_extent(row: int, col: int, max_rows: int) -> None:
    if col >= MAX_COLUMNS:
        raise _too_complex(f"cellule remplie en colonne {col + 1}, au-delà de {MAX_COLUMNS}")
    if row > max_rows + 1:
        raise PrescanRejection(
            "too_many_rows",
            f"Trop de lignes : une cellule remplie en ligne {row + 1} ; un dépôt compte au plus "
            f"{max_rows} lignes de données. Supprimez les lignes en trop (y compris les cellules "
            "remplies loin sous le tableau).")


def _scan_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                max_rows: int) -> PrescanResult:
    result = PrescanResult(sheet_name=name)
    parser = XMLPullParser(events=("start", "end"))
    row_index, next_col = -1, 0
    for event, elem in _scan_xml(archive, info, parser):
        tag = elem.tag
        if event == "start":
            if tag == f"{_NS_MAIN}row":
                r = elem.get("r")
                if r is not None and not r.strip().isdigit():
                    raise _too_complex(f"numéro de ligne « {r[:20]} » illisible")
                row_index = int(r) - 1 if r is not None else row_index + 1
                next_col = 0
            elif tag == f"{_NS_MAIN}dimension":
                _check_dimension(elem.get("ref", ""), max_rows)
            continue
        if tag == f"{_NS_MAIN}c":
            reference = elem.get("r")
            ref = _CELL_REF.match(reference.strip()) if reference is not None else None
            if ref:
                col, row = column_index(ref[1]), int(ref[2]) - 1
            elif reference is None:
                col, row = next_col, row_index
            else:  # calamine would read something from it: do not guess what
                raise _too_complex(f"référence de cellule « {reference[:20]} » illisible")
            next_col = col + 1
            value = elem.find(f"{_NS_MAIN}v")
            inline = elem.find(f"{_NS_MAIN}is")
            formula = elem.find(f"{_NS_MAIN}f")
            if value is not None or inline is not None or formula is not None:
                _check_extent(row, col, max_rows)
                result.max_row, result.max_column = max(result.max_row, row), max(result.max_column, col)
            if formula is not None:
                result.formulas[(row, col)] = formula.text or "(formule partagée)"
            elem.clear()
        elif tag == f"{_NS_MAIN}row":
            elem.clear()
    return result


def _check_dimension(ref: str, max_rows: int) -> None:
    for part in ref.split(":"):
        match = _CELL_REF.match(part.replace("$", ""))
        if match:
            _check_extent(int(match[2]) - 1, column_index(match[1]), max_rows)
