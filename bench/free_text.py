"""P11 — free text that cannot carry a person: the screening's recall and false-positive rate
on a labelled French corpus, and the receipt of a practices file of 50 nominations.

The corpus (``bench/free_text_corpus.jsonl``, one ``{"person", "way", "text"}`` per line) holds
clean descriptions of real-looking actions — institutions, places, programmes, associations,
establishments named after people — and texts carrying a person in each way the screening
knows (initials, first names alone, diminutives, compound names, full names, ages, births,
addresses, NIR, plates, e-mails, phones, dates). Recall is measured on the texts with a
person, the false-positive rate on the clean ones (``tests/contracts/test_free_text.py``
holds the same targets).

P11c submits, through :func:`ingestion.submit.submit` as the upload page does, a practices
file of 50 nominations (200 distinct free texts), screened in the sandboxed worker.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

from bench.figures import Figure
from bench.homes import BenchHomes
from bench.timing import percentile, timed
from data_contracts import calendar

CORPUS = Path(__file__).resolve().parent / "free_text_corpus.jsonl"
PRACTICES_IN_FILE = 50
PRACTICE_SUBMITS = 12


def load_corpus(path: Path = CORPUS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_scores(corpus: list[dict]) -> dict:
    """Recall on texts with a person, false-positive rate on clean texts, per way too."""
    from data_contracts.free_text import find_personal_data

    flagged = [bool(find_personal_data(item["text"])) for item in corpus]
    people = [f for item, f in zip(corpus, flagged) if item["person"]]
    clean = [f for item, f in zip(corpus, flagged) if not item["person"]]
    by_way, caught = Counter(), Counter()
    for item, found in zip(corpus, flagged):
        if item["person"]:
            by_way[item["way"]] += 1
            caught[item["way"]] += found
    return {
        "recall": 100 * sum(people) / len(people), "false_positive_rate": 100 * sum(clean) / len(clean),
        "texts_with_person": len(people), "clean_texts": len(clean),
        "recall_by_way": {way: round(100 * caught[way] / n, 1) for way, n in sorted(by_way.items())},
        "missed": [item["text"] for item, f in zip(corpus, flagged) if item["person"] and not f],
        "false_positives": [item["text"] for item, f in zip(corpus, flagged) if not item["person"] and f],
    }


def practices_rows(departement: str, month: str, count: int) -> list[dict]:
    """``count`` distinct nominations built from the demo's catalogue."""
    from demo.practices import CATALOGUE

    rows = []
    for number in range(count):
        titre, action, public, partners, description, results = CATALOGUE[number % len(CATALOGUE)]
        rows.append({"departement": departement, "mois": month, "titre": f"{titre} — édition {number + 1}",
                     "type_action": action, "public_cible": public, "partenaires": partners,
                     "description": f"{description} Édition {number + 1} dans le département.",
                     "resultats": f"{results} Bilan de l'édition {number + 1}."})
    return rows


def run(homes: BenchHomes) -> list[Figure]:
    import polars as pl

    from demo.files import render
    from ingestion.sandbox import warm_up
    from ingestion.submit import submit

    scores = corpus_scores(load_corpus())
    settings = homes.fresh("free_text")
    warm_up(settings)
    month = calendar.shift_month(calendar.current_month(calendar.now_utc(settings.now)), -1)
    submit_ms, polars_ms = [], []
    for version in range(PRACTICE_SUBMITS):
        rows = practices_rows("13", month, PRACTICES_IN_FILE)
        rows[0]["resultats"] += f" Version {version + 1}."  # new bytes: not a duplicate
        content = render("practices", rows, "csv_utf8")
        elapsed, receipt = timed(lambda: submit("practices", content, "pratiques.csv", "13", settings=settings))
        if receipt.status != "accepted":
            raise RuntimeError(f"practices file refused: {[str(e) for e in receipt.errors][:3]}")
        submit_ms.append(elapsed * 1000)
        polars_ms.append(timed(lambda: pl.read_csv(io.BytesIO(content)))[0] * 1000)
    return [
        Figure("P11a", f"free text: recall on {scores['texts_with_person']} texts with a person",
               scores["recall"], "%", target_op=">=", target=95,
               note="missed: " + (" | ".join(scores["missed"]) or "none"),
               details={"recall_by_way": scores["recall_by_way"]}),
        Figure("P11b", f"free text: false positives on {scores['clean_texts']} clean texts",
               scores["false_positive_rate"], "%", target_op="<=", target=5,
               note="flagged: " + (" | ".join(scores["false_positives"]) or "none")),
        Figure("P11c", f"receipt of a practices file ({PRACTICES_IN_FILE} nominations, "
                       f"{4 * PRACTICES_IN_FILE} texts), p95", percentile(submit_ms, 95), "ms",
               baseline=percentile(polars_ms, 95), baseline_label="bare polars read p95",
               target_op="<=", target=3000,
               note="screened in the warm sandboxed worker (NER model loaded at warm-up)",
               details={"p50_ms": percentile(submit_ms, 50), "samples": len(submit_ms)}),
    ]
