"""A landing zone on a tiny filesystem that fills up in the middle of a burst: the agents whose
upload could not be kept get a clear French error (nothing acknowledged), the loader never sees
a truncated file, and once space returns, resending loses nothing and duplicates nothing.

The landing zone is a 2 MiB tmpfs mounted over ``CIPD_HOME/landing`` (or a loop-mounted ext4
image); the test is skipped, saying why, where neither can be mounted (not root, no mount)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from data_contracts.referential import departements
from data_contracts.settings import get_settings
from demo.files import render
from ingestion.landing import list_landed
from ingestion.loader import ingest_pending
from ingestion.submit import StorageUnavailable, submit

SIZE = "2m"
#: Room left before the burst: a dozen uploads fit, the rest of the burst does not.
ROOM_BYTES = 200 * 1024


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True)


def _mount_tiny_filesystem(target: Path, image: Path) -> str:
    """Mount a tiny filesystem at ``target``; return how (for the skip reason if both fail)."""
    target.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command: cannot simulate a full landing zone")
    tmpfs = _run("mount", "-t", "tmpfs", "-o", f"size={SIZE}", "tmpfs", str(target))
    if tmpfs.returncode == 0:
        return "tmpfs"
    if shutil.which("mkfs.ext4") and _run("truncate", "-s", SIZE, str(image)).returncode == 0 \
            and _run("mkfs.ext4", "-q", "-F", str(image)).returncode == 0:
        loop = _run("mount", "-o", "loop", str(image), str(target))
        if loop.returncode == 0:
            return "loop"
        pytest.skip(f"cannot mount a tmpfs ({tmpfs.stderr.strip()}) nor a loop device "
                    f"({loop.stderr.strip()}): run as root to test a full disk")
    pytest.skip(f"cannot mount a tmpfs ({tmpfs.stderr.strip()}) and no mkfs.ext4 for a loop "
                "device: run as root to test a full disk")


@pytest.fixture
def tiny_landing(cipd_home, tmp_path):
    settings = get_settings()
    _mount_tiny_filesystem(settings.landing_dir, tmp_path / "landing.img")
    try:
        yield settings
    finally:
        subprocess.run(["umount", "-l", str(settings.landing_dir)], check=False)


def _upload(code: str, version: int) -> bytes:
    row = {"departement": code, "semaine": "2026-W47", "signalements_cnapr": version,
           "signalements_locaux": 1, "dont_mineurs": 0, "orientations_judiciaires": 0,
           "suivis_en_cours": 20, "suivis_clos": 0, "familles_accompagnees": 3,
           "commentaire": f"version {version}"}
    return render("weekly", [row], "csv_excel")


def _send(code: str, settings) -> tuple[str, object]:
    try:
        return code, submit("weekly", _upload(code, 1), f"hebdo_{code}.csv", code, settings=settings)
    except StorageUnavailable as error:
        return code, error


def _assert_every_landed_upload_is_whole(settings) -> set[str]:
    """What the loader can see: receipts whose bytes and rows are complete."""
    ids = set()
    for landed in list_landed(settings):
        receipt = landed.receipt()
        assert landed.path is not None
        assert hashlib.sha256(landed.path.read_bytes()).hexdigest() == receipt.sha256
        assert len(landed.records()) == receipt.rows
        ids.add(landed.submission_id)
    leftovers = [p for p in settings.landing_dir.rglob(".*.tmp")]
    assert leftovers == [], "a partial write was left behind"
    return ids


def test_full_landing_zone_mid_burst_loses_nothing_acknowledged(tiny_landing):
    settings = tiny_landing
    free = shutil.disk_usage(settings.landing_dir).free
    filler = settings.landing_dir / "filler.bin"
    with filler.open("wb") as handle:
        handle.write(b"\0" * max(0, free - ROOM_BYTES))
        handle.flush()
        os.fsync(handle.fileno())

    codes = list(departements())
    with ThreadPoolExecutor(8) as pool:
        answers = dict(pool.map(lambda code: _send(code, settings), codes))
    accepted = {c for c, a in answers.items() if not isinstance(a, Exception) and a.status == "accepted"}
    refused = {c: a for c, a in answers.items() if isinstance(a, StorageUnavailable)}
    assert accepted and refused, "the disk should fill in the middle of the burst"
    assert accepted | set(refused) == set(codes)
    message = str(next(iter(refused.values())))
    assert "espace disque du serveur saturé" in message and "n'est PAS accusé" in message

    landed = _assert_every_landed_upload_is_whole(settings)
    assert {answers[c].submission_id for c in accepted} <= landed
    assert not ingest_pending(settings).failed

    filler.unlink()  # space returns; the agents who were refused send again
    retried = dict(_send(code, settings) for code in sorted(refused))
    assert all(not isinstance(a, Exception) and a.accepted for a in retried.values()), retried
    acknowledged = {a.submission_id if a.status == "accepted" else a.duplicate_of
                    for a in [*(answers[c] for c in accepted), *retried.values()]}
    assert len(acknowledged) == len(codes)  # one submission per département, none twice

    result = ingest_pending(settings)
    assert not result.failed
    assert _assert_every_landed_upload_is_whole(settings) == acknowledged
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        loaded = [r[0] for r in con.execute(
            "select submission_id from raw.submissions where status = 'accepted'").fetchall()]
        rows = con.execute("select count(*) from raw.weekly_reports").fetchone()[0]
    assert sorted(loaded) == sorted(acknowledged) and rows == len(codes)


def test_storage_error_reaches_the_cli_in_french(cipd_home, monkeypatch, tmp_path, capsys):
    """The same error, through ``cipd submit`` (exit 1, message on stderr)."""
    import errno

    from ingestion import landing
    from cli.main import main

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(landing, "land", full)
    path = tmp_path / "hebdo.csv"
    path.write_bytes(_upload("69", 1))
    assert main(["submit", "weekly", str(path), "--departement", "69"]) == 1
    err = capsys.readouterr().err
    assert "espace disque du serveur saturé" in err and "Déposez à nouveau" in err
    assert list_landed(get_settings()) == []


# --- Cut points: acknowledgement and audit commit together -------------------------------------
#: Every durable step of an accepted upload, in the order ``submit`` takes them.
CUT_TARGETS = (("ingestion.landing", "write_once"), ("ingestion.landing", "write_atomic"),
               ("storage.audit", "append_durably"), ("ingestion.landing", "_promote"))


class _Cut:
    """Counts the durable steps and, at step ``at``, fails with ENOSPC or kills the process."""

    def __init__(self, monkeypatch, at: int | None = None, kill: bool = False):
        import errno
        import importlib

        self.steps: list[str] = []
        for module_name, name in CUT_TARGETS:
            module = importlib.import_module(module_name)
            real = getattr(module, name)

            def step(*args, _real=real, _name=name, **kwargs):
                self.steps.append(_name)
                if at is not None and len(self.steps) == at:
                    if kill:
                        os._exit(137)  # SIGKILL-like: no cleanup, no answer
                    raise OSError(errno.ENOSPC, "No space left on device")
                return _real(*args, **kwargs)

            monkeypatch.setattr(module, name, step)


@pytest.fixture
def parsed_once(monkeypatch):
    """Each distinct upload parsed once in the sandbox, then reused: the cut points under test
    are the durable steps after parsing, and a forked child must not use the parent's pool."""
    from ingestion import submit as submit_module

    real, cache = submit_module.parse_file, {}

    def parse_file(content, filename, kind, settings=None):
        if (content, kind) not in cache:
            cache[(content, kind)] = real(content, filename, kind, settings)
        return cache[(content, kind)]

    monkeypatch.setattr(submit_module, "parse_file", parse_file)
    parse_file(_upload("13", 1), "hebdo_13.csv", "weekly")


def _submit_outcomes(settings) -> dict[str, str]:
    from storage.audit import read_events

    last: dict[str, str] = {}
    for event in read_events(settings)[0]:
        if event["action"] == "submit":
            last[event["submission_id"]] = event["outcome"]
    return last


def _loaded_and_audited(settings) -> tuple[list[str], set[str]]:
    ingest_pending(settings)  # runs the recovery step first
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        loaded = [r[0] for r in con.execute(
            "select submission_id from raw.submissions where status = 'accepted'").fetchall()]
    accepted = {sid for sid, outcome in _submit_outcomes(settings).items() if outcome == "accepted"}
    return loaded, accepted


def _count_steps(monkeypatch, settings) -> list[str]:
    with monkeypatch.context() as patch:
        cut = _Cut(patch)
        submit("weekly", _upload("69", 9), "probe.csv", "69", settings=settings)
    return cut.steps


def _check_after_cut(settings, answer) -> None:
    """Either acknowledged + audited + loaded once, or not acknowledged and nothing landed;
    then a retry is never « déjà reçu » without an accepted event, and ends loaded once."""
    loaded, accepted = _loaded_and_audited(settings)
    assert loaded == sorted(accepted) and len(loaded) <= 1, (loaded, accepted)
    if isinstance(answer, StorageUnavailable):
        assert loaded == [] and list_landed(settings) == []
    retry = submit("weekly", _upload("13", 1), "hebdo_13.csv", "13", settings=settings)
    assert retry.accepted
    if retry.status == "duplicate":
        assert retry.duplicate_of in accepted
    loaded, accepted = _loaded_and_audited(settings)
    assert len(loaded) == 1 and set(loaded) == accepted
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw.weekly_reports").fetchone()[0] == 1


def test_every_cut_point_either_acknowledges_and_audits_or_keeps_nothing(cipd_home, monkeypatch,
                                                                        parsed_once):
    steps = _count_steps(monkeypatch, get_settings())
    assert steps.count("append_durably") == 1 and steps[-1] == "_promote"
    for at in range(1, len(steps) + 1):
        home = cipd_home.parent / f"cut-{at}"
        monkeypatch.setenv("CIPD_HOME", str(home))
        settings = get_settings()
        with monkeypatch.context() as patch:
            _Cut(patch, at=at)
            try:
                answer = submit("weekly", _upload("13", 1), "hebdo_13.csv", "13", settings=settings)
            except StorageUnavailable as error:
                answer = error
        assert isinstance(answer, StorageUnavailable), f"cut {at} ({steps[at - 1]}) was acknowledged"
        _check_after_cut(settings, answer)


def _submit_then_die(home: str, at: int, table) -> None:
    """In a spawned child (polars' thread pool does not survive a fork): the parse result comes
    from the parent, the durable steps are real, and step ``at`` kills the process."""
    from ingestion import submit as submit_module

    os.environ["CIPD_HOME"] = home
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(submit_module, "parse_file", lambda *args, **kwargs: table)
        _Cut(patch, at=at, kill=True)
        submit("weekly", _upload("13", 1), "hebdo_13.csv", "13", settings=get_settings())


def test_a_kill_at_every_cut_point_is_completed_or_rolled_back_on_recovery(cipd_home, monkeypatch,
                                                                          parsed_once):
    import multiprocessing

    from ingestion import submit as submit_module

    steps = _count_steps(monkeypatch, get_settings())
    table = submit_module.parse_file(_upload("13", 1), "hebdo_13.csv", "weekly")
    spawn = multiprocessing.get_context("spawn")
    for at in range(1, len(steps) + 2):  # the last one: not killed, answered
        home = cipd_home.parent / f"kill-{at}"
        monkeypatch.setenv("CIPD_HOME", str(home))
        child = spawn.Process(target=_submit_then_die, args=(str(home), at, table))
        child.start()
        child.join(60)
        assert child.exitcode == (137 if at <= len(steps) else 0), at
        _check_after_cut(get_settings(), None)
