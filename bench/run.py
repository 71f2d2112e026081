"""``make bench``: run every benchmark, print the table, write ``bench/results/latest.json``.

Usage: ``python -m bench.run [--only P1,P3] [--profile]``. The warehouses (real volume, ×100) are
prepared once under ``CIPD_HOME/bench`` and shared by the benchmarks that need them; a
benchmark that fails still gets its row (FAIL, with the reason) and the others go on.
Progress and dbt's own output go to stderr; the table alone goes to stdout. ``--profile``
records each benchmark with pyinstrument (``pip install -e '.[bench]'``) into
``bench/results/<target>.profile.txt``: where the seconds go, to decide what to cut.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from bench import (
    api, burst, dashboards, disclosure, free_text, incremental, rebuild, receipt, upload_to_dashboard)
from bench.figures import Figure, failed_figure, render_table, write_json
from bench.homes import BenchHomes

RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"

#: (target id, module, rows it reports if it cannot run: key, label, unit, target…)
BENCHMARKS = (
    ("P1", receipt, [("P1a", "receipt of a one-week file, p95", "ms", "<=", 200, "value"),
                     ("P1b", "validation of a 10-year backfill", "rows/s", ">=", 0.5, "ratio")]),
    ("P6", burst, [("P6a", "101 concurrent submits: last receipt", "s", "<=", 5, "value"),
                   ("P6b", "1,000 uploads in 50 s: all answered after", "s", "<=", 60, "value"),
                   ("P6c", "1,000 uploads in 50 s: receipt p95", "s", "<=", 2, "value")]),
    ("P10", api, [("P10a", "API deposit of a one-week file, p95", "ms", "<=", 250, "value"),
                  ("P10b", "101 concurrent API deposits: last answer", "s", "<=", 5, "value")]),
    ("P11", free_text, [("P11a", "free text: recall on texts with a person", "%", ">=", 95, "value"),
                        ("P11b", "free text: false positives on clean texts", "%", "<=", 5, "value"),
                        ("P11c", "receipt of a practices file (50 nominations), p95", "ms", "<=", 3000,
                         "value")]),
    ("P3", rebuild, [("P3a", "full rebuild, real volume", "s", "<=", 15, "value"),
                     ("P3b", "full rebuild ×100: dbt ÷ same SQL direct", "s", "<=", 1.6, "ratio")]),
    ("P4", incremental, [("P4", "build after a one-week upload, ×100 vs real", "s", "<=", 2, "ratio")]),
    ("P5", dashboards, [("P5a", "page queries ×100, worst p95", "ms", "<=", 100, "value"),
                        ("P5b", "page render ×100, cached", "ms", "<=", 300, "value"),
                        ("P5c", "page render ×100, cold", "ms", "<=", 2000, "value")]),
    ("P9", disclosure, [("P9", "disclosure audit, 119 roles × 52 weeks", "s", "<=", 600, "value")]),
    ("P2", upload_to_dashboard, [("P2a", "upload → dashboard via Dagster, p50", "s", "<=", 15, "value"),
                                 ("P2b", "upload → dashboard via Dagster, p95", "s", "<=", 30, "value")]),
)


@contextlib.contextmanager
def _profiled(target: str, folder: Path, enabled: bool):
    if not enabled:
        yield
        return
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{target}.profile.txt").write_text(
            profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated targets (e.g. P1,P9); default all")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--profile", action="store_true",
                        help="profile each benchmark with pyinstrument (bench/results/<target>.profile.txt)")
    args = parser.parse_args(argv)
    wanted = {t.strip().upper() for t in args.only.split(",") if t.strip()}
    homes = BenchHomes.under_cipd_home()
    figures: list[Figure] = []
    durations: dict[str, float] = {}
    started = time.perf_counter()
    for target, module, fallback in BENCHMARKS:
        if wanted and target not in wanted:
            continue
        print(f"[bench] {target} …", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        try:
            with contextlib.redirect_stdout(sys.stderr), _profiled(target, args.output.parent, args.profile):
                figures += module.run(homes)
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            traceback.print_exc()
            figures += [failed_figure(key, label, unit, exc, target_op=op, target=value, target_on=on)
                        for key, label, unit, op, value, on in fallback]
        durations[target] = round(time.perf_counter() - begun, 1)
        print(f"[bench] {target} done in {durations[target]} s", file=sys.stderr, flush=True)
    table = render_table(figures)
    print(table)
    context = {
        "total_seconds": round(time.perf_counter() - started, 1),
        "benchmark_seconds": durations,
        "preparation_seconds": {k: round(v, 1) for k, v in homes.preparation_seconds.items()},
        "load_average": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    write_json(figures, args.output, context=context)
    print(f"\n{sum(f.passed is True for f in figures)} PASS, {sum(f.passed is False for f in figures)} FAIL "
          f"in {context['total_seconds']} s (load average {context['load_average'][0]:.1f} on "
          f"{context['cpus']} cores) → {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
