"""Person names: a French NER model (spaCy ``fr_core_news_sm``) and the rules it needs
around it.

The model alone is not enough either way. It misses what agents actually write — a first
name alone (« suivi de Kevin »: a place, to the model), initials (« le jeune K. »), a
diminutive — and it tags capitalised common words at the start of a sentence as people
(« Atelier animé par… »). So a text is flagged when

* a civility precedes a capitalised word (« Mme Dupont », « M. Benali »);
* a capitalised word is followed by an initial (« Karim B. »), two initials stand together
  (« K. B. »), or a person noun is followed by one (« la jeune L. »);
* a family is named (« la famille Nguyen »);
* a word is a known first name or a compound of them (« Jean-Pierre », « Marie-Claire »),
  see :mod:`data_contracts.free_text.vocabulary`;
* the model tags a person that none of the allowances below explains.

Allowed: names an institution carries (« collège Jean Moulin », « centre social Louise
Michel », « association Génération Médiateurs »: an institution word shortly before), saints'
places (« Saint-Pierre »), and entities made only of institutional vocabulary (« PJJ »,
« Éducation nationale », « Maison des adolescents »).

The model is loaded once per process, on the first text that needs it (a one-week report
without a comment never loads it), with every component but the NER disabled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from data_contracts.free_text.finding import Finding
from data_contracts.free_text.rules import LOWER, UPPER
from data_contracts.free_text.vocabulary import (
    CIVILITIES, COMPOUND_ONLY_NAMES, FIRST_NAMES, INSTITUTION_WORDS, INSTITUTIONAL_VOCABULARY, PERSON_NOUNS)

MODEL = "fr_core_news_sm"
_NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*"
_WORD = re.compile(rf"[{UPPER}{LOWER}'’\-]+")
_CAPITALISED = re.compile(_NAME_WORD)
_CIVILITY = re.compile(
    r"(?<![\w.])(?:" + "|".join(re.escape(c) for c in CIVILITIES) + rf")\s+{_NAME_WORD}")
_NAME_AND_INITIAL = re.compile(rf"(?<![\w-]){_NAME_WORD}\s+[{UPPER}]\.(?![\w.])")
_TWO_INITIALS = re.compile(rf"(?<![\w.])[{UPPER}]\.\s?[{UPPER}]\.(?!\w|\s?[{UPPER}]\.)")
#: « la famille Nguyen », « les époux Martin »: a family named by its surname.
_FAMILY = re.compile(rf"\b(?:famille|familles|époux|épouse|veuve|clan)\s+(?P<name>{_NAME_WORD})")
_NOUN_AND_INITIAL = re.compile(rf"\b(?P<noun>[{LOWER}]+)\s+(?P<initial>[{UPPER}])(?:\.|(?=[\s,;)]|$))")
#: What ends a sentence (or a list item) before a capitalised word that is not a name.
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n•·*()«»\"“”\-–—])\s*$")
_SAINTS = frozenset({"saint", "sainte", "st", "ste"})
#: How far back (in words) an institution word explains a name: « lycée professionnel Victor Hugo ».
_INSTITUTION_REACH = 3


def _fold(text: str) -> str:
    from data_contracts.fields import fold  # lazy: data_contracts.fields imports this package

    return fold(text)


def _starts_sentence(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 4):start]))


def _after_institution(text: str, start: int) -> bool:
    """Whether one of the few words before ``start`` makes the name an institution's or a
    saint's place (« collège Jean Moulin », « Saint Louis »)."""
    before = _WORD.findall(text[max(0, start - 60):start])[-_INSTITUTION_REACH:]
    folded = [re.split(r"['’]", _fold(w))[-1].strip("-") for w in before]  # « l'association »
    return any(w in INSTITUTION_WORDS or w in _SAINTS or w == "abbe" for w in folded)


def _is_first_name(word: str) -> bool:
    """A first name, or a compound of them (« Jean-Pierre », « Marie-Claire »)."""
    first, *rest = word.split("-")
    return first in FIRST_NAMES and all(p in FIRST_NAMES or p in COMPOUND_ONLY_NAMES for p in rest)


def _institutional(words: list[str]) -> bool:
    return all(_fold(w) in INSTITUTIONAL_VOCABULARY or _fold(w) in INSTITUTION_WORDS or w.isupper()
               for w in words)


def _rule_findings(text: str) -> Iterator[Finding]:
    for match in _CIVILITY.finditer(text):
        yield Finding("person_name", match.start(), match.end(), match.group(0))
    for match in _NAME_AND_INITIAL.finditer(text):
        first = match.group(0).split()[0]
        if not _institutional([first]) and not _after_institution(text, match.start()):
            yield Finding("initials", match.start(), match.end(), match.group(0))
    for match in _TWO_INITIALS.finditer(text):
        yield Finding("initials", match.start(), match.end(), match.group(0))
    for match in _NOUN_AND_INITIAL.finditer(text):
        if _fold(match.group("noun")) in PERSON_NOUNS:
            yield Finding("initials", match.start(), match.end(), match.group(0))
    for match in _FAMILY.finditer(text):
        if not _institutional([match.group("name")]):
            yield Finding("person_name", match.start(), match.end(), match.group(0))
    for match in _CAPITALISED.finditer(text):
        word = match.group(0)
        if _is_first_name(word) and not _after_institution(text, match.start()):
            yield Finding("first_name", match.start(), match.end(), word)


def needs_model(text: str) -> bool:
    """Whether a capitalised word stands inside a sentence and outside the institutional
    vocabulary: only then can the model find a name the rules did not."""
    for match in _CAPITALISED.finditer(text):
        if not _starts_sentence(text, match.start()) and _fold(match.group(0)) not in INSTITUTIONAL_VOCABULARY:
            return True
    return False


@lru_cache(maxsize=1)
def load_model():
    """The NER pipeline, once per process (about 2 s and 150 MB): every other component
    excluded, since only entities are read."""
    import spacy

    return spacy.load(MODEL, exclude=["tok2vec", "morphologizer", "parser", "senter",
                                      "attribute_ruler", "lemmatizer"])


def _model_findings(text: str, doc) -> Iterator[Finding]:
    for entity in doc.ents:
        if entity.label_ != "PER":
            continue
        words = _CAPITALISED.findall(entity.text)
        if not words or _institutional(words) or _after_institution(text, entity.start_char):
            continue
        if any(_fold(w.split("-")[0]) in _SAINTS for w in words if "-" in w):
            continue  # « Saint-Martin », « Sainte-Anne »: places named after saints
        if len(words) == 1 and _starts_sentence(text, entity.start_char) and not _is_first_name(words[0]):
            continue  # « Atelier animé par… »: a capitalised common word, not a person
        yield Finding("person_name", entity.start_char, entity.end_char, entity.text)


def name_findings(text: str, doc=None) -> Iterator[Finding]:
    """Every span of ``text`` that names a person, rules first (cheap), then the model
    (``doc``: the model's reading of ``text`` when the caller already has it)."""
    yield from _rule_findings(text)
    if doc is not None or needs_model(text):
        yield from _model_findings(text, doc if doc is not None else load_model()(text))
