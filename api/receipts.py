"""``GET /v1/depots…``: a département's own receipts, and whether a deposit is published.

Receipts come from the landing zone and the quarantine (the truth, available at once);
publication from the published marts (``marts.fct_submissions`` holds one row per loaded
receipt, ``marts.meta_build`` when that copy was published).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from data_contracts import calendar
from data_contracts.settings import Settings
from ingestion.landing import LandedSubmission, list_received
from ingestion.receipt import utc_text
from storage.published import serving_connection

#: Without ``periode``, the listing covers the receipts of the last three months.
DEFAULT_MONTHS = 3


def published_at(settings: Settings, submission_id: str) -> str | None:
    """When the published copy that holds this submission was published (None: not yet)."""
    if not settings.serving_path.exists():
        return None
    with serving_connection(settings) as connection:
        found = connection.execute(
            "select 1 from marts.fct_submissions where submission_id = ?", [submission_id]).fetchone()
        if not found:
            return None
        (instant,) = connection.execute("select published_at from marts.meta_build").fetchone()
    return utc_text(instant)


def receipt_document(settings: Settings, landed: LandedSubmission) -> dict[str, Any]:
    """The receipt as ``cipd submit --json`` printed it, plus ``published_at``."""
    document = landed.receipt().as_dict()
    document["published_at"] = published_at(settings, landed.submission_id) \
        if landed.status == "accepted" else None
    return document


def _since(period: str | None, now: datetime) -> datetime:
    if period is None:
        return calendar.now_utc(now) - timedelta(days=31 * DEFAULT_MONTHS)
    try:
        day = calendar.week_monday(period)
    except ValueError:
        day = calendar.month_first_day(period)  # ValueError when neither: the caller says so
    return calendar.paris_noon_utc(day) - timedelta(days=1)


def own_receipts(settings: Settings, departement: str, period: str | None,
                 now: datetime) -> list[dict[str, Any]]:
    """The département's receipts (accepted and rejected), newest first, optionally only those
    covering ``period`` (a week ``2026-W48`` or a month ``2026-11``)."""
    found = []
    for landed in reversed(list_received(settings, _since(period, now))):
        if landed.departement != departement:
            continue
        receipt = landed.receipt()
        if period is None or period in receipt.periods:
            found.append(receipt.as_dict())
    return found


#: What a préfecture system needs to fix a report: which one, which fields, why, since when.
_OPEN_REQUEST_COLUMNS = ("request_id", "report_kind", "period_code", "field_names", "reason_code",
                         "message", "requested_at", "age_days")


def open_corrections(settings: Settings, departement: str) -> list[dict[str, Any]]:
    """The département's open correction requests in the published marts (``fct_review_requests``:
    a request closes when a new version of the report or a confirmation is published)."""
    if not settings.serving_path.exists():
        return []
    with serving_connection(settings) as connection:
        if not connection.execute("select count(*) from information_schema.tables where "
                                  "table_schema = 'marts' and table_name = 'fct_review_requests'"
                                  ).fetchone()[0]:
            return []
        cursor = connection.execute(
            f"select {', '.join(_OPEN_REQUEST_COLUMNS)} from marts.fct_review_requests "
            "where departement_code = ? and is_open order by requested_at, request_id", [departement])
        rows = [dict(zip(_OPEN_REQUEST_COLUMNS, values)) for values in cursor.fetchall()]
    for row in rows:
        row["fields"] = [name for name in (row.pop("field_names") or "").split(",") if name]
        row["requested_at"] = utc_text(row["requested_at"]) if row["requested_at"] else None
    return rows
