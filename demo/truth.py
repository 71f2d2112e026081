"""What the demo sent, and so what the marts must show: the known truth tests compare with.

The rules here are the demo's reading of the marts' status columns (see docs/architecture.md):

- a report is *received* when at least one version arrived before "now";
- ``timeliness`` is ``on_time`` when its first version arrived by the deadline, else ``late``
  (``missing`` when none arrived) — a correction never makes an on-time report late;
- ``is_nil`` (« néant ») reads the latest version: no new signalement in the week
  (``signalements_cnapr + signalements_locaux = 0``), no follow-up engaged in the month;
- ``status`` is ``missing``, else ``nil`` when nil, else the timeliness;
- the national reporting rate of a week is received / expected, every département expected.

``truth.json`` holds the same plan (figures as contract values, amounts as strings, times as
UTC ISO 8601) so a test in another process can read it back with :func:`read_truth`.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from data_contracts.raw_schema import contract_columns
from data_contracts.registry import contract_for

TRUTH_FILE = "truth.json"


@dataclass(frozen=True)
class PlannedSubmission:
    """One file the demo wrote and submits with a forced receipt time."""

    kind: str
    departement: str
    filename: str
    #: Path relative to the demo folder.
    path: str
    received_at: datetime
    periods: tuple[str, ...]
    rows: int
    sha256: str
    #: ``report`` (first version), ``correction`` (a later version) or ``backfill`` (history).
    role: str


@dataclass(frozen=True)
class ExpectedReport:
    """The expected state of one (département, week or month) report at "now"."""

    kind: str
    departement: str
    period: str
    deadline_at: datetime
    status: str
    timeliness: str
    is_nil: bool
    version_count: int
    first_received_at: datetime | None
    received_at: datetime | None
    #: The latest version's contract values (without département and period); None if missing.
    figures: dict[str, Any] | None

    @property
    def is_received(self) -> bool:
        return self.version_count > 0


@dataclass(frozen=True)
class ExpectedPractice:
    """A nominated good practice as its latest version reads."""

    departement: str
    mois: str
    titre: str
    version_count: int
    received_at: datetime
    figures: dict[str, Any]


@dataclass(frozen=True)
class NationalWeek:
    """Coverage of one week over the 101 départements.

    ``on_time``, ``late``, ``nil`` and ``missing`` count statuses (they add up to
    ``expected``); ``timely`` and ``tardy`` count timeliness, nil reports included by when
    they arrived — what ``fct_national_weekly`` calls ``departements_on_time`` / ``_late``."""

    week: str
    expected: int
    received: int
    on_time: int
    late: int
    nil: int
    missing: int
    timely: int
    tardy: int
    reporting_rate: float


@dataclass
class DemoPlan:
    """Everything one ``generate`` call produced, keyed for quick look-ups."""

    seed: int
    weeks: int
    history: bool
    now: datetime
    first_week: str
    window_first_week: str
    last_week: str
    go_live_at: datetime
    out: Path
    submissions: list[PlannedSubmission] = field(default_factory=list)
    weekly: dict[tuple[str, str], ExpectedReport] = field(default_factory=dict)
    monthly: dict[tuple[str, str], ExpectedReport] = field(default_factory=dict)
    practices: dict[tuple[str, str, str], ExpectedPractice] = field(default_factory=dict)
    national_weekly: dict[str, NationalWeek] = field(default_factory=dict)
    #: The true series (in memory only, not in truth.json): (département, period) → activity.
    weekly_activity: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)
    monthly_activity: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)


def is_nil(kind: str, figures: dict[str, Any]) -> bool:
    if kind == "weekly":
        return figures["signalements_cnapr"] + figures["signalements_locaux"] == 0
    return figures["suivis_engages"] == 0


def expected_report(kind: str, departement: str, period: str, deadline_at: datetime,
                    versions: list[tuple[datetime, dict[str, Any]]]) -> ExpectedReport:
    """Apply the rules above to the versions that arrived (in receipt order)."""
    if not versions:
        return ExpectedReport(kind, departement, period, deadline_at, "missing", "missing", False, 0,
                              None, None, None)
    first_at, latest_at, latest = versions[0][0], versions[-1][0], versions[-1][1]
    timeliness = "on_time" if first_at <= deadline_at else "late"
    nil = is_nil(kind, latest)
    period_field = contract_for(kind).period_field
    figures = {k: v for k, v in latest.items() if k not in ("departement", period_field)}
    return ExpectedReport(kind, departement, period, deadline_at, "nil" if nil else timeliness,
                          timeliness, nil, len(versions), first_at, latest_at, figures)


def national_week(week: str, reports: list[ExpectedReport]) -> NationalWeek:
    status = Counter(r.status for r in reports)
    timeliness = Counter(r.timeliness for r in reports)
    received = sum(r.is_received for r in reports)
    return NationalWeek(week, len(reports), received, status["on_time"], status["late"], status["nil"],
                        status["missing"], timeliness["on_time"], timeliness["late"],
                        received / len(reports))


def expected_weekly(plan: DemoPlan, departement: str, week: str) -> ExpectedReport:
    """The expected weekly report of a département (KeyError: the demo did not cover it)."""
    return plan.weekly[(departement, week)]


def expected_monthly(plan: DemoPlan, departement: str, month: str) -> ExpectedReport:
    return plan.monthly[(departement, month)]


def expected_national_reporting_rate(plan: DemoPlan, week: str) -> float:
    """Share of the 101 départements whose report of ``week`` arrived before "now"."""
    return plan.national_weekly[week].reporting_rate


# --- truth.json ---------------------------------------------------------------------------

def _instant(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def _plain(figures: dict[str, Any] | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {k: (f"{v:.2f}" if isinstance(v, Decimal) else v) for k, v in figures.items()}


def _typed(kind: str, figures: dict[str, Any] | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    amounts = {name for name, sql in contract_columns(kind).items() if sql.startswith("DECIMAL")}
    return {k: (Decimal(v) if k in amounts and v is not None else v) for k, v in figures.items()}


_REPORT_COLUMNS = ("departement", "period", "deadline_at", "status", "timeliness", "is_nil",
                   "version_count", "first_received_at", "received_at")


def _figure_columns(kind: str) -> list[str]:
    period_field = contract_for(kind).period_field
    return [c for c in contract_columns(kind) if c not in ("departement", period_field)]


def _reports_table(kind: str, reports: list[ExpectedReport]) -> dict[str, Any]:
    """Reports as one table (column names once): the history makes ~77 000 of them."""
    figure_columns = _figure_columns(kind)
    rows = []
    for r in reports:
        figures = _plain(r.figures) or {}
        rows.append([r.departement, r.period, _instant(r.deadline_at), r.status, r.timeliness, r.is_nil,
                     r.version_count, _instant(r.first_received_at), _instant(r.received_at)]
                    + [figures.get(c) for c in figure_columns])
    return {"columns": [*_REPORT_COLUMNS, *figure_columns], "rows": rows}


def _reports_from(kind: str, table: dict[str, Any]) -> list[ExpectedReport]:
    width = len(_REPORT_COLUMNS)
    figure_columns = table["columns"][width:]
    reports = []
    for row in table["rows"]:
        (departement, period, deadline_at, status, timeliness, nil, version_count, first_at,
         latest_at) = row[:width]
        figures = dict(zip(figure_columns, row[width:])) if version_count else None
        reports.append(ExpectedReport(
            kind, departement, period, _parse_instant(deadline_at), status, timeliness, nil,
            version_count, _parse_instant(first_at), _parse_instant(latest_at), _typed(kind, figures)))
    return reports


def truth_json(plan: DemoPlan) -> dict[str, Any]:
    return {
        "about": {
            "seed": plan.seed, "weeks": plan.weeks, "history": plan.history, "now": _instant(plan.now),
            "first_week": plan.first_week, "window_first_week": plan.window_first_week,
            "last_week": plan.last_week, "go_live_at": _instant(plan.go_live_at),
        },
        "submissions": [dict(vars(s), received_at=_instant(s.received_at), periods=list(s.periods))
                        for s in plan.submissions],
        "weekly": _reports_table("weekly", list(plan.weekly.values())),
        "monthly": _reports_table("monthly", list(plan.monthly.values())),
        "practices": [dict(vars(p), received_at=_instant(p.received_at)) for p in plan.practices.values()],
        "national_weekly": [vars(n) for n in plan.national_weekly.values()],
    }


def write_truth(plan: DemoPlan) -> Path:
    """Write ``<out>/truth.json`` (stable key order: same plan, same bytes)."""
    path = plan.out / TRUTH_FILE
    path.write_text(json.dumps(truth_json(plan), ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    return path


def read_truth(path: Path) -> DemoPlan:
    """A plan back from ``truth.json`` (without the in-memory true series)."""
    path = Path(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    about = data["about"]
    plan = DemoPlan(
        seed=about["seed"], weeks=about["weeks"], history=about["history"],
        now=_parse_instant(about["now"]), first_week=about["first_week"],
        window_first_week=about["window_first_week"], last_week=about["last_week"],
        go_live_at=_parse_instant(about["go_live_at"]), out=path.parent,
    )
    plan.submissions = [PlannedSubmission(**dict(s, received_at=_parse_instant(s["received_at"]),
                                                  periods=tuple(s["periods"])))
                        for s in data["submissions"]]
    plan.weekly = {(r.departement, r.period): r for r in _reports_from("weekly", data["weekly"])}
    plan.monthly = {(r.departement, r.period): r for r in _reports_from("monthly", data["monthly"])}
    for item in data["practices"]:
        practice = ExpectedPractice(**dict(item, received_at=_parse_instant(item["received_at"])))
        plan.practices[(practice.departement, practice.mois, practice.titre)] = practice
    plan.national_weekly = {item["week"]: NationalWeek(**item) for item in data["national_weekly"]}
    return plan
