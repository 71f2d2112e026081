"""Free-text screening on the submit path: inside the sandboxed worker, under its limits and
the per-file budget, never in the server process."""

from __future__ import annotations

import resource
import time

from data_contracts import free_text
from data_contracts.settings import get_settings
from ingestion.sandbox import parse_file, pool_for
from ingestion.submit import submit
from ingestion.validate import validate_table
from ingestion_helpers import PRACTICE, WEEKLY, to_csv

PERSON = "Le jeune Karim B., 16 ans, suivi avec sa mère rue des Lilas"


def test_a_practice_carrying_a_person_is_rejected_with_row_column_and_masked_span(settings):
    rows = [PRACTICE, dict(PRACTICE, titre="Atelier parents", description=PERSON)]
    receipt = submit("practices", to_csv(rows), "pratiques.csv", "971", settings=settings)
    assert receipt.status == "rejected"
    (error,) = receipt.errors
    assert (error.row, error.column, error.code) == (2, "description", "personal_data")
    assert "K**** B." in str(error) and "Karim" not in str(error) and "Karim" not in error.value


def test_the_worker_screens_and_the_server_does_not_screen_again(settings, monkeypatch):
    table = parse_file(to_csv([dict(PRACTICE, resultats=PERSON)]), "p.csv", "practices", settings)
    assert table.free_text_screened and [e.code for e in table.errors] == ["personal_data"]

    def forbidden(_text):
        raise AssertionError("free text screened in the server process")

    monkeypatch.setattr(free_text, "find_personal_data", forbidden)
    clean = parse_file(to_csv([PRACTICE]), "p.csv", "practices", settings)
    assert validate_table("practices", clean, "971").errors == []


def test_sandbox_workers_are_limited_to_one_thread_for_numeric_libraries(settings):
    parse_file(to_csv([PRACTICE]), "p.csv", "practices", settings)
    worker = pool_for(settings)._idle.queue[-1]
    environ = open(f"/proc/{worker.process.pid}/environ", "rb").read().split(b"\0")
    assert b"OMP_NUM_THREADS=1" in environ and b"OPENBLAS_NUM_THREADS=1" in environ


def _heavy_practices_file(target_bytes: int) -> bytes:
    """A practices file of distinct, clean, maximal-length descriptions (~4.9 MB)."""
    words = ("atelier", "collège", "parents", "cellule", "médiation", "formation", "quartier",
             "partenaires", "éducateurs", "prévention", "citoyenneté", "familles")
    rows, size, number = [], 0, 0
    while size < target_bytes:
        text = " ".join(words[(number * 7 + i * (number % 5 + 1)) % len(words)] for i in range(260))[:1990]
        row = dict(PRACTICE, titre=f"Pratique {number}", description=f"{number} {text}")
        rows.append(row)
        size += len(row["description"].encode()) + 120
        number += 1
    return to_csv(rows)


def test_a_practices_file_over_the_free_text_budget_is_refused_without_server_cpu(cipd_home, monkeypatch):
    monkeypatch.setenv("CIPD_FREE_TEXT_BUDGET_SECONDS", "1")
    settings = get_settings()
    content = _heavy_practices_file(4_900_000)
    assert len(content) > 4_800_000
    started, cpu = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
    receipt = submit("practices", content, "pratiques.csv", "971", dry_run=True, settings=settings)
    used = resource.getrusage(resource.RUSAGE_SELF)
    assert [e.code for e in receipt.errors] == ["free_text_timeout"]
    assert "Contrôle des textes libres interrompu après 1 s" in receipt.errors[0].message
    assert time.monotonic() - started < 30  # budget + parse (+ a first model load), not minutes
    assert (used.ru_utime + used.ru_stime) - (cpu.ru_utime + cpu.ru_stime) < 2.0  # the worker's CPU, not ours


def _has_loaded_spacy(pid: int) -> bool:
    return "/spacy/" in open(f"/proc/{pid}/maps").read()


def test_the_ner_model_is_loaded_only_by_the_first_file_whose_text_needs_it(cipd_home, monkeypatch):
    monkeypatch.setenv("CIPD_PARSE_MEMORY_BYTES", str(1024 * 1024 * 1024 + 4096))  # a pool of its own
    settings = get_settings()
    weekly_without_comment = to_csv([dict(WEEKLY, commentaire="")])
    assert parse_file(weekly_without_comment, "w.csv", "weekly", settings).ok
    (worker,) = pool_for(settings)._idle.queue
    assert not _has_loaded_spacy(worker.process.pid)
    with_a_place = dict(PRACTICE, description="Ateliers avec la mission locale de Pointe-à-Pitre.")
    assert parse_file(to_csv([with_a_place]), "p.csv", "practices", settings).ok
    assert _has_loaded_spacy(worker.process.pid) and pool_for(settings)._idle.queue == [worker]
