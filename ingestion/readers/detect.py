"""Which reader a file needs: from its extension, checked against its first bytes.

Agents rename files by hand; an XLSX saved as ``.csv`` or a CSV renamed ``.xlsx`` is a
mistake worth telling them about precisely, rather than a cryptic parse failure.
"""

from __future__ import annotations

from pathlib import PurePath

from ingestion.readers.table import ParsedTable, failed

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
UTF8_BOM = b"\xef\xbb\xbf"

# Excel saves a password-protected workbook as an OLE2 container holding this stream.
_ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
ENCRYPTED_MESSAGE = ("Classeur protégé par mot de passe : retirez la protection (Fichier > "
                     "Informations > Protéger le classeur > Chiffrer avec mot de passe, champ vide) "
                     "puis déposez-le à nouveau.")

EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".json": "json"}
_NAMES = {"csv": "un fichier CSV (texte)", "xlsx": "un classeur Excel (.xlsx)",
          "json": "un fichier JSON", "xls": "un ancien classeur Excel (.xls)"}


def declared_format(filename: str) -> str | None:
    """The format the file name claims; None when it has no extension."""
    suffix = PurePath(filename or "").suffix.lower()
    if not suffix:
        return None
    return EXTENSIONS.get(suffix, suffix)


def sniffed_format(content: bytes) -> str:
    """What the bytes are: ``xlsx`` (any zip), ``xls``, ``json`` or ``csv`` (anything else;
    the CSV reader decides whether it is really text)."""
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if content.startswith(OLE2_MAGIC):
        return "xls"
    head = content[:64].removeprefix(UTF8_BOM).lstrip()
    if head[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def choose_reader(content: bytes, filename: str) -> str | ParsedTable:
    """The reader's name, or a rejection explaining the mismatch."""
    declared = declared_format(filename)
    actual = sniffed_format(content)
    if actual == "xls" and _ENCRYPTION_STREAM in content:
        return failed("xls", "encrypted_file", ENCRYPTED_MESSAGE)
    if actual == "xls" or declared == ".xls":
        return failed("xls", "unsupported_format",
                      "Ancien format Excel (.xls) non accepté : dans Excel, « Enregistrer sous » "
                      "puis choisissez « Classeur Excel (.xlsx) » ou « CSV UTF-8 ».")
    if declared is not None and declared not in ("csv", "xlsx", "json"):
        return failed("unknown", "unsupported_format",
                      f"Format « {declared} » non accepté : déposez un fichier .csv, .xlsx ou "
                      ".json (le modèle `cipd template` donne la forme attendue).",
                      value=filename)
    if declared is None:
        return actual
    if declared == "csv" and actual == "xlsx":
        return _mismatch(filename, declared, actual, "renommez-le en .xlsx, ou dans Excel "
                         "« Enregistrer sous » au format « CSV UTF-8 »")
    if declared == "xlsx" and actual != "xlsx":
        return _mismatch(filename, declared, actual, f"renommez-le avec l'extension .{actual} "
                         "(ou ouvrez-le dans Excel et enregistrez-le en .xlsx)")
    if declared == "json" and actual == "xlsx":
        return _mismatch(filename, declared, actual, "renommez-le en .xlsx")
    return declared


def _mismatch(filename: str, declared: str, actual: str, fix: str) -> ParsedTable:
    return failed(actual, "extension_mismatch",
                  f"Le fichier « {filename} » porte l'extension de {_NAMES[declared]} mais "
                  f"contient {_NAMES[actual]} : {fix}.", value=filename)
