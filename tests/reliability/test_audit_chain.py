"""The audit journal is a hash chain that ``cipd audit verify`` checks: an edited, inserted,
deleted, reordered or truncated event is found and its line named (exit 1); the untouched
journal passes. Concurrent writers never fork the chain; the actor comes from the code path."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from data_contracts.settings import get_settings
from cli.main import main
from storage import audit
from storage.audit_seal import key_path, seal, verify_all

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def journal(cipd_home):
    """A journal of five events, sealed at its head."""
    settings = get_settings()
    for number in range(5):
        audit.append_events(settings, [audit.new_event("test", actor="test:chain", outcome=f"n{number}")])
    return settings


def _lines(settings) -> list[bytes]:
    return audit.audit_path(settings).read_bytes().splitlines(keepends=True)


def _rewrite(settings, lines: list[bytes]) -> None:
    audit.audit_path(settings).write_bytes(b"".join(lines))


def _verify(capsys) -> tuple[int, str]:
    code = main(["audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_chain_links_each_event_to_the_previous_one(journal):
    events = [json.loads(line) for line in _lines(journal)]
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert events[0]["prev_hash"] == audit.GENESIS_HASH
    for before, line, after in zip(_lines(journal), _lines(journal)[1:], events[1:]):
        assert after["prev_hash"] == audit.line_hash(before.rstrip(b"\n"))
        assert line.rstrip(b"\n") == audit.canonical_line(after)


def test_verify_passes_on_the_untouched_journal(journal, capsys):
    code, out = _verify(capsys)
    assert code == 0 and "intact" in out and "5 événement(s)" in out


def test_verify_names_the_edited_line(journal, capsys):
    lines = _lines(journal)
    lines[1] = lines[1].replace(b'"outcome":"n1"', b'"outcome":"xx"')
    _rewrite(journal, lines)
    code, out = _verify(capsys)
    assert code == 1 and "ligne 2" in out and "modifié" in out


def test_verify_names_an_inserted_line(journal, capsys):
    lines = _lines(journal)
    forged = json.loads(lines[2])
    forged["event_id"], forged["actor"] = "forged", "web:demo-national"
    lines.insert(3, audit.canonical_line(forged) + b"\n")
    _rewrite(journal, lines)
    code, out = _verify(capsys)
    assert code == 1 and "ligne 4" in out and "insérée" in out


def test_verify_names_the_line_after_a_deletion(journal, capsys):
    lines = _lines(journal)
    del lines[2]
    _rewrite(journal, lines)
    code, out = _verify(capsys)
    assert code == 1 and "ligne 3" in out and "supprimé" in out


def test_verify_names_reordered_lines(journal, capsys):
    lines = _lines(journal)
    lines[1], lines[2] = lines[2], lines[1]
    _rewrite(journal, lines)
    code, out = _verify(capsys)
    assert code == 1 and "ligne 2" in out


def test_verify_finds_a_truncation_against_the_last_seal(journal, capsys):
    seal(journal)
    _rewrite(journal, _lines(journal)[:3])
    code, out = _verify(capsys)
    assert code == 1 and "s'arrête à l'événement n° 3" in out and "sceau" in out


def test_verify_finds_a_rewritten_chain_against_the_seal(journal, capsys):
    """A forger who recomputes every hash after an edit still fails the keyed seal."""
    seal(journal)
    events = [json.loads(line) for line in _lines(journal)]
    events[2]["outcome"] = "forged"
    previous, lines = audit.GENESIS_HASH, []
    for event in events:
        event["prev_hash"] = previous
        line = audit.canonical_line(event)
        previous = audit.line_hash(line)
        lines.append(line + b"\n")
    _rewrite(journal, lines)
    code, out = _verify(capsys)
    assert code == 1 and "atteste le sceau" in out


def test_verify_refuses_a_forged_seal(journal, capsys):
    seal(journal)
    path = journal.root / "audit" / "seals.jsonl"
    record = json.loads(path.read_bytes())
    record["seq"] = 2
    path.write_bytes(audit.canonical_line(record) + b"\n")
    code, out = _verify(capsys)
    assert code == 1 and "sceau falsifié" in out


def test_seal_key_is_owner_only_and_outside_the_journal(journal):
    seal(journal)
    key = key_path(journal)
    assert key.stat().st_mode & 0o777 == 0o600 and key.parent.stat().st_mode & 0o777 == 0o700
    assert audit.audit_dir(journal) not in key.parents


def test_seal_refuses_a_tampered_journal(journal, capsys):
    lines = _lines(journal)
    del lines[1]
    _rewrite(journal, lines)
    assert main(["audit", "seal"]) == 1
    assert "NON scellé" in capsys.readouterr().err
    assert not (journal.root / "audit" / "seals.jsonl").exists()


def test_a_torn_tail_is_cut_before_the_next_append(journal):
    with audit.audit_path(journal).open("ab") as handle:
        handle.write(b'{"event_id": "torn", "occu')  # a crash mid-append
    assert verify_all(journal).ok
    audit.append_events(journal, [audit.new_event("test", actor="test:chain", outcome="after")])
    report = verify_all(journal)
    assert report.ok and report.head.seq == 6 and not report.torn_tail


def test_recorded_at_never_goes_backwards_so_backdating_shows(journal, capsys):
    lines = _lines(journal)
    event = json.loads(lines[-1])
    event["recorded_at"] = "2020-01-01T00:00:00.000000Z"
    lines[-1] = audit.canonical_line(event) + b"\n"
    _rewrite(journal, lines)
    code, out = _verify(capsys)
    assert code == 1 and "ligne 5" in out and "antidaté" in out


def _append_many(home: str, count: int) -> None:
    os.environ["CIPD_HOME"] = home
    settings = get_settings()
    for _ in range(count):
        audit.append_events(settings, [audit.new_event("burst", actor="test:writer", outcome="ok")])


def test_concurrent_writers_never_fork_the_chain(cipd_home):
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_append_many, args=(str(cipd_home), 40)) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    report = verify_all(get_settings())
    assert report.ok, report.problem
    assert report.head.seq == 160


def test_cli_actor_is_the_os_user_and_host_and_a_claimed_actor_is_marked(cipd_home, tmp_path):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"departement;semaine\n")
    subprocess.run([sys.executable, "-m", "cli.main", "submit", "weekly", str(path),
                    "--departement", "69", "--actor", "web:demo-national"],
                   cwd=REPO, env={**os.environ, "CIPD_HOME": str(cipd_home)}, capture_output=True)
    event = json.loads(_lines(get_settings())[-1])
    assert event["actor"] == audit.cli_actor() and event["actor"].endswith(f"@{socket.gethostname()}")
    assert (event["actor_claimed"], event["actor_trusted"], event["actor_via"]) == (
        "web:demo-national", False, "--actor")
