"""The dashboards' entries in the audit trail: sign-ins (successful or not), sign-outs and data
exports. Uploads and rejections are recorded by the submit path itself.

Why through :mod:`storage.audit`: one append-only journal (``CIPD_HOME/audit/events.jsonl``,
opened ``O_APPEND`` only) that the loader copies, insert-only, into ``raw.audit_log``. The
dashboards never write the warehouse, and nothing in the hub updates or deletes an event.
"""

from __future__ import annotations

from typing import Any

from accounts.roles import Role
from data_contracts.settings import get_settings
from storage import audit


def record(action: str, actor: str | None, outcome: str, role: Role | None = None,
           **detail: Any) -> None:
    """Append one event; ``actor`` is the login (or the login attempted), prefixed ``web:``."""
    departement = role.code if role is not None and role.is_departement else None
    audit.append_events(get_settings(), [audit.new_event(
        action, actor=f"web:{actor or 'inconnu'}", outcome=outcome, departement=departement,
        detail={"role": str(role) if role is not None else None, **detail})])
