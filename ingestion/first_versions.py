"""When a département first reported a period: a new upload for it is a correction.

Why the receipt needs it: timeliness is that of the first version (the status rules, and the
marts' ``timeliness``); a correction sent after the deadline must not tell the agent « EN
RETARD » when the report was on time. The published marts know each period's
``first_received_at``; uploads landed since that copy was published are read from the landing
zone's receipts (only the month folders touched since, see
:func:`ingestion.landing.receipts_landed_since`), so a correction sent a minute after the first
version is recognised too. Like the history warnings, this never opens the warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from data_contracts import calendar
from data_contracts.settings import Settings
from ingestion.landing import receipts_landed_since
from ingestion.receipt import parse_utc

_MARTS = {"weekly": ("fct_weekly_reports", "week_code"), "monthly": ("fct_monthly_reports", "month_code")}
#: Uploads landed this long before the serving copy was written may still be missing from it
#: (loaded after the build that was published began).
_PUBLICATION_LAG_NS = 3600 * 10**9


def first_received(settings: Settings, kind: str, departement: str,
                   periods: Iterable[str]) -> dict[str, datetime]:
    """Period → when its first accepted version was received (UTC), for those of ``periods``
    the département already reported; empty for a first upload."""
    wanted = set(periods)
    if kind not in _MARTS or not wanted:
        return {}
    found = _from_marts(settings, kind, departement, wanted)
    for period, received in _from_landing(settings, kind, departement, wanted).items():
        if period not in found or received < found[period]:
            found[period] = received
    return found


def _from_marts(settings: Settings, kind: str, departement: str, periods: set[str]) -> dict[str, datetime]:
    if not settings.serving_path.exists():
        return {}
    import duckdb

    from storage.published import serving_connection

    table, period_column = _MARTS[kind]
    try:
        with serving_connection(settings) as connection:
            rows = connection.execute(
                f'select "{period_column}", first_received_at from marts."{table}" '
                f'where departement_code = ? and "{period_column}" in (select unnest(?)) '
                "and first_received_at is not null", [departement, sorted(periods)]).fetchall()
    except duckdb.Error:  # no marts yet, or an older layout: the landing zone still answers
        return {}
    return {period: calendar.now_utc(received) for period, received in rows}  # stored as naive UTC


def _from_landing(settings: Settings, kind: str, departement: str, periods: set[str]) -> dict[str, datetime]:
    try:
        since_ns = settings.serving_path.stat().st_mtime_ns - _PUBLICATION_LAG_NS
    except FileNotFoundError:
        since_ns = 0  # nothing published: every receipt counts
    found: dict[str, datetime] = {}
    for _landed_ns, path in receipts_landed_since(settings.landing_dir, since_ns):
        try:
            data = json.loads(path.read_bytes())
        except (FileNotFoundError, json.JSONDecodeError):
            continue
        if data.get("kind") != kind or data.get("departement") != departement:
            continue
        received = parse_utc(data["received_at"])
        for period in periods.intersection(data.get("periods") or ()):
            if period not in found or received < found[period]:
                found[period] = received
    return found
