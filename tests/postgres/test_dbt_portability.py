"""The dbt project stays portable to PostgreSQL without a server: the slips the probe found
(DuckDB-only type names, over-long unit-test relation names) fail here in milliseconds."""

from __future__ import annotations

import re

import pytest
import yaml

from data_contracts.settings import DBT_PROJECT_DIR

_FILES = sorted(p for folder in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / folder).rglob("*")
                if p.suffix in (".sql", ".yml"))
#: `double` alone is DuckDB's; PostgreSQL needs `double precision` (or float8), which DuckDB reads too.
_DUCKDB_ONLY_DOUBLE = re.compile(r"\bdouble\b(?!\s+precision)", re.IGNORECASE)


@pytest.mark.parametrize("path", _FILES, ids=lambda p: str(p.relative_to(DBT_PROJECT_DIR)))
def test_dbt_file_names_no_duckdb_only_double_type(path):
    code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith(("--", "#")))
    assert not _DUCKDB_ONLY_DOUBLE.search(code), f"{path.name}: write 'double precision' (PostgreSQL)"


def test_dbt_unit_test_relation_names_fit_postgres_63_characters():
    names = [test["name"] for path in _FILES if path.suffix == ".yml"
             for test in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("unit_tests") or []]
    assert names and [name for name in names if len(name) > 63] == []
