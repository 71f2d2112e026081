"""P3 — full rebuild: real volume in seconds, and dbt's overhead at scale ×100.

Each bench home's first builds are its full rebuilds (:class:`bench.homes.BenchHomes`). A full
rebuild is what Dagster's rebuild job runs: ``build(full_refresh=True)`` (seeds, every model,
every data test; unit tests check SQL logic, not data, and are left to ``cipd build`` and the
test suite), in a fresh process as a run worker pays it. Its baseline is
:mod:`bench.direct_sql`: the same compiled SQL replayed straight in DuckDB, also in a fresh
process, on a copy of the same warehouse; best of :data:`ROUNDS` alternated rounds each.
"""

from __future__ import annotations

from bench.figures import Figure
from bench.homes import BenchHomes
from bench.subprocess_timing import copy_file, run_module, run_python
from data_contracts.settings import DBT_PROJECT_DIR, Settings

_FULL_BUILD = """
import json
from orchestration.warehouse.build import build
result = build(unit_tests=False, full_refresh=True)
print(json.dumps({"success": result.success, "nodes": len(result.outcomes),
                  "problems": [p.name for p in result.problems]}))
"""


#: Rounds of (dbt, direct) alternated; the best of each is kept. The two sides run minutes
#: apart at ×100, and a shared machine's load changes in between: alternating and keeping the
#: least-disturbed run of each compares the work, not the neighbours.
ROUNDS = 2


def dbt_and_direct(settings: Settings, rounds: int = ROUNDS) -> tuple[float, float, dict]:
    """(dbt full rebuild seconds, same SQL direct in DuckDB seconds, details): best of ``rounds``."""
    dbt_runs, direct_runs, details = [], [], {}
    for _ in range(rounds):
        dbt_seconds, outcome = run_python(_FULL_BUILD, settings)
        if not outcome.get("success"):
            raise RuntimeError(f"full rebuild failed: {outcome}")
        copy = copy_file(settings.warehouse_path, settings.root / "bench_direct_sql.duckdb")
        try:
            direct_seconds, counts = run_module(
                "bench.direct_sql", [str(copy), str(settings.dbt_target_dir), str(DBT_PROJECT_DIR)], settings)
        finally:
            copy.unlink(missing_ok=True)
        dbt_runs.append(dbt_seconds)
        direct_runs.append(direct_seconds)
        details = {"dbt_nodes": outcome["nodes"], "direct_sql": counts}
    return min(dbt_runs), min(direct_runs), {**details, "dbt_seconds": dbt_runs, "direct_seconds": direct_runs}


def run(homes: BenchHomes) -> list[Figure]:
    homes.real(), homes.scaled()  # each home's first build is its timed full rebuild
    real_dbt, real_direct, real_details = homes.full_rebuilds["real"]
    scaled_dbt, scaled_direct, scaled_details = homes.full_rebuilds["scaled"]
    return [
        Figure("P3a", "full rebuild, real volume (12 years)", real_dbt, "s",
               baseline=real_direct, baseline_label="same SQL direct in DuckDB",
               target_op="<=", target=15, details=real_details),
        Figure("P3b", "full rebuild ×100: dbt ÷ same SQL direct", scaled_dbt, "s",
               baseline=scaled_direct, baseline_label="same SQL direct in DuckDB",
               target_op="<=", target=1.6, target_on="ratio", details=scaled_details),
    ]
