"""``cipd demo``: a realistic, reproducible programme history for all 101 départements.

What it writes (under ``<out>``, by default ``CIPD_HOME/demo``): one folder per département
with the files it "sent", in the formats départements really use (:mod:`demo.files`),
and ``truth.json``, the known truth the marts must reproduce (:mod:`demo.truth`).
Then, unless told not to, it submits every file through the one submit path
(``ingestion.submit.submit``) with its simulated receipt time, in receipt order, and loads
them (``ingestion.loader.ingest_pending``).

Volume: the programme runs from 2014-W49, about 625 weeks × 101 départements ≈ 63 000
weekly reports and 14 000 monthly ones. Submitting each as its own file costs a sandboxed
parse and a landing write apiece, far too slow for ``make run``. So the demo sends per-report
files only for the last ``--weeks`` weeks (the *window*, ending with the current ISO week in
Paris), and the history before it as one backfill file per département and kind (weekly,
monthly, good practices: many periods in one file, as the contracts allow), received on the
Friday before the window — the day the hub "went live" and the cells migrated their history.
History reports are therefore on record as received on that day (late, except the last
months' monthly reports), and missing where the cell never reported. ``--no-history`` skips
the backfill (fast tests).

Inside the window: each cell sends on time on its own habits (Monday to Thursday morning),
some late, a few never; some reports are corrected by a second version (sometimes after the
deadline); a nil week (« néant ») is an explicit report with no new signalement. Nothing is
received after "now" (``data_contracts.calendar.now_utc(settings.now)``): on Thursday morning
some cells have not yet sent this week's report — the reminder list.

Same seed, same settings, same clock → byte-identical files and truth.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from data_contracts import calendar
from data_contracts.referential import departements
from data_contracts.registry import contract_for
from data_contracts.settings import Settings, get_settings
from demo.activity import simulate_months, simulate_weeks
from demo.departements import DepartementProfile, profile, rng_for
from demo.files import SUFFIXES, render
from demo.practices import amended, nominations
from demo.reporting import (
    corrected_at, monthly_sending, never_sent, office_time, paris_time, weekly_sending,
)
from demo.truth import (
    TRUTH_FILE, DemoPlan, ExpectedPractice, ExpectedReport, PlannedSubmission, expected_report,
    national_week, write_truth,
)

#: A year, file by file: the dashboards' longest span (52 weeks) then shows real sending habits
#: (on time, late, missing, corrected) rather than the history's one backfill file.
DEFAULT_WEEKS = 52
DEFAULT_SEED = 2014
FILES_DIR = "files"
ACTOR = "demo"
#: What each kind's files are called (French: the names cells give their files).
_FILE_STEMS = {"weekly": "hebdo", "monthly": "mensuel", "practices": "bonnes_pratiques"}
_SECOND_VERSION = {"weekly": "corrige", "monthly": "corrige", "practices": "complete"}
P_PRACTICE_AMENDED = 0.15
#: Concurrent submissions while loading (see :func:`load`).
LOAD_THREADS = 3
#: Paris office minutes of the go-live day during which cells send their history.
BACKFILL_FROM, BACKFILL_UNTIL = 9 * 60, 17 * 60


@dataclass
class _Departement:
    """What one département contributes to the plan (kept apart: one stream per département)."""

    submissions: list[PlannedSubmission] = field(default_factory=list)
    weekly: dict[tuple[str, str], ExpectedReport] = field(default_factory=dict)
    monthly: dict[tuple[str, str], ExpectedReport] = field(default_factory=dict)
    practices: dict[tuple[str, str, str], ExpectedPractice] = field(default_factory=dict)


@dataclass(frozen=True)
class _Window:
    now: datetime
    first_week: str
    window_first_week: str
    last_week: str
    last_month: str
    go_live_day: date
    history: bool

    def month_in_window(self, month: str) -> bool:
        """A month is sent per file when its reports are due after the go-live day."""
        return calendar.month_first_day(calendar.shift_month(month, 1)) > self.go_live_day


def _window(settings: Settings, weeks: int, history: bool) -> _Window:
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    now = calendar.now_utc(settings.now)
    last_week = calendar.current_week(now)
    start = calendar.PROGRAMME_START_WEEK
    window_first = max(calendar.shift_week(last_week, -(weeks - 1)), start)
    history = history and window_first > start
    return _Window(
        now=now, first_week=start if history else window_first, window_first_week=window_first,
        last_week=last_week, last_month=calendar.shift_month(calendar.current_month(now), -1),
        go_live_day=calendar.week_monday(window_first) - timedelta(days=3), history=history,
    )


class _Writer:
    """Writes one département's files and records them as planned submissions."""

    def __init__(self, out: Path, prof: DepartementProfile):
        self.out, self.prof = out, prof
        self.folder = out / FILES_DIR / prof.code
        self.submissions: list[PlannedSubmission] = []

    def write(self, kind: str, rows: list[dict[str, Any]], filename: str, received_at: datetime,
              role: str) -> None:
        fmt = self.prof.weekly_format if kind == "weekly" else self.prof.monthly_format
        filename += SUFFIXES[fmt]
        content = render(kind, rows, fmt, thousands=self.prof.thousands_separator,
                         capitalised=self.prof.capitalised_yes_no)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / filename).write_bytes(content)
        period_field = contract_for(kind).period_field
        self.submissions.append(PlannedSubmission(
            kind=kind, departement=self.prof.code, filename=filename,
            path=f"{FILES_DIR}/{self.prof.code}/{filename}", received_at=received_at,
            periods=tuple(sorted({row[period_field] for row in rows})), rows=len(rows),
            sha256=hashlib.sha256(content).hexdigest(), role=role))

    def versions(self, kind: str, period: str, sent: list[tuple[datetime, list[dict[str, Any]]]]) -> None:
        """One file per version of one period's report (the first, then its correction)."""
        for number, (at, rows) in enumerate(sent):
            stem = f"{_FILE_STEMS[kind]}_{self.prof.code}_{period}"
            self.write(kind, rows, stem if number == 0 else f"{stem}_{_SECOND_VERSION[kind]}",
                       at, "report" if number == 0 else "correction")

    def backfill(self, kind: str, rows: list[dict[str, Any]], at: datetime) -> None:
        if rows:
            period_field = contract_for(kind).period_field
            first, last = rows[0][period_field], rows[-1][period_field]
            self.write(kind, rows, f"historique_{_FILE_STEMS[kind]}_{self.prof.code}_{first}_{last}",
                       at, "backfill")


def _sent_before_now(window: _Window, versions: list[tuple[datetime | None, Any]]) -> list[tuple[datetime, Any]]:
    return [(at, figures) for at, figures in versions if at is not None and at <= window.now]


def _weekly(prof: DepartementProfile, seed: int, window: _Window, settings: Settings,
            writer: _Writer, backfill_at: datetime, result: _Departement, activity: dict) -> None:
    history_rows = []
    for week, act in activity.items():
        if week < window.first_week:
            continue
        deadline = calendar.weekly_deadline(week, settings.holiday_policy, prof.code)
        rng = rng_for(seed, prof.code, f"weekly:{week}")
        if week < window.window_first_week:
            versions = [] if never_sent(rng, prof) else [(backfill_at, act.figures)]
            history_rows.extend(figures for _, figures in versions)
        else:
            sending = weekly_sending(rng, prof, week, act.figures, deadline)
            versions = [] if sending.missing else _sent_before_now(window, [
                (sending.first_at, sending.first_figures), (sending.correction_at, act.figures)])
            writer.versions("weekly", week, [(at, [figures]) for at, figures in versions])
        result.weekly[(prof.code, week)] = expected_report("weekly", prof.code, week, deadline, versions)
    writer.backfill("weekly", history_rows, backfill_at)


def _monthly(prof: DepartementProfile, seed: int, window: _Window, settings: Settings,
             writer: _Writer, backfill_at: datetime, result: _Departement, activity: dict) -> None:
    history_rows, history_practices = [], []
    practices_backfill_at = backfill_at + timedelta(minutes=3)
    for month, act in activity.items():
        in_window = window.month_in_window(month)
        if not (in_window or window.history):
            continue
        deadline = _monthly_deadline(month, settings)
        rng = rng_for(seed, prof.code, f"monthly:{month}")
        rng_practices = rng_for(seed, prof.code, f"practices:{month}")
        practices = nominations(rng_practices, prof.code, month, prof.practice_rate)
        if not in_window:
            versions = [] if never_sent(rng, prof) else [(backfill_at, act.figures)]
            history_rows.extend(figures for _, figures in versions)
            practice_versions = [(practices_backfill_at, practices)] if versions and practices else []
            history_practices.extend(practices if practice_versions else [])
        else:
            sending = monthly_sending(rng, prof, month, act.figures, deadline)
            versions = [] if sending.missing else _sent_before_now(window, [
                (sending.first_at, sending.first_figures), (sending.correction_at, act.figures)])
            writer.versions("monthly", month, [(at, [figures]) for at, figures in versions])
            practice_at = sending.first_at + timedelta(minutes=rng_practices.randint(5, 40))
            amended_at = corrected_at(rng_practices, practice_at)
            if rng_practices.random() >= P_PRACTICE_AMENDED:
                amended_at = None
            practice_versions = [] if sending.missing or not practices else _sent_before_now(window, [
                (practice_at, practices), (amended_at, amended(practices))])
            writer.versions("practices", month, practice_versions)
        result.monthly[(prof.code, month)] = expected_report("monthly", prof.code, month, deadline, versions)
        if practice_versions:
            latest_at, rows = practice_versions[-1]
            for row in rows:
                result.practices[(prof.code, month, row["titre"])] = ExpectedPractice(
                    prof.code, month, row["titre"], len(practice_versions), latest_at, row)
    writer.backfill("monthly", history_rows, backfill_at)
    writer.backfill("practices", history_practices, practices_backfill_at)
    # The current month is not over: nobody has reported it yet, as the marts' grid shows.
    current = calendar.shift_month(window.last_month, 1)
    result.monthly[(prof.code, current)] = expected_report(
        "monthly", prof.code, current, _monthly_deadline(current, settings), [])


def _monthly_deadline(month: str, settings: Settings) -> datetime:
    return calendar.monthly_deadline(month, settings.monthly_deadline_day, settings.monthly_deadline_hour)


def _departement(code: str, seed: int, window: _Window, settings: Settings, out: Path,
                 plan: DemoPlan) -> _Departement:
    prof = profile(seed, code)
    weeks = simulate_weeks(prof, seed, window.last_week)
    months = simulate_months(prof, seed, weeks, window.last_month)
    backfill_at = office_time(rng_for(seed, code, "backfill"), window.go_live_day, BACKFILL_FROM, BACKFILL_UNTIL)
    writer, result = _Writer(out, prof), _Departement()
    _weekly(prof, seed, window, settings, writer, backfill_at, result, weeks)
    _monthly(prof, seed, window, settings, writer, backfill_at + timedelta(minutes=3), result, months)
    result.submissions = writer.submissions
    plan.weekly_activity.update(((code, w), a) for w, a in weeks.items() if w >= window.first_week)
    plan.monthly_activity.update(((code, m), a) for m, a in months.items() if (code, m) in result.monthly)
    return result


def _prepare(out: Path) -> None:
    """Start from an empty folder; only a previous demo's output may be replaced."""
    if out.exists() and any(out.iterdir()):
        if not (out / TRUTH_FILE).exists():
            raise FileExistsError(
                f"Le dossier {out} n'est pas vide et ne contient pas de démo précédente : "
                "choisissez un dossier vide avec --out.")
        shutil.rmtree(out / FILES_DIR, ignore_errors=True)
        (out / TRUTH_FILE).unlink()
    out.mkdir(parents=True, exist_ok=True)


def generate(out: Path | None = None, *, weeks: int = DEFAULT_WEEKS, seed: int = DEFAULT_SEED,
             history: bool = True, settings: Settings | None = None,
             progress: bool = False) -> DemoPlan:
    """Write the demo's files and ``truth.json`` under ``out`` and return the plan.

    ``out`` defaults to ``CIPD_HOME/demo``; a previous demo there is replaced.
    """
    from tqdm import tqdm

    settings = settings or get_settings()
    window = _window(settings, weeks, history)
    out = Path(out) if out is not None else settings.root / "demo"
    _prepare(out)
    plan = DemoPlan(seed=seed, weeks=weeks, history=window.history, now=window.now,
                    first_week=window.first_week, window_first_week=window.window_first_week,
                    last_week=window.last_week, go_live_at=paris_time(window.go_live_day, BACKFILL_FROM),
                    out=out)
    for code in tqdm(departements(), desc="Génération", unit="dép.", disable=not progress):
        part = _departement(code, seed, window, settings, out, plan)
        plan.submissions.extend(part.submissions)
        plan.weekly.update(part.weekly)
        plan.monthly.update(part.monthly)
        plan.practices.update(part.practices)
    plan.submissions.sort(key=lambda s: (s.received_at, s.path))
    for week in calendar.iter_weeks(window.first_week, window.last_week):
        plan.national_weekly[week] = national_week(
            week, [plan.weekly[(code, week)] for code in departements()])
    write_truth(plan)
    return plan


@dataclass
class LoadSummary:
    """What became of the demo's files once submitted and loaded."""

    accepted: int = 0
    duplicates: int = 0
    #: (file path, French error lines) of every file the hub refused: a demo bug.
    rejected: list[tuple[str, list[str]]] = field(default_factory=list)
    rows_loaded: int = 0
    load_failures: dict[str, str] = field(default_factory=dict)


def load(plan: DemoPlan, settings: Settings | None = None, *, progress: bool = False,
         threads: int = LOAD_THREADS) -> LoadSummary:
    """Submit every planned file through the one submit path with its simulated receipt time,
    then load the landing zone into the warehouse.

    Submissions run on a few threads, as concurrent uploads do on a Thursday morning: parsing
    happens in the sandbox's worker processes and landing waits on fsync, so threads overlap
    them. Receipt order does not depend on it — each receipt carries its forced time.
    """
    from concurrent.futures import ThreadPoolExecutor

    from tqdm import tqdm

    from ingestion.loader import ingest_pending
    from ingestion.submit import submit

    settings = settings or get_settings()

    def send(planned: PlannedSubmission):
        return planned, submit(planned.kind, (plan.out / planned.path).read_bytes(), planned.filename,
                               planned.departement, received_at=planned.received_at, actor=ACTOR,
                               settings=settings)

    summary = LoadSummary()
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for planned, receipt in tqdm(pool.map(send, plan.submissions), total=len(plan.submissions),
                                     desc="Dépôt", unit="fichier", disable=not progress):
            if receipt.status == "accepted":
                summary.accepted += 1
            elif receipt.status == "duplicate":
                summary.duplicates += 1
            else:
                summary.rejected.append((planned.path, [str(e) for e in receipt.errors]))
    result = ingest_pending(settings)
    summary.rows_loaded = result.rows_loaded
    summary.load_failures = dict(result.failed)
    return summary
