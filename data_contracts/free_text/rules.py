"""Personal data that has a shape: e-mails, phones, dates, ages, births, street addresses,
social-security numbers (NIR, checked by their key) and number plates.

Every pattern is linear on its input (no nested quantifiers over the same characters), and the
costly ones are guarded by a cheap ``in`` test, so that a hostile cell cannot make the regex
engine backtrack for minutes — the screening still runs in the sandboxed worker, under its
CPU limit and the per-file budget (:mod:`ingestion.screening`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from data_contracts.free_text.finding import Finding
from data_contracts.free_text.vocabulary import PERSON_NOUNS

#: Letters of French words, for character classes (upper and lower case).
UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
_MONTHS = ("janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|"
           "novembre|décembre|decembre")

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
_PHONE = re.compile(r"(?<![\d.])(?:(?:\+|00)33[\s.-]?\(?0?\)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])[/.-](?:0?[1-9]|1[0-2])[/.-](?:19|20)?\d{2}(?![\d/])")
_WRITTEN_DATE = re.compile(rf"\b(?:1er|[12]?\d|3[01])\s+(?:{_MONTHS})\b", re.IGNORECASE)

_WORD_NUMBERS = ("un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
                 "quinze|seize|dix-sept|dix-huit|dix-neuf|vingt|vingt-et-un|vingt-deux")
_AGE_NUMBER = rf"(?:\d{{1,2}}|{_WORD_NUMBERS})"
#: An age said of someone: « âgé de 15 ans », « Karim, 16 ans », « (17 ans) », « a 15 ans »,
#: « 16 ans et demi », « un garçon de 15 ans » — not a range or a limit of a public
#: (« de 16 à 25 ans », « moins de 18 ans ») nor a duration (« depuis 2 ans »).
_AGE = re.compile(
    rf"\b(?:âgée?s?|agée?s?)\s+de\s+{_AGE_NUMBER}\s+ans\b"
    rf"|(?:,|\(|—|–)\s*{_AGE_NUMBER}\s+ans\b(?!\s+(?:de|d'|d’|plus|après|avant|durant|pendant))"
    rf"|(?<!y )\b(?:a|avait|aura|fête\s+ses|fait\s+ses)\s+{_AGE_NUMBER}\s+ans\b(?!\s+(?:de|d'|d’))"
    rf"|\b{_AGE_NUMBER}\s+ans\s+et\s+demi\b", re.IGNORECASE)
_PERSON_OF_AGE = re.compile(
    rf"\b(?P<noun>[{LOWER}-]+)\s+(?:de\s+)?{_AGE_NUMBER}\s+ans\b(?!\s+(?:de|d'|d’))", re.IGNORECASE)
_BIRTH = re.compile(
    rf"(?<![\w-])(?i:née?s?)\s+(?:(?i:en)\s+(?:(?i:{_MONTHS})\s+)?(?:19|20)\d{{2}}|(?i:le)\s+\w|[àa]u?\s+[{UPPER}])"
    r"|\b(?i:date|année|annee|lieu)\s+de\s+naissance\b"
    r"|(?<![\w-])(?i:née?)\s*(?:\(e\))?\s*:")

_STREET_TYPES = ("rue|avenue|av\\.|boulevard|bd|bld|impasse|allée|allées|quai|square|chemin|"
                 "lotissement|résidence|hameau|faubourg|ruelle|sentier|venelle")
#: « rue des Lilas », « 12 avenue Jean Jaurès », « 3 bis, bd Victor Hugo », « 5 place Bellecour ».
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}\s*(?:bis|ter|[a-d])?,?\s+(?i:{_STREET_TYPES}|place|route|passage|rond-point)\b"
    rf"|\b(?i:{_STREET_TYPES})\s+(?:(?:de\s+la|de\s+l'|de\s+l’|des|du|de|d'|d’)\s*)?[{UPPER}\d][\w'’-]*")
_ADDRESS_WORDS = re.compile(r"\b(?:domicilié|domiciliée|demeurant|habitant\s+au|réside\s+au|habite\s+au)\b",
                            re.IGNORECASE)

#: The NIR: sex, year, month, département (2A/2B in Corsica), commune, order, key.
_NIR = re.compile(r"(?<![\w])([1-478])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2[AB])\s?(\d{3})"
                  r"\s?(\d{3})\s?(\d{2})(?!\w)", re.IGNORECASE)

_PLATE_LETTERS = "A-HJ-NP-TV-Z"
#: SIV plates (since 2009, « AB-123-CD ») and the older FNI ones (« 1234 AB 75 »).
_PLATE = re.compile(
    rf"(?<![\w-])[{_PLATE_LETTERS}]{{2}}[- ]?\d{{3}}[- ]?[{_PLATE_LETTERS}]{{2}}(?![\w-])"
    r"|(?<![\w-])\d{1,4}\s?[A-Z]{1,3}\s?(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])(?![\w-])")


def nir_key_is_valid(digits: str, key: str) -> bool:
    """The NIR's key is 97 − (number mod 97); Corsica's 2A and 2B count as 19 and 18."""
    digits = digits.upper()
    number = digits[:5] + {"2A": "19", "2B": "18"}.get(digits[5:7], digits[5:7]) + digits[7:]
    if not number.isdigit():
        return False
    return 97 - int(number) % 97 == int(key)


def _nirs(text: str) -> Iterator[Finding]:
    for match in _NIR.finditer(text):
        digits = "".join(match.groups()[:6])
        if nir_key_is_valid(digits, match.group(7)):
            yield Finding("nir", match.start(), match.end(), match.group(0))


def _matches(kind: str, pattern: re.Pattern, text: str) -> Iterator[Finding]:
    for match in pattern.finditer(text):
        span = match.group(0)
        start = match.start() + len(span) - len(span.lstrip(",(—– "))
        yield Finding(kind, start, match.end(), text[start:match.end()])


def _people_of_age(text: str) -> Iterator[Finding]:
    from data_contracts.fields import fold  # lazy: data_contracts.fields imports this package

    for match in _PERSON_OF_AGE.finditer(text):
        if fold(match.group("noun")) in PERSON_NOUNS:
            yield Finding("age", match.start(), match.end(), match.group(0))


def shaped_findings(text: str) -> Iterator[Finding]:
    """Every span of ``text`` one of the shape rules flags, rule by rule."""
    if "@" in text:
        yield from _matches("email", _EMAIL, text)
    digits = any(ch.isdigit() for ch in text)
    if digits:
        yield from _matches("phone", _PHONE, text)
        yield from _matches("date", _NUMERIC_DATE, text)
        yield from _nirs(text)
        yield from _matches("plate", _PLATE, text)
    yield from _matches("date", _WRITTEN_DATE, text)
    lowered = text.lower()
    if " ans" in lowered:
        yield from _matches("age", _AGE, text)
        yield from _people_of_age(text)
    if "né" in lowered or "naissance" in lowered:
        yield from _matches("birth", _BIRTH, text)
    yield from _matches("address", _ADDRESS, text)
    yield from _matches("address", _ADDRESS_WORDS, text)
