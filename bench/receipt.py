"""P1 — receipt: an in-process submit of a one-week file, and the validation of a 10-year
backfill file against a bare polars read of the same bytes.

Submits go through :func:`ingestion.submit.submit` exactly as the upload page calls it (warm
sandbox pool, landing with fsync, audit). The backfill figure (P1b) is what issue 9 names:
its *validation* — the contracts on every row and the file rules
(:func:`ingestion.validate.validate_table`) — on the table the sandbox returned, in-process.
Around it, measured in the same run and reported beside it (P1c, its details): the rest of
the receipt's work on that table (deadlines, history warnings: :func:`ingestion.submit.assess`)
and the whole ``dry_run`` submit, whose sandboxed parse is a round trip to another process.
"""
from __future__ import annotations

import io
import statistics

from bench.figures import Figure
from bench.homes import BenchHomes
from bench.timing import percentile, timed
from data_contracts import calendar
from data_contracts.referential import departements

ONE_WEEK_SUBMITS = 40
BACKFILL_WEEKS = 520
BACKFILL_REPEATS = 15
#: Validations (and polars reads) per repeat: a few milliseconds each, so many are cheap.
VALIDATION_ROUNDS = 4


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

    from demo.files import render
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
    check = submit("weekly", backfill, "historique.csv", "75", dry_run=True, settings=settings)
    if check.status != "accepted":
        raise RuntimeError(f"backfill refused: {[str(e) for e in check.errors][:3]}")
    backfill_ms = _backfill_ms(backfill, settings)
    rows, read_ms = len(weeks), statistics.median(backfill_ms["polars"])
    validation_ms, dry_run_ms = statistics.median(backfill_ms["validation"]), statistics.median(backfill_ms["dry_run"])
    split = {name: round(statistics.median(values), 3) for name, values in backfill_ms.items()}
    return [
        Figure("P1a", "receipt of a one-week file, p95", percentile(submit_ms, 95), "ms",
               baseline=percentile(polars_ms, 95), baseline_label="bare polars read p95",
               target_op="<=", target=200,
               details={"p50_ms": percentile(submit_ms, 50), "samples": len(submit_ms)}),
        Figure("P1b", f"validation of a 10-year backfill ({rows} rows)", rows / (validation_ms / 1000), "rows/s",
               baseline=rows / (read_ms / 1000), baseline_label="bare polars read",
               target_op=">=", target=0.5, target_on="ratio",
               note=("contracts + file rules on the parsed table, in-process; the sandboxed parse, "
                     "deadlines and history warnings are in P1c"),
               details={"validation_ms_median": validation_ms, "polars_ms_median": read_ms,
                        "median_ms": split, "samples": len(backfill_ms["validation"])}),
        Figure("P1c", f"dry-run submit of the same backfill ({rows} rows)", rows / (dry_run_ms / 1000), "rows/s",
               baseline=rows / (read_ms / 1000), baseline_label="bare polars read",
               note=(f"median ms: sandboxed parse {split['sandbox_parse']}, validation {split['validation']}, "
                     f"deadlines + history warnings {split['receipt_rest']}, whole dry run {split['dry_run']}"),
               details={"dry_run_ms_median": dry_run_ms, "median_ms": split}),
    ]


def _backfill_ms(backfill: bytes, settings) -> dict[str, list[float]]:
    """Milliseconds of each stage of the backfill's receipt, the stages and the polars read
    taken in turn within each round (the machine's load then weighs on all alike)."""
    import polars as pl

    from ingestion.receipt import Receipt
    from ingestion.sandbox import parse_file
    from ingestion.submit import assess, submit
    from ingestion.validate import validate_table

    received = calendar.now_utc(settings.now)
    table = parse_file(backfill, "historique.csv", "weekly", settings)
    timings: dict[str, list[float]] = {k: [] for k in (
        "polars", "validation", "receipt_work", "receipt_rest", "sandbox_parse", "dry_run")}
    for _ in range(BACKFILL_REPEATS):
        receipt = Receipt(status="rejected", submission_id="bench", kind="weekly", departement="75",
                          filename="historique.csv", sha256="", size_bytes=len(backfill),
                          received_at=received, dry_run=True)
        for _inner in range(VALIDATION_ROUNDS):
            timings["polars"].append(timed(lambda: pl.read_csv(io.BytesIO(backfill)))[0] * 1000)
            timings["validation"].append(
                timed(lambda: validate_table("weekly", table, "75", now=received))[0] * 1000)
        work = timed(lambda: assess(receipt, table, settings))[0] * 1000
        timings["receipt_work"].append(work)
        timings["receipt_rest"].append(work - statistics.median(timings["validation"]))
        timings["sandbox_parse"].append(
            timed(lambda: parse_file(backfill, "historique.csv", "weekly", settings))[0] * 1000)
        timings["dry_run"].append(timed(lambda: submit(
            "weekly", backfill, "historique.csv", "75", dry_run=True, settings=settings))[0] * 1000)
    return timings
