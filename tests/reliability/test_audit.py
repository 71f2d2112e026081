"""The audit trail is append-only and complete: every upload (accepted, duplicate, rejected),
sign-in (successful or not), sign-out and export is recorded; the journal file is only ever
opened to append or to read; ``raw.audit_log`` only ever receives inserts, and no code of the
hub updates, deletes or rewrites its rows."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from accounts import users
from data_contracts.settings import get_settings
from demo.files import render
from ingestion.loader import ingest_pending
from ingestion.submit import submit
from storage import audit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboards"))
from dashboard_app import APP, APP_TIMEOUT  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
CODE_DIRS = ("data_contracts", "ingestion", "orchestration", "dashboards", "dbt_project", "bench")
#: Any statement that could change or remove rows of the audit table.
MUTATIONS = re.compile(
    r"(update\s+(\w+\.)?audit_log\b|delete\s+from\s+(\w+\.)?audit_log\b|truncate\s+(table\s+)?(\w+\.)?audit_log\b"
    r"|drop\s+table\s+(if\s+exists\s+)?(\w+\.)?audit_log\b|alter\s+table\s+(\w+\.)?audit_log\b"
    r"|(insert\s+or\s+replace|replace)\s+into\s+(\w+\.)?audit_log\b"
    r"|create\s+or\s+replace\s+table\s+(\w+\.)?audit_log\b)", re.IGNORECASE)


def weekly(departement: str, cnapr: int = 2) -> bytes:
    row = {"departement": departement, "semaine": "2026-W47", "signalements_cnapr": cnapr,
           "signalements_locaux": 1, "dont_mineurs": 0, "orientations_judiciaires": 0,
           "suivis_en_cours": 30, "suivis_clos": 1, "familles_accompagnees": 4}
    return render("weekly", [row], "csv_excel")


def test_no_code_path_updates_or_deletes_audit_rows():
    found = []
    for folder in CODE_DIRS:
        for path in (REPO / folder).rglob("*"):
            if path.suffix in (".py", ".sql", ".yml", ".j2") and path.is_file():
                for match in MUTATIONS.finditer(path.read_text(encoding="utf-8", errors="replace")):
                    found.append(f"{path.relative_to(REPO)}: {match.group(0)}")
    assert found == []
    # and no dbt model may take the table's name (dbt would replace it)
    assert not list((REPO / "dbt_project").rglob("audit_log.sql"))


def test_the_pattern_does_catch_mutations():
    for statement in ("UPDATE raw.audit_log SET outcome = 'x'", "delete from audit_log where 1",
                      "truncate raw.audit_log", "DROP TABLE IF EXISTS raw.audit_log",
                      "create or replace table raw.audit_log as select 1"):
        assert MUTATIONS.search(statement), statement


@pytest.fixture
def journal_opens(monkeypatch):
    """Every open of the audit journal during the test: ('os', flags) or ('io', mode)."""
    opened: list[tuple[str, object]] = []
    real_os_open, real_io_open = os.open, io.open

    def is_journal(path) -> bool:
        return str(path).endswith(os.path.join("audit", "events.jsonl"))

    def os_open(path, flags, *args, **kwargs):
        if is_journal(path):
            opened.append(("os", flags))
        return real_os_open(path, flags, *args, **kwargs)

    def io_open(file, mode="r", *args, **kwargs):
        if is_journal(file):
            opened.append(("io", mode))
        return real_io_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(io, "open", io_open)
    return opened


def sign_in(login: str, password: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT).run()
    at.text_input[0].input(login)
    at.text_input[1].input(password)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_every_upload_sign_in_and_sign_out_is_recorded_append_only(
        cipd_home, journal_opens, no_component_scan):
    settings = get_settings()
    accepted = submit("weekly", weekly("69"), "hebdo.csv", "69", actor="agent69", settings=settings)
    duplicate = submit("weekly", weekly("69"), "hebdo.csv", "69", actor="agent69", settings=settings)
    rejected = submit("weekly", weekly("13"), "hebdo.csv", "69", actor="agent69", settings=settings)
    assert [r.status for r in (accepted, duplicate, rejected)] == ["accepted", "duplicate", "rejected"]

    password = {login: pw for login, pw, _ in users.ensure_demo_users(settings)}["demo-departement"]
    refused = sign_in("demo-departement", "mauvais mot de passe")
    assert refused.error
    welcomed = sign_in("demo-departement", password)
    welcomed.sidebar.button[0].click().run()  # « Se déconnecter »

    events, _ = audit.read_events(settings)
    submits = {e["submission_id"]: e["outcome"] for e in events if e["action"] == "submit"}
    assert submits == {accepted.submission_id: "accepted", duplicate.submission_id: "duplicate",
                       rejected.submission_id: "rejected"}
    sessions = [(e["action"], e["actor"], e["outcome"]) for e in events if e["action"] != "submit"]
    assert sessions == [("sign_in", "web:demo-departement", "failure"),
                        ("sign_in", "web:demo-departement", "success"),
                        ("sign_out", "web:demo-departement", "success")]

    # the journal: opened to append (never truncated) or to read, nothing else
    assert journal_opens
    for how, flags in journal_opens:
        if how == "os":
            assert flags & os.O_APPEND and not flags & os.O_TRUNC, flags
        else:
            assert flags in ("r", "rb"), flags

    # raw.audit_log only grows: earlier rows stay exactly as they were
    ingest_pending(settings)
    before = _audit_rows(settings)
    assert {e["event_id"] for e in events} <= {row[0] for row in before}
    submit("weekly", weekly("69", cnapr=3), "hebdo-corrige.csv", "69", actor="agent69", settings=settings)
    ingest_pending(settings)
    after = _audit_rows(settings)
    assert set(before) < set(after)


def _audit_rows(settings) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return con.execute("select * from raw.audit_log").fetchall()
