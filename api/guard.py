"""What every call goes through before and after its route: the size limit and the audit.

The size limit is enforced while the body streams in, not after it was buffered: a declared
``Content-Length`` over the limit is refused before a byte is read, and a body without one
(chunked) is counted as it arrives and cut off at the limit. Either way the answer is a 413
with a French message. The limit is the upload limit plus room for the multipart framing, so
a file just over ``max_upload_bytes`` still reaches the submit path and gets its numbered
``file_too_large`` error, the same as on the page.

Every ``/v1`` call then leaves one audit event (``api_call``) with the token's label as actor
(``api:anonyme`` when no valid token came), the route, the status and the token id; a
deposit's own ``submit`` event is written by the submit path, as for the page and the CLI.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread
from fastapi import HTTPException
from starlette.responses import JSONResponse

from data_contracts.settings import Settings
from storage import audit

#: Room for the multipart boundary and part headers around the file itself.
FRAMING_BYTES = 64 * 1024
ANONYMOUS = "api:anonyme"


def request_limit(settings: Settings) -> int:
    return settings.max_upload_bytes + FRAMING_BYTES


def too_large_message(limit: int) -> str:
    return (f"Requête trop volumineuse : {limit / 1_048_576:.1f} Mo au plus pour un dépôt. Un "
            "rapport tient en quelques lignes ; envoyez le modèle rempli, sans images ni autres "
            "onglets.")


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return {401: "unauthenticated", 403: "forbidden", 413: "too_large", 429: "throttled",
            422: "rejected"}.get(status, "error")


def record_call(settings: Settings, scope: dict[str, Any], status: int) -> None:
    state = scope.get("state") or {}
    token = state.get("token")
    detail = {"method": scope["method"], "path": scope["path"], "status": status,
              "token_id": token.token_id if token else None}
    detail.update(state.get("audit_detail") or {})
    audit.append_events(settings, [audit.new_event(
        "api_call", actor=token.label if token else ANONYMOUS, outcome=_outcome(status),
        departement=token.departement if token else None,
        submission_id=state.get("submission_id"), detail=detail)])


class GuardedCalls:
    """ASGI middleware: the streaming size limit, then one audit event per ``/v1`` call."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings
        self.limit = request_limit(settings)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})

        audited = not scope["path"].startswith("/v1/")

        async def sending(message):
            nonlocal audited
            # Audited before answered: a client that got an answer can find its event.
            if message["type"] == "http.response.start" and not audited:
                audited = True
                await to_thread.run_sync(record_call, self.settings, scope, message["status"])
            await send(message)

        try:
            declared = int(dict(scope["headers"]).get(b"content-length", b"0"))
        except ValueError:
            declared = 0
        if declared > self.limit:
            response = JSONResponse({"detail": too_large_message(self.limit)}, status_code=413,
                                    headers={"Connection": "close"})
            await response(scope, receive, sending)
        else:
            try:
                await self.app(scope, self._counted(receive), sending)
            except Exception:
                if not audited:  # the server's error handler answers 500 outside this layer
                    audited = True
                    await to_thread.run_sync(record_call, self.settings, scope, 500)
                raise

    def _counted(self, receive):
        seen = 0

        async def receiving():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise HTTPException(413, detail=too_large_message(self.limit),
                                        headers={"Connection": "close"})
            return message

        return receiving
