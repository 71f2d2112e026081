"""One benchmark figure, its same-run baseline and its target; the table and the JSON file.

Why a baseline in every row: this machine class is shared and its load varies, so an absolute
number alone cannot say whether the code or the machine got slower. The baseline is the
simplest way to do the same work (a bare polars read, the compiled SQL run directly, the same
pipeline without the orchestrator…), timed in the same run.
"""

from __future__ import annotations

import json
import math
import operator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_OPERATORS = {"<=": operator.le, ">=": operator.ge}


@dataclass
class Figure:
    """A measured value, its baseline and the target it must meet.

    ``target_on`` says whether the target bounds the value itself or the ratio value ÷
    baseline (e.g. "dbt ÷ direct SQL ≤ 1.6"). ``passed`` is None when there is no target.
    """

    key: str
    label: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target_op: str | None = None
    target: float | None = None
    target_on: str = "value"
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline is None or not self.baseline or math.isnan(self.value):
            return None
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        if self.target_op is None or self.target is None:
            return None
        measured = self.ratio if self.target_on == "ratio" else self.value
        if measured is None or math.isnan(measured):
            return False
        return _OPERATORS[self.target_op](measured, self.target)

    @property
    def target_text(self) -> str:
        if self.target_op is None:
            return ""
        subject = "ratio" if self.target_on == "ratio" else self.unit
        return f"{self.target_op} {self.target:g} ({subject})"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(ratio=self.ratio, passed=self.passed, target_text=self.target_text)
        return data


def failed_figure(key: str, label: str, unit: str, error: BaseException, *, target_op: str | None = None,
                  target: float | None = None, target_on: str = "value") -> Figure:
    """A benchmark that could not run still gets its row: FAIL, with the reason."""
    return Figure(key, label, float("nan"), unit, target_op=target_op, target=target,
                  target_on=target_on, note=f"did not run: {type(error).__name__}: {error}"[:300])


def _number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if unit == "ms" or abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def render_table(figures: list[Figure]) -> str:
    headers = ("figure", "value", "baseline (same run)", "ratio", "target", "result")
    rows = []
    for fig in figures:
        verdict = {True: "PASS", False: "FAIL", None: "info"}[fig.passed]
        rows.append((
            f"{fig.key} {fig.label}",
            f"{_number(fig.value, fig.unit)} {fig.unit}",
            f"{_number(fig.baseline, fig.unit)} {fig.unit} {fig.baseline_label}".strip()
            if fig.baseline is not None else "—",
            _number(fig.ratio) if fig.ratio is not None else "—",
            fig.target_text,
            verdict,
        ))
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join("{:<%d}" % w for w in widths)
    out = [line.format(*headers), line.format(*("-" * w for w in widths))]
    out += [line.format(*row) for row in rows]
    notes = [f"  {fig.key}: {fig.note}" for fig in figures if fig.note]
    return "\n".join(out + (["", "notes:"] + notes if notes else []))


def write_json(figures: list[Figure], path: Path, *, context: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "context": context,
        "passed": sum(f.passed is True for f in figures),
        "failed": sum(f.passed is False for f in figures),
        "figures": [f.as_dict() for f in figures],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
