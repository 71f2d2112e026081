"""The warehouses the benchmarks run against, prepared once per ``make bench`` run.

``real``: the demo's full history (2014-W49 → now, 101 départements) submitted and loaded
through the real path, built and published. ``scaled``: a copy of it multiplied by
:data:`SCALE` with ``cipd demo --scale``'s synthetic twins, built and published. Both live
under ``CIPD_HOME/bench`` and use the tests' frozen clock (Thursday 2026-11-26 10:00 Paris,
before the week's deadline, when some cells have not reported yet), so every run measures
the same data.
"""

from __future__ import annotations

import itertools
import shutil
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from data_contracts.settings import Settings, get_settings

BENCH_NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
SCALE = 100
#: What the landing job builds (orchestration.defs.jobs): every dbt node downstream of the raw
#: tables, and the models that embed the build's clock; not the seeds.
LANDING_SELECT = "source:raw+ int_weekly_deadlines dim_week dim_month"


@dataclass
class BenchHomes:
    root: Path
    preparation_seconds: dict[str, float] = field(default_factory=dict)
    #: home → (dbt full rebuild s, same SQL direct s, details): P3 reads the first builds.
    full_rebuilds: dict[str, tuple[float, float, dict]] = field(default_factory=dict)
    _ready: set[str] = field(default_factory=set)

    @classmethod
    def under_cipd_home(cls) -> "BenchHomes":
        return cls(get_settings().root / "bench")

    def settings(self, name: str) -> Settings:
        return Settings(home=self.root / name, now=BENCH_NOW)

    def fresh(self, name: str) -> Settings:
        """An empty home (a previous run's is removed)."""
        settings = self.settings(name)
        shutil.rmtree(settings.root, ignore_errors=True)
        settings.root.mkdir(parents=True)
        return settings

    def real(self) -> Settings:
        """The real-volume warehouse: demo history loaded through submit and the loader."""
        if "real" not in self._ready:
            from demo.generator import generate, load

            settings = self.fresh("real")
            started = time.perf_counter()
            plan = generate(weeks=12, settings=settings)
            summary = load(plan, settings)
            if summary.rejected or summary.load_failures:
                raise RuntimeError(f"demo load failed: {summary.rejected[:3]} {summary.load_failures}")
            self.preparation_seconds["real_demo_load"] = time.perf_counter() - started
            self._build_and_publish(settings, "real")
            self._ready.add("real")
        return self.settings("real")

    def scaled(self) -> Settings:
        """A copy of the real warehouse ×SCALE (synthetic twins straight into raw)."""
        if "scaled" not in self._ready:
            from demo.scale import scale_warehouse

            source = self.real()
            settings = self.settings("scaled")
            shutil.rmtree(settings.root, ignore_errors=True)
            shutil.copytree(source.root, settings.root, ignore=shutil.ignore_patterns("demo", "dagster"))
            started = time.perf_counter()
            scale_warehouse(SCALE, settings)
            self.preparation_seconds["scaled_raw_insert"] = time.perf_counter() - started
            self._build_and_publish(settings, "scaled")
            self._ready.add("scaled")
        return self.settings("scaled")

    def _build_and_publish(self, settings: Settings, name: str) -> None:
        """The first build of a home is a full rebuild: timed (with its direct-SQL baseline)
        for P3 rather than run twice."""
        from bench.rebuild import dbt_and_direct
        from orchestration.warehouse.publish import publish

        started = time.perf_counter()
        self.full_rebuilds[name] = dbt_and_direct(settings)
        publish(settings)
        self.preparation_seconds[f"{name}_first_build_publish"] = time.perf_counter() - started


_receptions = itertools.count(1)


def next_received_at() -> datetime:
    """A reception instant after every earlier one of this run. The clock is frozen, and
    "latest version wins" orders versions by reception: uploads sent within one frozen
    instant would tie, and the winner of a tie is arbitrary (though stable)."""
    return BENCH_NOW + timedelta(milliseconds=next(_receptions))


def weekly_upload(departement: str, week: str, version: int) -> bytes:
    """One département's one-week report (CSV UTF-8), different bytes for each ``version``."""
    from demo.files import render

    row = {"departement": departement, "semaine": week, "signalements_cnapr": 2 + version % 3,
           "signalements_locaux": 1, "dont_mineurs": 1, "orientations_judiciaires": 0,
           "suivis_en_cours": 30 + version, "suivis_clos": 1, "familles_accompagnees": 4,
           "commentaire": f"banc d'essai {version}"}
    return render("weekly", [row], "csv_utf8")
