"""P1 — receipt: an in-process submit of a one-week file, and the validation of a 10-year
backfill file against a bare polars read of the same bytes.

Submits go through :func:`ingestion.submit.submit` exactly as the upload page calls it (warm
sandbox pool, landing with fsync, audit). The backfill's validation is a ``dry_run`` submit:
sandboxed parse, contracts on every row, file rules, history warnings — everything but
keeping the file.
"""

from __future__ import annotations

import io
import statistics

from bench.figures import Figure
from bench.homes import BenchHomes
from bench.timing import percentile, repeat_ms, timed
from data_contracts import calendar
from data_contracts.referential import departements

ONE_WEEK_SUBMITS = 40
BACKFILL_WEEKS = 520
BACKFILL_REPEATS = 5


def _weekly_rows(departement: str, weeks: list[str], seed: int) -> list[dict]:
    rows, stock = [], 40
    for number, week in enumerate(weeks):
        cnapr, local, closed = (seed + number) % 4, (seed + 2 * number) % 3, number % 2
        stock = stock + cnapr + local - closed
        rows.append({"departement": departement, "semaine": week, "signalements_cnapr": cnapr,
                     "signalements_locaux": local, "dont_mineurs": min(1, cnapr),
                     "orientations_judiciaires": 0, "suivis_en_cours": stock, "suivis_clos": closed,
                     "familles_accompagnees": 3, "commentaire": ""})
    return rows


def run(homes: BenchHomes) -> list[Figure]:
    import polars as pl

    from ingestion.demo_files import render
    from ingestion.sandbox import warm_up
    from ingestion.submit import submit

    settings = homes.fresh("receipt")
    warm_up(settings)
    week = calendar.current_week(calendar.now_utc(settings.now))
    codes = list(departements())
    files = [(codes[n % len(codes)], render("weekly", _weekly_rows(codes[n % len(codes)], [week], n), "csv_utf8"))
             for n in range(ONE_WEEK_SUBMITS)]
    submit_ms, polars_ms = [], []
    for departement, content in files:
        elapsed, receipt = timed(lambda: submit("weekly", content, "hebdo.csv", departement, settings=settings))
        if receipt.status not in ("accepted", "duplicate"):
            raise RuntimeError(f"one-week upload refused: {[str(e) for e in receipt.errors][:3]}")
        submit_ms.append(elapsed * 1000)
        polars_ms.append(timed(lambda: pl.read_csv(io.BytesIO(content)))[0] * 1000)

    last = calendar.shift_week(week, -1)
    weeks = [calendar.shift_week(last, -n) for n in range(BACKFILL_WEEKS - 1, -1, -1)]
    backfill = render("weekly", _weekly_rows("75", weeks, 7), "csv_utf8")
    validation_ms = repeat_ms(lambda: submit("weekly", backfill, "historique.csv", "75", dry_run=True,
                                             settings=settings), BACKFILL_REPEATS)
    check = submit("weekly", backfill, "historique.csv", "75", dry_run=True, settings=settings)
    if check.status != "accepted":
        raise RuntimeError(f"backfill refused: {[str(e) for e in check.errors][:3]}")
    read_ms = repeat_ms(lambda: pl.read_csv(io.BytesIO(backfill)), BACKFILL_REPEATS * 4)
    rows = len(weeks)
    return [
        Figure("P1a", "receipt of a one-week file, p95", percentile(submit_ms, 95), "ms",
               baseline=percentile(polars_ms, 95), baseline_label="bare polars read p95",
               target_op="<=", target=200,
               details={"p50_ms": percentile(submit_ms, 50), "samples": len(submit_ms)}),
        Figure("P1b", f"validation of a 10-year backfill ({rows} rows)",
               rows / (statistics.median(validation_ms) / 1000), "rows/s",
               baseline=rows / (statistics.median(read_ms) / 1000), baseline_label="bare polars read",
               target_op=">=", target=0.5, target_on="ratio",
               details={"validation_ms_median": statistics.median(validation_ms),
                        "polars_ms_median": statistics.median(read_ms)}),
    ]
