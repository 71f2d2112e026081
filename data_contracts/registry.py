"""Every contract by its kind: the one table the CLI, readers, loader and dbt sources use."""

from __future__ import annotations

from data_contracts.base import ContractModel
from data_contracts.fields import Count
from data_contracts.good_practice_v1 import GoodPractice
from data_contracts.monthly_report_v1 import MonthlyReport
from data_contracts.weekly_report_v1 import WeeklyReport

CONTRACTS: dict[str, type[ContractModel]] = {
    model.kind: model for model in (WeeklyReport, MonthlyReport, GoodPractice)
}
KINDS = tuple(CONTRACTS)


def contract_for(kind: str) -> type[ContractModel]:
    try:
        return CONTRACTS[kind]
    except KeyError:
        raise ValueError(f"unknown report kind {kind!r}; expected one of {', '.join(KINDS)}") from None


def columns(kind: str) -> list[str]:
    """The template/raw columns of a kind, in contract order."""
    return list(contract_for(kind).model_fields)


def count_fields(kind: str) -> list[str]:
    """The contract's count columns (those typed :data:`data_contracts.fields.Count`): what the
    upload warnings compare with history and what small-count protection may hide."""
    model = contract_for(kind)
    return [name for name, info in model.model_fields.items()
            if info.annotation is int and any(m in Count.__metadata__ for m in info.metadata)]
