"""User-typed text made safe for where the hub shows or writes it: one rule per hazard.

Why here: file names and free text typed by the départements reach the terminal (``cipd
submit``), the Streamlit pages, the CSV/XLSX downloads and the documents built by
orchestration. Those layers do not import each other, and a rule written in each would drift;
``data_contracts`` is below all of them.

* :func:`neutralise_cell` — a spreadsheet runs a cell starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return as a formula (CSV/formula injection, ``+cmd|' /C calc'!A0``).
  Every text cell of every CSV/XLSX the hub writes goes through it (OWASP: prefix ``'``).
* :func:`printable` — control characters (C0, C1, DEL), ANSI escape sequences and the Unicode
  bidirectional overrides/isolates let a file name repaint a terminal line (a fake « Dépôt
  ACCEPTÉ ») or reorder what a reader sees (``facture‮fdp.exe``). Every displayed file name
  goes through it.
"""

from __future__ import annotations

import re

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: ANSI/VT escape sequences: CSI (``ESC [ … final``), OSC (``ESC ] … BEL|ESC \``), and any
#: other two-character ``ESC x`` sequence. Removed whole, so no ``[31m`` residue is left.
_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
#: C0 controls, DEL, C1 controls; bidi embeddings/overrides (U+202A–U+202E), isolates
#: (U+2066–U+2069) and the invisible direction marks (LRM, RLM, ALM).
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def neutralise_cell(value: object) -> object:
    """A text a spreadsheet would evaluate, prefixed with an apostrophe; anything else as is
    (numbers stay numbers: a negative number is a value, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def printable(text: str) -> str:
    """``text`` without escape sequences, control characters or bidi controls."""
    return _INVISIBLE.sub("", _ESCAPE_SEQUENCE.sub("", text))
