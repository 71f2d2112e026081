"""Whole-file proof that rows satisfy their contract, so that a large clean file skips pydantic
row by row.

Why: a 10-year backfill (520 rows × 10 cells) validated row by row costs tens of milliseconds,
most of a receipt, while the same checks over whole columns cost a fraction of one. A file
repeats itself: one département, a handful of distinct counts, the same few codes. So:

* every column is checked on its *distinct* values, each with the field's own pydantic
  validation (a ``TypeAdapter`` of the field as the model declares it): exact by
  construction, and cheap as long as a column repeats itself;
* the two kinds of column that do not repeat get a narrower, vectorised proof: counts (a
  stock differs every week) accept only plain ASCII digits, checked by polars; periods
  accept only the codes the calendar lists between the programme's start and now — any
  other spelling falls back to the field's own validation;
* each model rule (``model_validator``) needs its twin over columns in the model's
  ``bulk_rules``; a contract with a rule this module cannot prove (a validator without its
  twin, a field validator) is not proved at all.

A row not proved clean — any doubt — goes through the contract row by row, which alone words
the errors. So a proof never accepts what the contract refuses nor yields another value; a
hypothesis test holds the narrower proofs to that (``tests/contracts/test_bulk_validation.py``).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from collections.abc import Callable
from typing import Annotated, Any

import polars as pl
from pydantic import BeforeValidator, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from data_contracts import calendar, fields
from data_contracts.base import ContractModel
from data_contracts.registry import contract_for

_REFUSED = object()
#: Cells a column's plain-form proof settled — None: all of them — and their values.
Shortcut = tuple["pl.Series | None", pl.Series]


@dataclass(frozen=True)
class Proof:
    """``clean``: one bool per row, True when the row is proved valid. ``values``: every
    contract field's validated value as ``model_dump(mode="json")`` gives it, exact on clean
    rows (anything on the others)."""

    clean: pl.Series
    values: pl.DataFrame


def _json_dtype(annotation: Any) -> pl.DataType | None:
    """The polars dtype of a field's JSON-mode value (Decimal is text in JSON)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) != 1:
            return None
        annotation = args[0]
        if typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
    return {int: pl.Int64(), bool: pl.Boolean(), str: pl.String(), Decimal: pl.String()}.get(annotation)


@lru_cache(maxsize=16)
def json_dtypes(model: type[ContractModel]) -> dict[str, pl.DataType] | None:
    """Each field's dtype in JSON mode (counts Int64, yes/no Boolean, the rest text), or None
    when a field's type has no plain JSON column."""
    dtypes = {name: _json_dtype(info.annotation) for name, info in model.model_fields.items()}
    return None if any(d is None for d in dtypes.values()) else dtypes


@lru_cache(maxsize=16)
def _adapter(model: type[ContractModel], name: str) -> TypeAdapter:
    """The field exactly as the model validates it: its type, validators and constraints, the
    model's configuration (whitespace stripping…)."""
    info = model.model_fields[name]
    return TypeAdapter(Annotated[(info.annotation, *info.metadata)], config=model.model_config)


def _validator(info: FieldInfo) -> Any:
    if len(info.metadata) == 1 and isinstance(info.metadata[0], BeforeValidator):
        return info.metadata[0].func
    return None


def is_plain_count(info: FieldInfo) -> bool:
    """A field typed :data:`data_contracts.fields.Count` and nothing more."""
    return info.annotation is int and _validator(info) is fields.parse_count


@lru_cache(maxsize=4)
def _weeks_until(current: str) -> frozenset[str]:
    """Every week code ``check_week`` accepts as typed while the current week is ``current``."""
    return frozenset(calendar.iter_weeks(calendar.PROGRAMME_START_WEEK, current))


@lru_cache(maxsize=4)
def _months_until(current: str) -> frozenset[str]:
    return frozenset(calendar.iter_months(calendar.PROGRAMME_START_MONTH, current))


def period_codes(info: FieldInfo, now: datetime | None) -> frozenset[str] | None:
    """The period codes a week or month field accepts exactly as typed, or None for others."""
    check = _validator(info)
    if info.annotation is not str:
        return None
    if check is fields.check_week:
        return _weeks_until(calendar.current_week(calendar.now_utc(now)))
    if check is fields.check_month:
        return _months_until(calendar.current_month(calendar.now_utc(now)))
    return None


def _provable(model: type[ContractModel]) -> bool:
    """Whether every rule of the model is one this module proves: field validators and
    serializers, aliases, or a model validator that is not an "after" rule with its twin in
    ``bulk_rules`` keep the contract's files row by row."""
    decorators = model.__pydantic_decorators__
    if decorators.field_validators or decorators.field_serializers or decorators.model_serializers:
        return False
    if any(i.alias or i.validation_alias for i in model.model_fields.values()):
        return False
    return all(name in model.bulk_rules and rule.info.mode == "after"
               for name, rule in decorators.model_validators.items())


@dataclass
class _Verdicts:
    """What the field's own validation says of a column's distinct cells: those it refuses,
    and the value of each one it accepts (``changed``: some value differs from its cell)."""

    refused: list[Any]
    accepted: dict[Any, Any]
    changed: bool


def _verdicts(model: type[ContractModel], name: str, distinct: list[Any], context: dict[str, Any],
              refuse: Callable[[str], bool] | None) -> _Verdicts:
    adapter = _adapter(model, name)
    found = _Verdicts([], {}, False)
    for cell in distinct:
        if refuse is not None and isinstance(cell, str) and refuse(cell):
            found.refused.append(cell)
            continue
        try:
            value = adapter.dump_python(adapter.validate_python(cell, context=context), mode="json")
        except ValidationError:
            found.refused.append(cell)
            continue
        found.accepted[cell] = value
        found.changed = found.changed or value != cell or type(value) is not type(cell)
    return found


def _plain_counts(column: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(cells proved to be a count as typed — true, else false or null —, their values): a
    cell is proved when it is the very decimal writing of an integer from 0 to 1 000 000 (no
    sign, space or leading zero)."""
    value = column.cast(pl.UInt32, strict=False)
    proved = (value.cast(pl.String) == column) & (value <= 1_000_000)  # null where no number
    return proved, value.cast(pl.Int64)


@lru_cache(maxsize=16)
def _count_names(model: type[ContractModel]) -> tuple[str, ...]:
    return tuple(n for n, i in model.model_fields.items() if is_plain_count(i))


def _count_shortcuts(model: type[ContractModel], cells: pl.DataFrame) -> dict[str, Shortcut]:
    """Every count column's plain cells at once (one pass over all of them: each polars call
    has a fixed cost that, on a few hundred rows, outweighs the work)."""
    names = [n for n in _count_names(model) if n in cells.columns]
    if not names:
        return {}
    proved, value = _plain_counts(pl.concat([cells.get_column(n) for n in names], rechunk=False))
    height = cells.height
    everywhere = proved.all(ignore_nulls=False) is True
    if not everywhere:
        proved = proved.fill_null(False)
    return {n: (None if everywhere else proved.slice(i * height, height), value.slice(i * height, height))
            for i, n in enumerate(names)}


def _period_shortcut(info: FieldInfo, column: pl.Series, now: datetime | None) -> Shortcut | None:
    """A period column's cells that are codes of the programme so far, exactly as listed."""
    codes = period_codes(info, now)
    if codes is None:
        return None
    if codes.issuperset(column.to_list()):
        return None, column
    listed = pl.Series([c for c in column.unique().to_list() if c in codes], dtype=pl.String)
    return column.is_in(listed.implode()).fill_null(False), column


def _prove_column(model: type[ContractModel], name: str, column: pl.Series, dtype: pl.DataType,
                  context: dict[str, Any], refuse: Callable[[str], bool] | None,
                  shortcut: Shortcut | None = None) -> tuple[pl.Series | None, pl.Series]:
    """(the rows whose cell is valid — None: all of them —, the validated values);
    ``shortcut``: the cells already proved by their plain form (None: all), and their values."""
    if shortcut is not None and (shortcut[0] is None or shortcut[0].all()):
        return None, shortcut[1]
    rest = column if shortcut is None else column.filter(~shortcut[0])
    found = _verdicts(model, name, rest.unique().to_list(), context, refuse)
    ok = None
    if found.refused:
        ok = ~column.is_in(pl.Series(found.refused, dtype=pl.String).implode(), nulls_equal=True)
    if shortcut is None and not found.changed:
        return ok, column  # every valid cell is already its value
    mapping = {c: v for c, v in found.accepted.items() if c is not None}
    value = column.replace_strict(mapping, default=found.accepted.get(None), return_dtype=dtype)
    if shortcut is not None:
        value = pl.select(pl.when(shortcut[0]).then(shortcut[1]).otherwise(value)).to_series()
    return ok, value.alias(name)


def prove_rows(kind: str, cells: pl.DataFrame, now: datetime | None = None, *,
               refuse: Callable[[str], bool] | None = None,
               free_text_screened: bool = False) -> Proof | None:
    """Prove each row of ``cells`` (text columns named after the contract's fields, in file
    order) valid, or leave it to pydantic. None: the contract has a rule no proof covers.

    ``refuse`` lets the caller keep cells out of the proof (a file rule, such as formulas):
    it sees every distinct cell except those proved by their plain form — counts in ASCII
    digits, period codes — which all begin with a digit. ``free_text_screened``: as in
    :func:`data_contracts.errors.validate_row`."""
    model = contract_for(kind)
    dtypes = json_dtypes(model)
    if dtypes is None or not _provable(model):
        return None
    height = cells.height
    clean = pl.Series("clean", [True], dtype=pl.Boolean).new_from_index(0, height)
    values = []
    shortcuts = _count_shortcuts(model, cells)
    context = {"now": now, fields.SCREENED: free_text_screened}
    for name, info in model.model_fields.items():
        if name not in cells.columns:  # a column the file leaves out: only a None default will do
            if info.is_required() or info.default is not None:
                clean = clean & False
            values.append(pl.Series(name, [None], dtype=dtypes[name]).new_from_index(0, height))
            continue
        column = cells.get_column(name)
        shortcut = shortcuts.get(name) or _period_shortcut(info, column, now)
        ok, value = _prove_column(model, name, column, dtypes[name], context, refuse, shortcut)
        if ok is not None:
            clean = clean & ok
        values.append(value.alias(name))
    frame = pl.DataFrame(values)
    for rule in model.bulk_rules.values():
        clean = clean & rule(frame)
    if clean.null_count():  # a rule over a cell that was not proved
        clean = clean.fill_null(False)
    return Proof(clean=clean.alias("clean"), values=frame)


def records_from_json(model: type[ContractModel], rows: list[dict[str, Any]]) -> list[ContractModel]:
    """Models from rows already validated, in JSON mode (a proof's values): what
    ``model_validate`` returned for them, without validating again."""
    decimals = [n for n, i in model.model_fields.items() if i.annotation is Decimal]
    optional = {n for n, i in model.model_fields.items() if not i.is_required()}
    built = []
    for row in rows:
        values = {n: row.get(n) for n in model.model_fields}
        for name in decimals:
            if values[name] is not None:
                values[name] = Decimal(values[name])
        present = {n for n, v in values.items() if n not in optional or v is not None}
        built.append(model.model_construct(_fields_set=present, **values))
    return built
