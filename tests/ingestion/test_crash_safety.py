"""A loader killed (SIGKILL) at random points of a 200-file backlog, then rerun: each
submission is in raw exactly once, and no partial submission is ever visible."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from data_contracts.calendar import iter_weeks
from data_contracts.referential import departements
from data_contracts.settings import Settings
from ingestion.landing import list_landed
from ingestion_helpers import to_csv, weekly

BACKLOG = 200
# The loader announces each committed batch on stdout, so the test can kill it after a random
# number of batches (a wall-clock delay lands before or after the whole backlog on a fast or a
# loaded machine) and then a random few milliseconds later: between or inside transactions.
_LOADER = """
import sys
from ingestion import loader
_load_batch = loader._load_batch
def announced(*args, **kwargs):
    rows = _load_batch(*args, **kwargs)
    print("batch", flush=True)
    return rows
loader._load_batch = announced
loader.ingest_pending(batch_size={batch})
"""


@pytest.fixture(scope="module")
def backlog(tmp_path_factory):
    """200 accepted submissions (1 to 3 weeks each) landed once, copied for each test."""
    from ingestion.submit import submit

    home = tmp_path_factory.mktemp("backlog") / "cipd_home"
    settings = Settings(home=home, now=datetime(2026, 11, 26, 9, tzinfo=timezone.utc))
    codes = list(departements())
    weeks = list(iter_weeks("2026-W01", "2026-W47"))
    start = datetime(2026, 3, 5, 9, tzinfo=timezone.utc)  # after every week sent

    def send(i):
        dep, first = codes[i % len(codes)], (i // len(codes)) * 3
        rows = [weekly(departement=dep, semaine=weeks[first + k], commentaire=f"lot {i}")
                for k in range(1 + i % 3)]
        at = start + timedelta(hours=i)
        return submit("weekly", to_csv(rows), f"{i}.csv", dep, received_at=at, settings=settings)

    with ThreadPoolExecutor(4) as pool:
        receipts = list(pool.map(send, range(BACKLOG)))
    assert all(r.status == "accepted" for r in receipts)
    return home


def _check_no_partial_submission(settings: Settings) -> set[str]:
    """Invariants visible to any reader after a crash; returns the loaded submission ids."""
    if not settings.warehouse_path.exists():
        return set()
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        if not con.execute("select count(*) from information_schema.tables "
                           "where table_schema = 'raw' and table_name = 'submissions'").fetchone()[0]:
            return set()
        mismatched = con.execute("""
            select s.submission_id, s.row_count, count(w.submission_id)
            from raw.submissions s left join raw.weekly_reports w using (submission_id)
            group by all having s.row_count <> count(w.submission_id)""").fetchall()
        orphans = con.execute("""
            select count(*) from raw.weekly_reports
            where submission_id not in (select submission_id from raw.submissions)""").fetchone()[0]
        duplicated = con.execute("""
            select count(*) from (select submission_id, source_row from raw.weekly_reports
                                  group by all having count(*) > 1)""").fetchone()[0]
        ids = {r[0] for r in con.execute("select submission_id from raw.submissions").fetchall()}
    assert mismatched == [] and orphans == 0 and duplicated == 0
    return ids


def _kill_and_rerun(home, seed: int, kills: int) -> list[int]:
    """Returns how many submissions were loaded right after each kill."""
    rng = random.Random(seed)
    settings = Settings(home=home)
    env = {**os.environ, "CIPD_HOME": str(home)}
    after_kills = []
    for _ in range(kills):
        batch = rng.choice([1, 1, 5, 25])
        loader = subprocess.Popen([sys.executable, "-c", _LOADER.format(batch=batch)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for _ in range(rng.randint(1, 3)):
            if not loader.stdout.readline():
                break  # the loader finished (nothing left to load)
        time.sleep(rng.uniform(0, 0.02))
        killed = loader.poll() is None
        if killed:
            loader.send_signal(signal.SIGKILL)
        loader.wait()
        loader.stdout.close()
        loaded = _check_no_partial_submission(settings)
        if killed:
            after_kills.append(len(loaded))
    final = subprocess.run([sys.executable, "-c", _LOADER.format(batch=50)], env=env, timeout=600)
    assert final.returncode == 0
    loaded = _check_no_partial_submission(settings)
    assert loaded == {s.submission_id for s in list_landed(settings)}
    assert len(loaded) == BACKLOG
    return after_kills


def test_sigkilled_loader_then_rerun_loads_each_submission_once(backlog, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(backlog, home)
    after_kills = _kill_and_rerun(home, seed=20261126, kills=3)
    assert any(0 < n < BACKLOG for n in after_kills)  # a kill really landed mid-backlog


@pytest.mark.soak
@pytest.mark.parametrize("seed", range(10))
def test_sigkill_soak(backlog, tmp_path, seed):
    home = tmp_path / "home"
    shutil.copytree(backlog, home)
    _kill_and_rerun(home, seed=seed, kills=15)
