"""Free text that cannot carry a person: what the contracts' free-text fields refuse.

The hub is aggregate-only: a comment or a good practice describes an action, never a person.
:func:`find_personal_data` returns what a text carries that could single someone out —
names (a French NER model and rules: :mod:`.names`), ages, births, addresses, NIR, plates,
e-mails, phones, dates (:mod:`.rules`). The contracts call it through
:func:`data_contracts.fields.no_personal_data`; on the submit path it runs in the sandboxed
parse worker (:mod:`ingestion.screening`), never in a server process.
"""

from __future__ import annotations

from collections.abc import Iterator

from data_contracts.free_text.finding import LABELS, Finding, mask
from data_contracts.free_text.names import load_model, name_findings, needs_model
from data_contracts.free_text.rules import nir_key_is_valid, shaped_findings

FIX = ("retirez toute information permettant d'identifier une personne (nom, prénom, initiales, "
       "âge, adresse, numéro de sécurité sociale, immatriculation, e-mail, téléphone, date) et "
       "décrivez l'action de façon collective.")


#: How many findings one error names (the rest: « … »).
SHOWN = 3


#: Texts the model reads at once: batching reads them about 3× faster than one by one.
BATCH_SIZE = 32


def find_personal_data(text: str, doc=None) -> list[Finding]:
    """Every finding in ``text``, in reading order, overlapping spans once (empty: the text
    may be kept). ``doc``: the model's reading of ``text``, when already made."""
    found = sorted([*shaped_findings(text), *name_findings(text, doc)], key=lambda f: (f.start, -f.end))
    kept: list[Finding] = []
    for finding in found:
        if not kept or finding.start >= kept[-1].end:
            kept.append(finding)
    return kept


def find_personal_data_in(texts: list[str], needs: list[bool] | None = None) -> Iterator[list[Finding]]:
    """:func:`find_personal_data` of each text, in order, lazily: the texts that need the model
    (``needs``, else :func:`needs_model` of each) are read in batches of :data:`BATCH_SIZE`."""
    needs = [needs_model(t) for t in texts] if needs is None else needs
    wanted = [t for t, need in zip(texts, needs) if need]
    docs = iter(load_model().pipe(wanted, batch_size=BATCH_SIZE)) if wanted else iter(())
    for text, need in zip(texts, needs):
        yield find_personal_data(text, next(docs) if need else None)


def first_finding(text: str) -> Finding | None:
    found = find_personal_data(text)
    return found[0] if found else None


def masked(findings: list[Finding]) -> str:
    """The findings' spans as an error may show them (masked, « ; »-separated)."""
    return " ; ".join(f.masked for f in findings)


def message(findings: list[Finding]) -> str:
    """The French error for a text refused because of ``findings`` (spans masked)."""
    named = ", ".join(f"{LABELS[f.kind]} « {f.masked} »" for f in findings[:SHOWN])
    more = " …" if len(findings) > SHOWN else ""
    return (f"Le texte semble désigner une personne ({named}{more}) : le hub ne reçoit que des "
            f"données agrégées ; {FIX}")


__all__ = ["BATCH_SIZE", "FIX", "LABELS", "Finding", "find_personal_data", "find_personal_data_in",
           "first_finding", "load_model", "mask",
           "masked", "message", "needs_model", "nir_key_is_valid"]
