"""The raw warehouse tables, derived from the contracts (never retyped by hand).

Each raw table holds the contract's columns plus lineage columns that tie every row to the
file it came from, so any figure can be traced back to an upload.
"""

from __future__ import annotations

import types
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from data_contracts.registry import CONTRACTS, contract_for
from data_contracts.review import ReviewEvent

#: Raw table (schema ``raw``) of each kind.
RAW_TABLES = {"weekly": "weekly_reports", "monthly": "monthly_reports", "practices": "good_practices"}

#: Lineage columns every raw row carries, before the contract's columns.
LINEAGE_COLUMNS: dict[str, str] = {
    "submission_id": "VARCHAR NOT NULL",
    "source_row": "INTEGER NOT NULL",
    "received_at": "TIMESTAMP NOT NULL",
    "source_sha256": "VARCHAR NOT NULL",
}

_SQL_TYPES = {int: "BIGINT", Decimal: "DECIMAL(14,2)", bool: "BOOLEAN", str: "VARCHAR",
              datetime: "TIMESTAMP"}


def _python_type(annotation: object) -> type:
    if get_origin(annotation) in (Union, types.UnionType):
        (inner,) = [a for a in get_args(annotation) if a is not type(None)]
        return _python_type(inner)
    if get_origin(annotation) is Annotated:
        return _python_type(get_args(annotation)[0])
    if get_origin(annotation) is Literal:  # a code list: the type of its codes
        return type(get_args(annotation)[0])
    return get_origin(annotation) or annotation  # type: ignore[return-value]


def contract_columns(kind: str) -> dict[str, str]:
    """Contract column → SQL type (portable: DuckDB and PostgreSQL)."""
    return model_columns(contract_for(kind))


#: The review events' raw table (ingestion.review writes them, the loader copies them).
REVIEW_EVENTS_TABLE = "review_events"


def review_event_columns() -> dict[str, str]:
    """``raw.review_events``: the :class:`ReviewEvent` contract plus when it was loaded."""
    return {**model_columns(ReviewEvent), "loaded_at": "TIMESTAMP NOT NULL"}


def model_columns(model: type[BaseModel]) -> dict[str, str]:
    """A pydantic model's fields → SQL types, in field order."""
    result = {}
    for name, field in model.model_fields.items():
        sql = _SQL_TYPES[_python_type(field.annotation)]
        result[name] = sql if not field.is_required() else f"{sql} NOT NULL"
    return result


def raw_table_ddl(kind: str, schema: str = "raw") -> str:
    columns = {**LINEAGE_COLUMNS, **contract_columns(kind)}
    body = ",\n    ".join(f"{name} {sql}" for name, sql in columns.items())
    return f"create table if not exists {schema}.{RAW_TABLES[kind]} (\n    {body}\n)"


def all_kinds() -> list[str]:
    return list(CONTRACTS)
