"""JSON uploads: an array of flat objects, one per row, keys named like the template.

Python's ``json`` accepts things a data file must not carry: ``NaN``/``Infinity``, repeated
keys (the last silently wins), numbers with thousands of digits, nesting deep enough to
exhaust the recursion limit. Each is refused here with its own code.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ingestion.readers.table import ParsedTable, failed, file_error, too_many_rows

MAX_DEPTH = 4
MAX_NUMBER_CHARS = 30


class _Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def nesting_depth(text: str, limit: int) -> int:
    """Bracket depth outside strings, stopping as soon as it passes ``limit`` (before the
    recursive parser can blow its stack on ``[[[[...``)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    return deepest
        elif ch in "]}":
            depth -= 1
    return deepest


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(text: str) -> None:
    """``"\\ud800"`` parses to a lone surrogate: not text, and unwritable as UTF-8 later."""
    if _LONE_SURROGATE.search(text):
        raise _Refused("invalid_text",
                       "Texte mal encodé (caractère \\u invalide) : enregistrez le fichier en UTF-8 "
                       "sans séquences d'échappement isolées.")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        _check_text(key)
        if isinstance(value, str):
            _check_text(value)
        if key in result:
            raise _Refused("duplicate_key",
                           f"La clé « {key} » apparaît deux fois dans un même objet : gardez-en une seule.")
        result[key] = value
    return result


def _refuse_constant(name: str) -> Any:
    raise _Refused("invalid_number",
                   f"Valeur « {name} » refusée : saisissez un nombre réel (ou laissez vide avec null).")


def _number(kind: type):
    def parse(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise _Refused("invalid_number",
                           f"Nombre démesuré ({len(text)} chiffres) : vérifiez la saisie.")
        return kind(text)
    return parse


def read_json(content: bytes, max_rows: int) -> ParsedTable:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return failed("json", "encoding_error",
                      "Fichier JSON mal encodé : enregistrez-le en UTF-8.")
    if not text.strip():
        return failed("json", "empty_file", "Le fichier est vide : déposez un tableau JSON d'objets.")
    if nesting_depth(text, MAX_DEPTH) > MAX_DEPTH:
        return failed("json", "too_deep",
                      "JSON trop imbriqué : le fichier doit être un tableau d'objets plats "
                      "(une clé par colonne, une valeur simple par clé).")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant,
                          parse_int=_number(int), parse_float=_number(float))
    except _Refused as refused:
        return failed("json", refused.code, refused.message)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        where = f" (ligne {exc.lineno}, colonne {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        return failed("json", "invalid_json",
                      f"JSON invalide{where} : vérifiez virgules, guillemets et crochets, ou partez "
                      "du modèle `cipd schema`.")
    if not isinstance(data, list):
        return failed("json", "invalid_json",
                      "Le fichier JSON n'est pas un tableau : écrivez un tableau d'objets "
                      "([{...}, {...}]), un objet par ligne.")
    if not data:
        return failed("json", "header_only", "Le tableau JSON est vide : ajoutez une ligne par période.")
    if len(data) > max_rows:
        return too_many_rows("json", max_rows)
    table = ParsedTable(format="json")
    header: dict[str, None] = {}
    for item in data:
        if isinstance(item, dict):
            header.update(dict.fromkeys(item))
    table.header = list(header)
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            table.errors.append(file_error(
                "invalid_json", "Élément qui n'est pas un objet : écrivez {\"colonne\": valeur, ...}.",
                row=number, value=json.dumps(item)[:80]))
            continue
        cells = []
        for key in table.header:
            value = item.get(key)
            if isinstance(value, (dict, list)):
                table.errors.append(file_error(
                    "invalid_value", "Valeur composée refusée : une cellule contient un texte ou un nombre.",
                    row=number, column=key, value=json.dumps(value)[:80]))
                value = None
            elif isinstance(value, float) and value != value:  # pragma: no cover - NaN refused above
                value = None
            cells.append(value)
        table.rows.append((number, cells))
    return table
