"""Row-for-row comparison of the same query on DuckDB and PostgreSQL: sorted rows, numbers
within a tolerance, so a silent 0.0 (integer division) or a dropped row cannot pass."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from data_contracts.settings import Settings
from storage.engine import connect

#: Wall-clock instants of each warehouse's own load (the two engines load minutes apart).
IGNORED_COLUMNS = frozenset({"loaded_at"})

#: Relative tolerance for numbers: float sums may differ in their last bits between engines.
TOLERANCE = 1e-9


def _normal(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool) or value is None or isinstance(value, (str, datetime, date)):
        return value
    if isinstance(value, int):
        return float(value)
    return value


def duckdb_result(path, sql: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(path), read_only=True) as connection:
        cursor = connection.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()


def postgres_result(settings: Settings, sql: str, role: str = "owner") -> tuple[list[str], list[tuple]]:
    connection = connect(settings, role)
    try:
        with connection.cursor() as cur:
            cur.execute(sql)
            return [d[0] for d in cur.description], cur.fetchall()
    finally:
        connection.close()


def _without_ignored(result: tuple[list[str], list[tuple]]) -> tuple[list[str], list[tuple]]:
    columns, rows = result
    kept = [i for i, name in enumerate(columns) if name not in IGNORED_COLUMNS]
    return [columns[i] for i in kept], [tuple(row[i] for i in kept) for row in rows]


def _frame(columns: list[str], rows: list[tuple]) -> Any:
    """The rows as a polars frame, numbers as floats, sorted on every column (floats rounded
    for the order only, so last-bit differences cannot reorder rows)."""
    import polars as pl

    frame = pl.DataFrame([tuple(_normal(v) for v in row) for row in rows], schema=columns,
                         orient="row", infer_schema_length=None)
    keys = [pl.col(name).round(6) if frame.schema[name].is_float() else pl.col(name) for name in columns]
    return frame.sort(keys, nulls_last=True) if columns else frame


def differences(expected: tuple[list[str], list[tuple]], actual: tuple[list[str], list[tuple]]) -> list[str]:
    """What differs between two results (columns, row count, the first differing values)."""
    import polars.testing

    expected, actual = _without_ignored(expected), _without_ignored(actual)
    (expected_columns, expected_rows), (actual_columns, actual_rows) = expected, actual
    if expected_columns != actual_columns:
        return [f"columns differ: {expected_columns} != {actual_columns}"]
    if len(expected_rows) != len(actual_rows):
        return [f"{len(expected_rows)} rows != {len(actual_rows)} rows"]
    if not expected_rows:
        return []
    try:
        polars.testing.assert_frame_equal(_frame(expected_columns, expected_rows),
                                          _frame(actual_columns, actual_rows), check_dtypes=False,
                                          rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    except AssertionError as difference:
        return [str(difference)[:2000]]
    return []
