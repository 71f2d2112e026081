"""``cipd demo`` end to end: generate, submit through the one path, load into raw."""

from __future__ import annotations

import json

import duckdb

from data_contracts.settings import get_settings
from cli.main import main
from demo.truth import TRUTH_FILE, read_truth


def test_cipd_demo_submits_and_loads_every_file(cipd_home, capsys):
    assert main(["demo", "--weeks", "1", "--no-history", "--seed", "5", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    settings = get_settings()
    plan = read_truth(settings.root / "demo" / TRUTH_FILE)
    assert summary["accepted"] == summary["files"] == len(plan.submissions) > 60
    assert summary["rejected"] == [] and summary["load_failures"] == {}

    received = sum(r.version_count for r in plan.weekly.values())
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        weekly_rows = con.execute("select count(*) from raw.weekly_reports").fetchone()[0]
        statuses = con.execute("select status, count(*) from raw.submissions group by all").fetchall()
        late = con.execute("select count(*) from raw.submissions where kind = 'weekly' "
                           "and not is_on_time").fetchone()[0]
    assert weekly_rows == received
    assert statuses == [("accepted", len(plan.submissions))]
    assert late == 0, "this week's deadline has not passed yet: nothing is late"


def test_cipd_demo_without_load_only_writes_files(cipd_home, tmp_path, capsys):
    out = tmp_path / "files_only"
    assert main(["demo", "--weeks", "1", "--no-history", "--no-load", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Démo générée" in printed and str(out) in printed
    assert (out / TRUTH_FILE).exists()
    assert not get_settings().warehouse_path.exists()
