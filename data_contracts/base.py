"""The base every contract model shares: strict on unknown fields, frozen, French docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    import polars as pl


class ContractModel(BaseModel):
    """A row of a report. Unknown fields are refused: the hub must never receive a column
    it did not ask for (it could carry data about a person)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    #: Short name used by the CLI, the landing zone and raw tables (``weekly``...).
    kind: ClassVar[str]
    #: The contract version; a new version is a new model, never an edit of this one.
    version: ClassVar[int] = 1
    #: French label of the report, for templates and messages.
    label: ClassVar[str]
    #: Field holding the reporting period (``semaine`` or ``mois``).
    period_field: ClassVar[str]
    #: Fields that identify one row; a file may not repeat them.
    key_fields: ClassVar[tuple[str, ...]]
    #: Each model validator's twin over a whole file's validated columns (a frame of JSON-mode
    #: values → a boolean Series, true where the rule holds), by the validator's name: without
    #: its twin, a rule keeps every row of the file on the per-row path
    #: (data_contracts.bulk_validation).
    bulk_rules: ClassVar[dict[str, Callable[["pl.DataFrame"], "pl.Series"]]] = {}
