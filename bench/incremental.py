"""P4 — incremental: after a one-week upload, the build at scale ×100 costs at most twice the
build at real volume (the work follows the change, not the history).

Each round: one département sends this week's report (or a correction of it) through the
real submit path, the loader loads it, then the landing build runs (every dbt node
downstream of the raw tables, as the Dagster landing job builds them; unit tests excluded,
as there). Builds run in this process with dbt already imported, so the figure is the
data-dependent work plus dbt's per-run parse and bookkeeping; the median of the rounds.
"""

from __future__ import annotations

import statistics

from bench.figures import Figure
from bench.homes import LANDING_SELECT, BenchHomes, next_received_at, weekly_upload
from bench.timing import timed
from data_contracts.calendar import current_week, now_utc
from data_contracts.settings import Settings

ROUNDS = 3
#: Départements whose reports the rounds send (corrections when already received).
DEPARTEMENTS = ("75", "13", "69", "33", "59")


def one_week_builds(settings: Settings, rounds: int = ROUNDS, offset: int = 0) -> list[float]:
    from ingestion.loader import ingest_pending
    from ingestion.submit import submit
    from orchestration.warehouse.build import build

    week = current_week(now_utc(settings.now))
    seconds = []
    warm = build(settings, select=LANDING_SELECT, unit_tests=False)  # settles state, imports dbt
    if not warm.success:
        raise RuntimeError(f"landing build failed: {[p.name for p in warm.problems]}")
    for number in range(rounds):
        departement = DEPARTEMENTS[(offset + number) % len(DEPARTEMENTS)]
        receipt = submit("weekly", weekly_upload(departement, week, 1000 + offset + number),
                         f"hebdo_{departement}_{week}.csv", departement, settings=settings,
                         received_at=next_received_at())
        if receipt.status != "accepted":
            raise RuntimeError(f"upload refused: {[str(e) for e in receipt.errors]}")
        ingest_pending(settings)
        elapsed, result = timed(lambda: build(settings, select=LANDING_SELECT, unit_tests=False))
        if not result.success or result.full_refresh_reason:
            raise RuntimeError(f"incremental build failed or was a full refresh: "
                               f"{result.full_refresh_reason} {[p.name for p in result.problems]}")
        seconds.append(elapsed)
    return seconds


def run(homes: BenchHomes) -> list[Figure]:
    real = one_week_builds(homes.real(), offset=0)
    scaled = one_week_builds(homes.scaled(), offset=10)
    return [Figure(
        "P4", "build after a one-week upload, ×100 vs real", statistics.median(scaled), "s",
        baseline=statistics.median(real), baseline_label="same at real volume",
        target_op="<=", target=2, target_on="ratio",
        details={"scaled_seconds": scaled, "real_seconds": real})]
