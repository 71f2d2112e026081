"""The display rule for file names: no control, escape or bidi character survives."""

from __future__ import annotations

import pytest

from data_contracts.safe_text import printable


@pytest.mark.parametrize("hostile, shown", [
    ("a\x1b[2K\x1b[1;32mb\x1b[0m.csv", "ab.csv"),          # CSI: erase line, colours
    ("a\x1b]0;titre\x07b.csv", "ab.csv"),                  # OSC: window title
    ("a\x1b]8;;http://x\x1b\\b.csv", "ab.csv"),            # OSC 8 hyperlink
    ("a\rb\nc\td\x00e\x7f.csv", "abcde.csv"),              # C0 controls and DEL
    ("a\x9b31mb\x85.csv", "a31mb.csv"),                    # C1 controls (CSI, NEL)
    ("facture\u202efdp.exe", "facturefdp.exe"),            # right-to-left override
    ("a\u2066b\u2069\u200e\u200f\u061c.csv", "ab.csv"),    # isolates and direction marks
])
def test_printable_strips_escape_control_and_bidi_characters(hostile, shown):
    assert printable(hostile) == shown


def test_printable_keeps_accents_spaces_and_punctuation():
    name = "Rapport « Rhône » n°47 — été (copie) 2026-W47.xlsx"
    assert printable(name) == name
