"""The Thursday-noon burst, as a reusable harness: plan the uploads, send them through the real
submit path on an open-loop schedule while a writer process loads, builds and publishes, SIGKILL
that writer at random points, then check that every acknowledged upload is in the warehouse
exactly once and that the latest version of each report wins.

Open loop: each upload *arrives* at its planned instant whether or not the earlier ones are
answered (as agents clicking in 101 préfectures do), and its receipt time is measured from that
arrival, so a slow hub shows up as queueing instead of hiding it.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
from peak_memory import peak_kib, reset_peak
from writer_loop import RSS

from data_contracts.referential import departements
from data_contracts.settings import Settings
from demo.files import SUFFIXES, render
from ingestion import sandbox
from ingestion.receipt import Receipt
from storage.published import serving_connection

#: Thursday 2026-11-26, 09:00 UTC (10:00 Paris), two hours before the W48 deadline.
BASE = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)
WEEK = "2026-W48"
WRITER = Path(__file__).with_name("writer_loop.py")
FORMATS = ("csv_excel", "xlsx", "json", "csv_utf8")
#: Where SIGKILLs land by default: mostly loading and dbt, sometimes publishing.
DEFAULT_KILL_TARGETS = {"ingest": (0.5, 0.5), "build": (0.45, 4.0), "publish": (0.05, 1.5)}
#: A département whose last report carries values found nowhere else: no page or download
#: of another département's or region's reader may ever contain them.
CANARY = "13"
CANARY_STOCK, CANARY_FAMILIES = 771_711, 424_242  # 6 digits: not found in hex ids by chance
CANARY_COMMENT = "canari-13-ne-doit-pas-fuir"
CANARY_FIGURES = {"signalements_cnapr": 3, "signalements_locaux": 2, "dont_mineurs": 1,
                  "orientations_judiciaires": 1, "suivis_en_cours": CANARY_STOCK, "suivis_clos": 2,
                  "familles_accompagnees": CANARY_FAMILIES, "commentaire": CANARY_COMMENT}
MEASURES = ("signalements_cnapr", "signalements_locaux", "dont_mineurs", "orientations_judiciaires",
            "suivis_en_cours", "suivis_clos", "familles_accompagnees")


@dataclass(frozen=True)
class PlannedUpload:
    at: float                    # seconds after the start of the burst
    departement: str
    figures: dict
    fmt: str
    intent: str                  # "first", "correction" or "double_click"

    @property
    def content(self) -> bytes:
        return render("weekly", [{"departement": self.departement, "semaine": WEEK, **self.figures}],
                      self.fmt)

    @property
    def filename(self) -> str:
        return f"hebdo_{self.departement}_{WEEK}{SUFFIXES[self.fmt]}"


def _figures(rng: random.Random, version: int) -> dict:
    cnapr, local = rng.randint(0, 6), rng.randint(0, 4)
    return {"signalements_cnapr": cnapr, "signalements_locaux": local,
            "dont_mineurs": rng.randint(0, cnapr + local),
            "orientations_judiciaires": rng.randint(0, 2), "suivis_en_cours": rng.randint(5, 400),
            "suivis_clos": rng.randint(0, 3), "familles_accompagnees": rng.randint(0, 60),
            "commentaire": f"version {version}"}


def plan_burst(seed: int, *, first_window: float, extra_uploads: int, extra_window: float,
               double_click_share: float) -> list[PlannedUpload]:
    """Every département sends its report within ``first_window`` seconds; then
    ``extra_uploads`` more arrive within ``extra_window`` seconds: corrections (new figures)
    and double clicks (the same file twice at the same instant, counted as two uploads).
    The last upload is the canary département's correction (:data:`CANARY_FIGURES`)."""
    rng = random.Random(seed)
    codes = list(departements())
    latest: dict[str, PlannedUpload] = {}
    versions = dict.fromkeys(codes, 1)
    plan = []
    for code in codes:
        upload = PlannedUpload(rng.uniform(0, first_window), code, _figures(rng, 1),
                               rng.choice(FORMATS), "first")
        latest[code] = upload
        plan.append(upload)
    # arrival instants in order, so each département's corrections follow each other
    instants = iter(sorted(first_window + rng.uniform(0, extra_window) for _ in range(extra_uploads)))
    extra = 0
    while extra < extra_uploads:
        at = next(instants)
        code = rng.choice(codes)
        if rng.random() < double_click_share and extra + 2 <= extra_uploads:
            twin = PlannedUpload(at, code, latest[code].figures, latest[code].fmt, "double_click")
            plan += [twin, twin]
            next(instants)  # two uploads: keep one instant per upload across the window
            extra += 2
            continue
        versions[code] += 1
        upload = PlannedUpload(at, code, _figures(rng, versions[code]), rng.choice(FORMATS), "correction")
        latest[code] = upload
        plan.append(upload)
        extra += 1
    plan.append(PlannedUpload(max(u.at for u in plan) + 0.5, CANARY, CANARY_FIGURES, "csv_excel",
                              "correction"))
    return sorted(plan, key=lambda u: u.at)


@dataclass
class Answer:
    upload: PlannedUpload
    receipt: Receipt | None
    seconds: float               # from arrival to receipt
    error: str | None = None


@dataclass
class BurstOutcome:
    answers: list[Answer]
    kills: list[str] = field(default_factory=list)   # phase each SIGKILL interrupted
    invariant_checks: int = 0
    duration_seconds: float = 0.0
    writer_peak_kib: int = 0
    submit_peak_kib: int = 0     # the submitting process (the upload page's server)

    @property
    def receipt_seconds(self) -> list[float]:
        return sorted(a.seconds for a in self.answers if a.receipt is not None)

    def percentile(self, q: float) -> float:
        values = self.receipt_seconds
        return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 \
            else (values[0] if values else 0.0)


def _send(upload: PlannedUpload, settings: Settings, start: float, base: datetime) -> Answer:
    from ingestion.submit import submit

    delay = start + upload.at - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    arrival = start + upload.at
    received = base + timedelta(seconds=time.monotonic() - start)  # a moving clock from CIPD_NOW
    try:
        receipt = submit("weekly", upload.content, upload.filename, upload.departement,
                         received_at=received, actor=f"burst:{upload.departement}", settings=settings)
        return Answer(upload, receipt, time.monotonic() - arrival)
    except Exception as error:  # noqa: BLE001 - an unanswered upload is a finding, not a crash
        return Answer(upload, None, time.monotonic() - arrival, f"{type(error).__name__}: {error}")


class Writer:
    """One writer process (writer_loop.py) and the phases it announced."""

    def __init__(self, home: Path, status: Path, stop: Path, log: Path, now: datetime):
        env = {**os.environ, "CIPD_HOME": str(home), "CIPD_NOW": now.isoformat()}
        self.status = status
        with log.open("ab") as out:
            self.process = subprocess.Popen([sys.executable, str(WRITER), str(status), str(stop)],
                                            env=env, stdout=out, stderr=subprocess.STDOUT)

    def _marks(self) -> list[list[str]]:
        try:
            text = self.status.read_text()
        except FileNotFoundError:  # the writer has not started yet
            return []
        lines = [line.split() for line in text.splitlines() if line.strip()]
        return [parts for parts in lines if parts[1] == str(self.process.pid) and parts[2] != RSS]

    def phase(self) -> str:
        marks = self._marks()
        return marks[-1][2] if marks else "start"

    def wait_for(self, phase: str, timeout: float = 300.0) -> None:
        """Until this writer enters ``phase`` (or ends, or ``timeout`` passes)."""
        deadline = time.monotonic() + timeout
        while (self.phase() != phase and self.process.poll() is None
               and time.monotonic() < deadline):
            time.sleep(0.02)

    def last_mark(self, phase: str) -> float:
        """Unix time this writer last entered ``phase`` (0 if never)."""
        return max((float(parts[0]) for parts in self._marks() if parts[2] == phase), default=0.0)

    def kill(self) -> str:
        phase = self.phase()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        return phase


def check_no_partial_submission(settings: Settings) -> None:
    """What any reader may see after a crash: whole submissions or nothing, each once; and a
    published serving file that opens."""
    if settings.warehouse_path.exists():
        with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
            present = {r[0] for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'").fetchall()}
            if {"submissions", "weekly_reports"} <= present:
                mismatched = con.execute("""
                    select s.submission_id from raw.submissions s
                    left join raw.weekly_reports w using (submission_id)
                    where s.status = 'accepted'
                    group by s.submission_id, s.row_count having s.row_count <> count(w.submission_id)
                """).fetchall()
                orphans = con.execute("""select count(*) from raw.weekly_reports where submission_id
                                         not in (select submission_id from raw.submissions)""").fetchone()[0]
                assert mismatched == [] and orphans == 0, (mismatched, orphans)
    if settings.serving_path.exists():
        # the same locked connection as the submit path's history reads in this process
        # (DuckDB refuses two configurations for one file in one process)
        with serving_connection(settings) as con:
            con.execute("select count(*) from marts.fct_submissions").fetchone()


def run_burst(home: Path, plan: list[PlannedUpload], *, base: datetime, kills: int, seed: int,
              kill_targets: dict[str, tuple[float, float]] | None = None,
              threads: int = 32) -> BurstOutcome:
    """Send ``plan`` while a writer loads/builds/publishes and is SIGKILLed ``kills`` times;
    then let one last writer run complete so everything acknowledged can be checked.

    ``kill_targets``: phase → (weight, seconds): each kill picks a phase by weight, waits for
    the writer to enter it, then strikes within that many seconds (a random point inside the
    phase, or just after it)."""
    kill_targets = kill_targets or DEFAULT_KILL_TARGETS
    settings = Settings(home=home, now=base)
    settings.ensure_dirs()
    reset_peak()  # the burst's own peak, not what earlier tests in this process loaded
    status, stop, log = home / "writer.status", home / "writer.stop", home / "writer.log"
    rng = random.Random(seed)
    outcome = BurstOutcome(answers=[])
    sandbox.warm_up(settings)  # as the upload page does when the server starts
    started = time.monotonic()
    writer = Writer(home, status, stop, log, base)
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(_send, upload, settings, started, base) for upload in plan]
        sending = threading.Thread(target=lambda: [f.result() for f in futures], daemon=True)
        sending.start()
        while len(outcome.kills) < kills:
            target = rng.choices(list(kill_targets), [w for w, _ in kill_targets.values()])[0]
            writer.wait_for(target)
            time.sleep(rng.uniform(0, kill_targets[target][1]))
            if writer.process.poll() is not None:
                raise AssertionError(f"the writer ended by itself (code {writer.process.returncode}); "
                                     f"see {log}")
            outcome.kills.append(writer.kill())
            check_no_partial_submission(settings)
            outcome.invariant_checks += 1
            writer = Writer(home, status, stop, log, base)
        sending.join()
        outcome.answers = [f.result() for f in futures]
    sent = time.time()
    stop.touch()
    if writer.last_mark("ingest") < sent:
        # its current load may have missed the last uploads: stop it (not counted as a kill)
        # and let one last writer load, build and publish everything
        writer.kill()
        last = Writer(home, status, stop, log, base)
        assert last.process.wait(timeout=600) == 0, f"final writer failed, see {log}"
    else:
        assert writer.process.wait(timeout=600) == 0, f"writer failed, see {log}"
    outcome.duration_seconds = time.monotonic() - started
    outcome.submit_peak_kib = peak_kib()  # since reset_peak() at the burst's start
    # the writers' own reports (RUSAGE_CHILDREN would count this process's pages, which a
    # forked child holds until it execs)
    outcome.writer_peak_kib = max(int(line.split()[3]) for line in status.read_text().splitlines()
                                  if line.strip())
    return outcome


@dataclass
class Verification:
    acknowledged: int
    losses: list[str]
    duplicates: list[str]
    stale_reports: list[str]     # départements whose marts do not show their latest version
    unanswered: list[str]


def verify(home: Path, outcome: BurstOutcome) -> Verification:
    """Compare every receipt with the warehouse and the published marts."""
    settings = Settings(home=home)
    answered = [a for a in outcome.answers if a.receipt is not None]
    accepted = [a for a in answered if a.receipt.status == "accepted"]
    accepted_ids = {a.receipt.submission_id for a in accepted}
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        raw_ids = [r[0] for r in con.execute("select submission_id from raw.submissions").fetchall()]
        row_duplicates = [r[0] for r in con.execute("""
            select submission_id from raw.weekly_reports group by submission_id, source_row
            having count(*) > 1""").fetchall()]
    with serving_connection(settings) as con:
        published = {r[0] for r in con.execute("select submission_id from marts.fct_submissions").fetchall()}
        shown = {r[0]: r[1:] for r in con.execute(
            f"select departement_code, submission_id, version_count, {', '.join(MEASURES)} "
            "from marts.fct_weekly_reports where week_code = ?", [WEEK]).fetchall()}
    seen: dict[str, int] = {}
    for sid in raw_ids:
        seen[sid] = seen.get(sid, 0) + 1
    duplicates = sorted({sid for sid, n in seen.items() if n > 1} | set(row_duplicates))
    duplicate_targets = {a.receipt.duplicate_of for a in answered if a.receipt.status == "duplicate"}
    losses = sorted((accepted_ids | duplicate_targets) - (set(raw_ids) & published))
    stale = []
    by_departement: dict[str, list[Answer]] = {}
    for answer in accepted:
        by_departement.setdefault(answer.upload.departement, []).append(answer)
    for code, answers in by_departement.items():
        last = max(answers, key=lambda a: (a.receipt.received_at, a.receipt.submission_id))
        expected = (last.receipt.submission_id, len(answers),
                    *(last.upload.figures[m] for m in MEASURES))
        if shown.get(code) != expected:
            stale.append(code)
    return Verification(
        acknowledged=sum(a.receipt.accepted for a in answered), losses=losses,
        duplicates=duplicates, stale_reports=sorted(stale),
        unanswered=[f"{a.upload.departement}: {a.error}" for a in outcome.answers if a.receipt is None])


def figures_row(name: str, outcome: BurstOutcome, verification: Verification) -> dict:
    """One line of the table ``make soak`` prints."""
    return {
        "test": name,
        "uploads": len(outcome.answers),
        "acknowledged": verification.acknowledged,
        "kills": len(outcome.kills),
        "killed in": ", ".join(f"{phase} {outcome.kills.count(phase)}"
                               for phase in sorted(set(outcome.kills))),
        "losses": len(verification.losses),
        "duplicates": len(verification.duplicates),
        "p50 receipt (s)": round(outcome.percentile(50), 3),
        "p95 receipt (s)": round(outcome.percentile(95), 3),
        "max receipt (s)": round(max(outcome.receipt_seconds, default=0.0), 3),
        "peak memory (MiB)": (f"{outcome.submit_peak_kib // 1024} submit / "
                              f"{outcome.writer_peak_kib // 1024} writer"),
        "duration (s)": round(outcome.duration_seconds, 1),
    }
