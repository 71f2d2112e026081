"""Who a Dagster run acts as, in the hub's audit: the run, its job and what triggered it.

Why not a fixed "dagster:landing": the audit must say which run did it and whether a sensor,
a schedule or a person started it, so an unexpected load can be traced to its run in Dagster.
A run launched through the operator plane may carry the ``cipd/launched_by`` tag (the signed-in
account); otherwise a run without sensor or schedule tag is "manual".
"""

from __future__ import annotations

from typing import Any

LAUNCHED_BY_TAG = "cipd/launched_by"


def run_trigger(tags: dict[str, str]) -> str:
    if tags.get("dagster/sensor_name"):
        return f"sensor={tags['dagster/sensor_name']}"
    if tags.get("dagster/schedule_name"):
        return f"schedule={tags['dagster/schedule_name']}"
    if tags.get("dagster/backfill"):
        return f"backfill={tags['dagster/backfill']}"
    if tags.get(LAUNCHED_BY_TAG):
        return f"manual={tags[LAUNCHED_BY_TAG]}"
    return "manual"


def run_actor(context: Any) -> str:
    """``dagster:<job>:<run id>:<trigger>`` for an op or asset execution context."""
    run = context.run
    return f"dagster:{run.job_name}:{run.run_id}:{run_trigger(dict(run.tags or {}))}"
