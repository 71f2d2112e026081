"""When an incremental dbt build must be a full refresh instead.

The incremental models (``int_report_changes`` and the models that filter on it) recompute
only the keys that changed since the previous build. That is sound only while everything
else that shapes their rows is unchanged: the dbt project's files (SQL, YAML, seeds), the
dbt vars other than the clock, a clock that moves forward, and a previous build that ended
well. This module keeps a fingerprint of those under ``CIPD_HOME/dbt`` and says when it no
longer matches; ``orchestration.warehouse.build.build`` then passes ``--full-refresh``.

The state is removed before dbt runs and written back only after a successful build, so a
failed or killed build makes the next one a full refresh.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from data_contracts.calendar import now_utc
from data_contracts.settings import DBT_PROJECT_DIR, Settings

#: Project files whose content shapes the models' rows.
_PROJECT_SUFFIXES = frozenset({".sql", ".yml", ".yaml", ".csv"})
#: The clock var: it moves at every build and is checked for moving back instead.
_CLOCK_VARS = frozenset({"as_of"})


def state_path(settings: Settings) -> Path:
    return settings.root / "dbt" / "incremental_state.json"


def project_digest(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """sha256 over the project's model, macro, test and seed files (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(project_dir.rglob("*")):
        relative = path.relative_to(project_dir)
        if path.suffix in _PROJECT_SUFFIXES and path.is_file() and relative.parts[0] not in ("target", "logs"):
            digest.update(str(relative).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def fingerprint(dbt_vars: Mapping[str, Any]) -> str:
    fixed = {key: value for key, value in dbt_vars.items() if key not in _CLOCK_VARS}
    return hashlib.sha256(
        (json.dumps(fixed, sort_keys=True, default=str) + project_digest()).encode()).hexdigest()


def clock(settings: Settings) -> datetime:
    return now_utc(settings.now)


def full_refresh_reason(settings: Settings, dbt_vars: Mapping[str, Any]) -> str | None:
    """Why the next build must be a full refresh, or None when an incremental one is sound."""
    try:
        state = json.loads(state_path(settings).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return "no successful build recorded (first build, or the last one failed)"
    if dbt_vars.get("known_at") or state.get("known_at"):
        return "an 'as known at' build replaces every row"
    if state.get("fingerprint") != fingerprint(dbt_vars):
        return "the dbt project or its vars changed"
    if datetime.fromisoformat(state["clock"]) > clock(settings):
        return "the clock moved back"
    return None


def forget(settings: Settings) -> None:
    """Called before dbt runs: until it succeeds, the next build is a full refresh."""
    state_path(settings).unlink(missing_ok=True)


def record(settings: Settings, dbt_vars: Mapping[str, Any]) -> None:
    """Called after a successful build."""
    path = state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "fingerprint": fingerprint(dbt_vars),
        "clock": clock(settings).astimezone(timezone.utc).isoformat(),
        "known_at": dbt_vars.get("known_at"),
    }), encoding="utf-8")
