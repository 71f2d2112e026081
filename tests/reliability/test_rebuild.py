"""A warehouse that fails its checksums is never patched: ``cipd rebuild`` sets it aside
untouched and recreates the raw tables and marts from the landing zone alone, with the same
content hashes as before; a rebuild that cannot finish leaves the old file in place."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest

from data_contracts.settings import Settings
from cli.main import main
from ingestion.landing import list_landed, list_quarantined
from orchestration.warehouse.rebuild import (
    RebuildError, check_database, check_warehouse, ingest_or_rebuild, rebuild, table_digest,
)
from burst import BASE


#: DuckDB's file layout: three 4 KiB headers, then 256 KiB blocks, each with its checksum.
HEADERS, BLOCK = 3 * 4096, 256 * 1024


def corrupt(path) -> None:
    """Overwrite 4 KiB near the start of every block, past its checksum (bad sectors, a torn
    copy): the blocks in use then fail their checksums."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        for start in range(HEADERS, size, BLOCK):
            handle.seek(start + 64)
            handle.write(b"\xa5" * 4096)


def sha256_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def burst_copy(fast_burst, tmp_path, monkeypatch):
    """A copy of the fast burst's CIPD_HOME (built and published), as the environment's home."""
    home = tmp_path / "home"
    shutil.copytree(fast_burst.home, home, symlinks=True)
    monkeypatch.setenv("CIPD_HOME", str(home))
    monkeypatch.setenv("CIPD_NOW", BASE.isoformat())
    return Settings(home=home, now=BASE)


def test_table_digest_ignores_row_order_and_load_time_but_not_content(tmp_path):
    with duckdb.connect(str(tmp_path / "t.duckdb")) as con:
        con.execute("create table a (k varchar, n integer, loaded_at timestamp)")
        con.execute("insert into a values ('x', 1, now()), ('y', 2, now())")
        con.execute("create table b as select * from a order by k desc")
        con.execute("update b set loaded_at = loaded_at + interval 1 day")
        con.execute("create table c as select * from a union all select * from a where k = 'x'")
        digests = {t: table_digest(con, "main", t) for t in ("a", "b", "c")}
    assert digests["a"] == digests["b"]  # same rows, other order, other load time
    assert digests["c"] != digests["a"]  # a duplicated row changes the hash


def test_a_file_that_is_not_a_database_fails_the_check(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    path.write_bytes(b"not a database" * 1000)
    check = check_database(path)
    assert check.exists and not check.ok and check.problem
    assert check_database(tmp_path / "absent.duckdb").problem == "absent"


def test_corrupt_warehouse_is_set_aside_and_rebuilt_with_identical_marts(burst_copy, capsys):
    settings = burst_copy
    healthy = check_warehouse(settings)
    assert healthy.ok
    before = healthy.mart_hashes()
    assert {"fct_weekly_reports", "fct_submissions", "dim_departement"} <= set(before)
    corrupt(settings.warehouse_path)
    corrupted_sha = sha256_of(settings.warehouse_path)

    assert main(["rebuild", "--check"]) == 1
    assert "Entrepôt illisible" in capsys.readouterr().err

    assert main(["rebuild", "--if-needed"]) == 0
    out = capsys.readouterr().out
    assert "Ancien entrepôt (illisible" in out and "Marts publiés." in out

    after = check_warehouse(settings)
    assert after.ok and after.mart_hashes() == before
    # every receipt of the landing zone and the quarantine is back in raw, once
    landed = {s.submission_id for s in list_landed(settings) + list_quarantined(settings)}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        loaded = [r[0] for r in con.execute("select submission_id from raw.submissions").fetchall()]
    assert sorted(loaded) == sorted(landed)
    # the damaged file is kept as it was (evidence), never patched
    replaced = list(settings.backups_dir.glob("replaced-*.duckdb"))
    assert len(replaced) == 1 and sha256_of(replaced[0]) == corrupted_sha
    # the published marts are the rebuilt ones
    published = check_database(settings.serving_path).mart_hashes()
    assert {t: published[t] for t in before} == before
    assert not (settings.root / "rebuild").exists()  # no staging left behind


def test_healthy_warehouse_is_not_rebuilt_if_not_needed(burst_copy, capsys):
    assert main(["rebuild", "--if-needed"]) == 0
    assert "aucune reconstruction nécessaire" in capsys.readouterr().out
    assert main(["rebuild", "--check"]) == 0


def test_a_rebuild_whose_build_fails_leaves_the_old_warehouse_untouched(burst_copy, monkeypatch):
    from orchestration.warehouse import build as build_module
    from orchestration.warehouse.build import BuildResult, NodeOutcome

    def failing_build(settings, *args, **kwargs):
        problem = NodeOutcome("model.x.y", "model", "fct_weekly_reports", "error", "boom", None, 0.0)
        return BuildResult(False, (problem,), 0.0, settings.dbt_target_dir / "run_results.json")

    monkeypatch.setattr(build_module, "build", failing_build)
    before = sha256_of(burst_copy.warehouse_path)
    with pytest.raises(RebuildError, match="fct_weekly_reports"):
        rebuild(burst_copy)
    assert sha256_of(burst_copy.warehouse_path) == before
    assert not list(burst_copy.backups_dir.glob("replaced-*"))
    assert not (burst_copy.root / "rebuild").exists()


def test_the_writers_load_step_rebuilds_a_warehouse_that_no_longer_opens(burst_copy):
    """What the Dagster landing job runs: no operator needed when the file is damaged."""
    from demo.files import render
    from ingestion.submit import submit
    from valid_rows import WEEKLY

    settings = burst_copy
    corrupt(settings.warehouse_path)
    row = {**WEEKLY, "departement": "2A", "commentaire": "après la panne"}
    receipt = submit("weekly", render("weekly", [row], "csv_utf8"), "hebdo.csv", "2A", settings=settings)
    assert receipt.status == "accepted", receipt.errors

    loaded, rebuilt = ingest_or_rebuild(settings, actor="test")

    assert rebuilt is not None and not rebuilt.previous.ok
    assert loaded.failed == {}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        assert con.execute("select count(*) from raw.submissions where submission_id = ?",
                           [receipt.submission_id]).fetchone()[0] == 1
    assert len(list(settings.backups_dir.glob("replaced-*.duckdb"))) == 1


def test_a_healthy_warehouse_error_is_not_taken_for_damage(burst_copy, monkeypatch):
    from ingestion import loader

    def locked(*args, **kwargs):
        raise duckdb.IOException("Could not set lock on file")

    monkeypatch.setattr(loader, "ingest_pending", locked)
    with pytest.raises(duckdb.IOException):
        ingest_or_rebuild(burst_copy)
    assert not list(burst_copy.backups_dir.glob("replaced-*"))


@pytest.mark.soak
def test_rebuilding_a_healthy_warehouse_reports_identical_marts(burst_copy, capsys):
    from orchestration.warehouse.build import build

    assert main(["rebuild"]) == 0
    out = capsys.readouterr().out
    assert "Marts identiques à ceux d'avant" in out, out
    rebuilt = check_warehouse(burst_copy).mart_hashes()
    # the next regular build carries on incrementally from the rebuilt warehouse, unchanged
    after = build(burst_copy, unit_tests=False)
    assert after.success and after.full_refresh_reason is None
    assert check_warehouse(burst_copy).mart_hashes() == rebuilt
