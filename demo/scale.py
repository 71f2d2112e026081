"""``cipd demo --scale N``: the demo's real volume multiplied by N, for benchmarks only.

Why synthetic reporting units rather than more history: the hub's costs grow with the number
of (reporting unit, period) rows, and a history longer than the programme would be absurd. So
each of the 101 départements gets ``N - 1`` synthetic twins (``01-002`` … ``01-100``) that
report exactly what the real département reported, in the same periods, at the same times.

Why straight into the raw tables: submitting ×100 files through the sandbox would take hours
and measure nothing new (the submit path is benchmarked on its own). The copies are made by
one ``insert … select`` per raw table inside DuckDB, under the warehouse lock, in one
transaction, after the real demo has been submitted and loaded through the real path.

Clearly labelled: every synthetic receipt has the actor ``benchmark:scale`` and a file name
starting ``SYNTHETIQUE_xN_``; ``CIPD_HOME/benchmark_scale.json`` records the scale so that
``orchestration.warehouse.build`` passes it to dbt (var ``benchmark_units_per_departement``), which adds
the twins to the département dimension and the expected grids. Never use it on real data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from data_contracts.raw_schema import LINEAGE_COLUMNS, RAW_TABLES, contract_columns
from data_contracts.settings import Settings, get_settings
from storage.lock import warehouse_lock
from ingestion.raw_tables import SUBMISSIONS_COLUMNS, connect_warehouse

SYNTHETIC_ACTOR = "benchmark:scale"
MAX_SCALE = 999


@dataclass(frozen=True)
class ScaleResult:
    scale: int
    rows_added: dict[str, int]
    submissions_added: int


def unit_code(departement: str, unit: int) -> str:
    """The code of a département's ``unit``-th synthetic twin (unit 1 is the real one)."""
    return f"{departement}-{unit:03d}"


def _copy_sql(table: str, columns: list[str], scale: int, extra: dict[str, str]) -> str:
    """``insert … select`` copying the real rows once per synthetic unit (2..scale)."""
    unit = "lpad(cast(units.unit as varchar), 3, '0')"
    replaced = {
        "submission_id": f"source.submission_id || '-u' || {unit}",
        "departement": f"source.departement || '-' || {unit}",
        **extra,
    }
    select = ", ".join(replaced.get(c, f"source.{c}") for c in columns)
    return (f"insert into raw.{table} ({', '.join(columns)}) "
            f"select {select} from raw.{table} as source "
            f"cross join generate_series(2, {int(scale)}) as units(unit) "
            f"where source.submission_id in (select submission_id from raw.submissions "
            f"where actor is distinct from '{SYNTHETIC_ACTOR}')")


def scale_warehouse(scale: int, settings: Settings | None = None) -> ScaleResult:
    """Add ``scale - 1`` synthetic twins of every département's loaded reports (raw rows and
    receipts) and record the scale. Refuses a warehouse that was already scaled."""
    settings = settings or get_settings()
    if not 2 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be between 2 and {MAX_SCALE}, not {scale}")
    loaded_at = datetime.now(timezone.utc).replace(tzinfo=None)
    rows_added: dict[str, int] = {}
    with warehouse_lock(settings), connect_warehouse(settings.warehouse_path) as con:
        con.execute("set enable_progress_bar = false")
        already = con.execute("select count(*) from raw.submissions where actor = ?",
                              [SYNTHETIC_ACTOR]).fetchone()[0]
        if already:
            raise ValueError(f"the warehouse {settings.warehouse_path} is already scaled")
        con.execute("begin transaction")
        try:
            for kind, table in RAW_TABLES.items():
                columns = [*LINEAGE_COLUMNS, *contract_columns(kind)]
                rows_added[kind] = con.execute(_copy_sql(table, columns, scale, {})).fetchone()[0]
            submissions = con.execute(_copy_sql("submissions", list(SUBMISSIONS_COLUMNS), scale, {
                "filename": f"'SYNTHETIQUE_x{int(scale)}_' || source.filename",
                "actor": f"'{SYNTHETIC_ACTOR}'",
                "loaded_at": "cast(? as timestamp)",
                "duplicate_of": "null",
            }), [loaded_at]).fetchone()[0]
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        con.execute("checkpoint")
    settings.benchmark_scale_path.write_text(json.dumps({"scale": scale}), encoding="utf-8")
    return ScaleResult(scale=scale, rows_added=rows_added, submissions_added=int(submissions))
