"""The landing sensor: a new upload starts ingest → dbt build → publish by itself.

The decision is a plain function (:func:`new_submissions`) so tests drive it without Dagster.
The cursor follows the landing order (each receipt's mtime: a receipt is written once, last,
by an atomic rename) rather than ``received_at``, which the demo may backdate: a backdated
upload landing now must still be seen. Each submission gets its own run with ``run_key = submission_id``, so
Dagster never starts two runs for one upload even if the cursor were lost.

The freshness sensor reports the serving check between runs (a check run only inside a landing
run could never see the marts fall behind). Like the assets, these modules keep real (not
postponed) annotations: Dagster reads them to inject resources and config.
"""

import json
import time
from collections.abc import Sequence

from dagster import (
    AssetCheckEvaluation,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.assets.serving import freshness_fields
from orchestration.dagster_home import SUBMISSION_TAG, WAREHOUSE_TAG, WAREHOUSE_TAG_VALUE
from orchestration.freshness import measure_freshness
from orchestration.jobs import LANDING_JOB_NAME
from orchestration.publication import landed_submissions, published_submission_ids
from orchestration.resources import HubResource

#: The daemon cannot tick faster than every 5 s; asking for more costs nothing.
SENSOR_INTERVAL_SECONDS = 5


def _landed_ns(submission) -> int:
    return submission.receipt_path.stat().st_mtime_ns


def new_submissions(landed: Sequence, cursor: str | None) -> tuple[list, str | None]:
    """The submissions landed since ``cursor``, and the cursor to store next.

    The cursor is the newest landing instant seen plus the ids landed at exactly that instant
    (two files can share an mtime), so nothing is returned twice and nothing is skipped."""
    state = json.loads(cursor) if cursor else {"landed_ns": -1, "ids": []}
    seen_ns, seen_ids = state["landed_ns"], set(state["ids"])
    stamped = sorted(((_landed_ns(s), s) for s in landed), key=lambda pair: pair[0])
    new = [s for ns, s in stamped if ns > seen_ns or (ns == seen_ns and s.submission_id not in seen_ids)]
    if not new:
        return [], cursor
    newest = stamped[-1][0]
    ids = sorted(s.submission_id for ns, s in stamped if ns == newest)
    return new, json.dumps({"landed_ns": newest, "ids": ids})


def run_request_for(submission) -> RunRequest:
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
    new, cursor = new_submissions(landed_submissions(settings), context.cursor)
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
