"""What a screening rule found in a text: which kind of personal data, and where."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: How each kind reads in the French error.
LABELS = {
    "person_name": "nom de personne",
    "initials": "initiales",
    "first_name": "prénom",
    "age": "âge",
    "birth": "naissance",
    "address": "adresse",
    "nir": "numéro de sécurité sociale",
    "plate": "immatriculation",
    "email": "adresse e-mail",
    "phone": "téléphone",
    "date": "date",
}

_LETTER_OR_DIGIT = re.compile(r"\w+")


@dataclass(frozen=True)
class Finding:
    """``kind`` is a key of :data:`LABELS`; ``start``/``end`` delimit the span in the text."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def masked(self) -> str:
        return mask(self.text)


def mask(span: str) -> str:
    """The span as the error may show it: each word keeps its first character, the rest is
    starred (« Karim B. » → « K**** B. »). The error must say what to remove without
    copying the personal data into receipts and logs."""
    return _LETTER_OR_DIGIT.sub(lambda m: m.group(0)[0] + "*" * (len(m.group(0)) - 1), span)
