"""The landing sensor: a new upload starts ingest → dbt build → publish by itself.

The decision is a plain function (:func:`new_submissions`) so tests drive it without Dagster.
The cursor follows the landing order (each receipt's mtime: a receipt is written once, last,
by an atomic rename) rather than ``received_at``, which the demo may backdate: a backdated
upload landing now must still be seen. Each submission gets its own run with ``run_key = submission_id``, so
Dagster never starts two runs for one upload even if the cursor were lost.

A tick must stay cheap however long the history (it runs every few seconds, and the upload →
dashboard latency waits for it): it reads no receipt older than the cursor
(:func:`ingestion.landing.receipts_landed_since` lists only the month folders touched since).

The freshness sensor reports the serving check between runs (a check run only inside a landing
run could never see the marts fall behind). Like the assets, these modules keep real (not
postponed) annotations: Dagster reads them to inject resources and config.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from dagster import (
    AssetCheckEvaluation,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from ingestion.landing import receipts_landed_since
from orchestration.defs.assets.serving import freshness_fields
from orchestration.instance.dagster_home import SUBMISSION_TAG, WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE
from orchestration.warehouse.freshness import measure_freshness
from orchestration.defs.jobs import LANDING_JOB_NAME
from orchestration.warehouse.publication import published_submission_ids
from orchestration.defs.resources import HubResource

#: The daemon evaluates sensors on a 5-second loop and skips a sensor whose last tick is less
#: than its minimum interval old: asking for 5 s (the loop's own period) made every other loop
#: a skip, i.e. a tick every 10 s. Asking for less leaves the pace to the loop.
SENSOR_INTERVAL_SECONDS = 1

#: A receipt's mtime is when it was written, a moment before its rename made it visible: a tick
#: between the two could set the cursor past it. Receipts this much older than the cursor are
#: looked at again (their ids are kept in the cursor, so none is returned twice).
LANDING_MARGIN_NS = 60 * 1_000_000_000


@dataclass(frozen=True)
class LandedReceipt:
    """What a run request needs of a receipt, read only for receipts newer than the cursor."""

    submission_id: str
    kind: str
    departement: str
    landed_ns: int


def read_receipt(path: Path, landed_ns: int) -> LandedReceipt:
    data = json.loads(path.read_bytes())
    return LandedReceipt(submission_id=data["submission_id"], kind=data["kind"],
                         departement=data["departement"], landed_ns=landed_ns)


def new_submissions(landing_dir: Path, cursor: str | None) -> tuple[list[LandedReceipt], str | None]:
    """The receipts landed since ``cursor``, oldest first, and the cursor to store next.

    The cursor is the newest landing instant seen plus the ids of the receipts landed within
    :data:`LANDING_MARGIN_NS` of it: those are looked at again but never returned twice."""
    state = json.loads(cursor) if cursor else {"landed_ns": None, "ids": []}
    newest, seen = state["landed_ns"], set(state["ids"])
    since = -1 if newest is None else newest - LANDING_MARGIN_NS
    candidates = receipts_landed_since(landing_dir, since)
    new = [read_receipt(path, ns) for ns, path in candidates if path.stem not in seen]
    if not new:
        return [], cursor
    newest = max(newest if newest is not None else -1, candidates[-1][0])
    recent = sorted(path.stem for ns, path in candidates if ns >= newest - LANDING_MARGIN_NS)
    return new, json.dumps({"landed_ns": newest, "ids": recent})


def run_request_for(submission: LandedReceipt) -> RunRequest:
    return RunRequest(
        run_key=submission.submission_id,
        tags={
            WAREHOUSE_TAG: WAREHOUSE_TAG_VALUE,
            SUBMISSION_TAG: submission.submission_id,
            "cipd/kind": submission.kind,
            "cipd/departement": submission.departement,
        },
    )


@sensor(
    job_name=LANDING_JOB_NAME,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Lance chargement → dbt build → publication pour chaque dépôt arrivé en zone d'atterrissage.",
)
def landing_sensor(context: SensorEvaluationContext, hub: HubResource):
    settings = hub.settings()
    new, cursor = new_submissions(settings.landing_dir, context.cursor)
    # An upload already in the published marts (e.g. `cipd demo` built them itself) needs no run.
    published = published_submission_ids(settings) if new else set()
    requests = [run_request_for(s) for s in new if s.submission_id not in published]
    if not requests:
        reason = (f"{len(new)} nouveau(x) dépôt(s), déjà publié(s)" if new
                  else "Aucun nouveau dépôt en zone d'atterrissage")
        return SensorResult(skip_reason=SkipReason(reason), cursor=cursor)
    return SensorResult(run_requests=requests, cursor=cursor)


#: The freshness sensor looks every minute but records an evaluation only when the verdict
#: changes or this long after the last one (the event log is not a time series).
FRESHNESS_INTERVAL_SECONDS = 60
FRESHNESS_REPORT_EVERY_SECONDS = 15 * 60


def freshness_report_due(passed: bool, cursor: str | None, now: float) -> tuple[bool, str]:
    """Whether to record a freshness evaluation now, and the cursor to store."""
    last = json.loads(cursor) if cursor else None
    due = (last is None or last["passed"] != passed
           or now - last["at"] >= FRESHNESS_REPORT_EVERY_SECONDS)
    if not due:
        return False, cursor
    return True, json.dumps({"passed": passed, "at": now})


@sensor(
    minimum_interval_seconds=FRESHNESS_INTERVAL_SECONDS,
    default_status=DefaultSensorStatus.RUNNING,
    description="Évalue la fraîcheur des marts publiés par rapport aux dépôts arrivés.",
)
def freshness_sensor(context: SensorEvaluationContext, hub: HubResource):
    freshness = measure_freshness(hub.settings())
    due, cursor = freshness_report_due(freshness.is_fresh, context.cursor, time.time())
    if not due:
        return SensorResult(skip_reason=SkipReason(freshness.describe()), cursor=cursor)
    return SensorResult(asset_events=[AssetCheckEvaluation(**freshness_fields(freshness))], cursor=cursor)
