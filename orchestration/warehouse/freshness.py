"""Are the published marts behind the landing zone? By how long?

The marts are stale when an upload has landed and is still not in ``serving.duckdb`` after
``settings.freshness_minutes`` (default 5): the sensor, the daemon or a build is stuck. Ages are
measured on the real clock, because landing times are real file times (a frozen demo clock
would make every upload look hours old or not yet arrived).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from data_contracts.calendar import format_paris
from data_contracts.settings import Settings
from orchestration.warehouse.publication import landed_at, unpublished_submissions


@dataclass(frozen=True)
class Freshness:
    pending: int
    oldest_pending_minutes: float | None
    oldest_pending_id: str | None
    oldest_landed_at: datetime | None
    limit_minutes: int

    @property
    def is_fresh(self) -> bool:
        return self.oldest_pending_minutes is None or self.oldest_pending_minutes <= self.limit_minutes

    def describe(self) -> str:
        """French, for the operator reading the check in the Dagster UI."""
        if self.pending == 0:
            return "Les marts publiés intègrent tous les dépôts reçus."
        wait = f"{self.oldest_pending_minutes:.1f}".replace(".", ",")
        state = "dans le délai" if self.is_fresh else "délai dépassé"
        return (f"{self.pending} dépôt(s) pas encore publiés ; le plus ancien ({self.oldest_pending_id}, "
                f"arrivé le {format_paris(self.oldest_landed_at)}) attend depuis {wait} min "
                f"(limite {self.limit_minutes} min : {state}). Vérifiez que le démon Dagster tourne "
                "et que le dernier « ingest_build_publish » a réussi.")


def measure_freshness(settings: Settings, now: datetime | None = None) -> Freshness:
    now = now or datetime.now(timezone.utc)
    pending = [(landed_at(s), s) for s in unpublished_submissions(settings)]
    if not pending:
        return Freshness(0, None, None, None, settings.freshness_minutes)
    oldest_at, oldest = min(pending, key=lambda pair: pair[0])
    return Freshness(
        pending=len(pending),
        oldest_pending_minutes=(now - oldest_at).total_seconds() / 60,
        oldest_pending_id=oldest.submission_id,
        oldest_landed_at=oldest_at,
        limit_minutes=settings.freshness_minutes,
    )
