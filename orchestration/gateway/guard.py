"""The ASGI middleware in front of Dagster: signed-in ``admin`` accounts only, writes audited.

Why a middleware around Dagster's own app rather than a proxy: Dagster's webserver runs in this
process and listens nowhere else, so there is no port to reach it behind the gateway's back.

For every request other than the gateway's own pages (``/_cipd/...``):

- no valid operator session cookie → 401 (a browser asking for a page is sent to the sign-in);
- a valid session of an account that is not ``admin`` → 403 (Dagster shows run tags with
  départements and submission ids: reading is refused too, national readers use the dashboards);
- a GraphQL mutation is accepted only as ``POST`` with a JSON body (a cross-site form cannot send
  one) and is written to the hub's audit journal *before* Dagster runs it; if the audit cannot be
  written the mutation is refused (503) — no write without its trace. Other writing endpoints
  (``POST /report_asset_*``) are audited the same way;
- a request whose ``Origin`` is not this server is refused (403).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, RedirectResponse, Response

from accounts import sessions
from accounts.users import Account
from data_contracts.settings import Settings, get_settings
from orchestration.gateway.graphql_ops import mutation_fields, summarise
from storage import audit

ASGIApp = Callable[[dict, Callable, Callable], Awaitable[None]]
COOKIE = "cipd_operator_session"
PURPOSE = "operator"
#: Bigger GraphQL bodies are refused before they are read whole (Dagster's UI sends a few KiB).
MAX_BODY_BYTES = 2 * 1024 * 1024
SIGN_IN_PATH = "/_cipd/sign-in"


def session_account(settings: Settings, connection: HTTPConnection) -> Account | None:
    return sessions.account_for_token(settings, connection.cookies.get(COOKIE), purpose=PURPOSE)


def client_address(connection: HTTPConnection) -> str:
    return connection.client.host if connection.client else "inconnu"


def _refusal(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def _same_origin(connection: HTTPConnection) -> bool:
    """No ``Origin`` (curl, a same-origin navigation) is fine; a foreign one is not — another
    port of the same host (the dashboards) is another origin."""
    origin = connection.headers.get("origin")
    if origin is None:
        return True
    host = connection.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


class OperatorGuard:
    """Wraps ``dagster_app``; ``gateway_app`` serves ``/_cipd/...`` (sign-in, sign-out, health)."""

    def __init__(self, dagster_app: ASGIApp, gateway_app: ASGIApp,
                 settings: Callable[[], Settings] = get_settings) -> None:
        self.dagster_app = dagster_app
        self.gateway_app = gateway_app
        self.settings = settings

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await self.dagster_app(scope, receive, send)
            return
        if scope["path"].startswith("/_cipd/"):
            await self.gateway_app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        settings = self.settings()
        account = session_account(settings, connection)
        refusal = self._refuse(connection, account)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 4403})
            else:
                await refusal(scope, receive, send)
            return
        if scope["type"] == "http" and self._may_write(scope):
            await self._audited(settings, connection, account, scope, receive, send)
            return
        if scope["type"] == "websocket":
            receive = _no_mutations_over_websocket(receive, send)
        await self.dagster_app(scope, receive, send)

    @staticmethod
    def _refuse(connection: HTTPConnection, account: Account | None) -> Response | None:
        if not _same_origin(connection):
            return _refusal(403, "Requête refusée : elle ne vient pas de cette page (origine "
                                 f"« {connection.headers.get('origin')} »).")
        if account is None:
            accept = connection.headers.get("accept", "")
            if connection.scope["type"] == "http" and connection.scope["method"] == "GET" \
                    and "text/html" in accept:
                return RedirectResponse(f"{SIGN_IN_PATH}?next={connection.url.path}", 303)
            return _refusal(401, "Connexion requise : connectez-vous avec un compte "
                                 f"« admin » sur {SIGN_IN_PATH}.")
        if not account.role.is_admin:
            return _refusal(403, f"Accès refusé : le compte « {account.login} » a le rôle "
                                 f"« {account.role} » ; Dagster est réservé au rôle « admin ».")
        return None

    @staticmethod
    def _may_write(scope: dict) -> bool:
        return scope["path"].rstrip("/").endswith("/graphql") or scope["method"] != "GET"

    async def _audited(self, settings: Settings, connection: HTTPConnection, account: Account,
                       scope: dict, receive: Callable, send: Callable) -> None:
        body = await _read_body(receive)
        if body is None:
            await _refusal(413, "Requête trop volumineuse.")(scope, receive, send)
            return
        event = _write_event(connection, scope, body, actor=f"web:{account.login}")
        if isinstance(event, Response):
            await event(scope, receive, send)
            return
        if event is not None:
            try:
                audit.append_events(settings, [event])
            except Exception:  # whatever stops the journal (full disk, a chain error): no write
                await _refusal(503, "Action refusée : le journal d'audit ne peut pas être écrit "
                                    "(disque plein ?). Rien n'a été exécuté.")(scope, receive, send)
                return
        await self.dagster_app(scope, _replay(body, receive), send)


def _write_event(connection: HTTPConnection, scope: dict, body: bytes, *,
                 actor: str) -> dict[str, Any] | Response | None:
    """The audit event of a writing request, a refusal, or None for a read."""
    client = client_address(connection)
    if not scope["path"].rstrip("/").endswith("/graphql"):
        return audit.new_event("dagster_http_write", actor=actor, outcome="requested", detail={
            "method": scope["method"], "path": scope["path"], "client": client, "role": "admin"})
    content_type = connection.headers.get("content-type", "")
    data: Any = dict(connection.query_params)
    if scope["method"] == "POST" and "application/json" in content_type:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return None  # Dagster answers 400 and runs nothing
    elif scope["method"] == "POST" and "application/graphql" in content_type:
        data = {"query": body.decode("utf-8", "replace")}
    if not isinstance(data, dict):
        return _refusal(400, "Requête GraphQL invalide : un seul objet JSON par requête.")
    query = data.get("query")
    if not isinstance(query, str):
        return None
    fields = mutation_fields(query, data.get("operationName"))
    if not fields:
        return None
    if scope["method"] != "POST" or "application/json" not in content_type:
        return _refusal(403, "Action refusée : une mutation s'envoie en POST avec un corps JSON.")
    variables = data.get("variables")
    if isinstance(variables, str):
        try:
            variables = json.loads(variables)
        except ValueError:
            variables = {"raw": variables}
    return audit.new_event("dagster_mutation", actor=actor, outcome="requested", detail={
        "mutations": fields, "operation": data.get("operationName"),
        "variables": summarise(variables or {}), "client": client, "role": "admin"})


async def _read_body(receive: Callable) -> bytes | None:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks)
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > MAX_BODY_BYTES:
            return None
        if not message.get("more_body"):
            return b"".join(chunks)


def _no_mutations_over_websocket(receive: Callable, send: Callable) -> Callable:
    """Dagster's WebSocket carries subscriptions only; a message naming a mutation closes the
    connection rather than reach Dagster unaudited (graphql-core would not run it, but the
    guard does not rely on that)."""
    async def guarded() -> dict:
        message = await receive()
        text = message.get("text") if message["type"] == "websocket.receive" else None
        if text:
            try:
                payload = json.loads(text).get("payload") or {}
                query = payload.get("query") if isinstance(payload, dict) else None
            except (ValueError, AttributeError):
                query = None
            if isinstance(query, str) and mutation_fields(query, payload.get("operationName")):
                await send({"type": "websocket.close", "code": 4403})
                return {"type": "websocket.disconnect", "code": 4403}
        return message

    return guarded


def _replay(body: bytes, receive: Callable) -> Callable:
    sent = False

    async def replay() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
