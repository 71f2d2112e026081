"""The gateway's own pages: sign-in, sign-out, health. French, plain HTML, no script.

The password goes through :func:`accounts.sign_in.attempt` — the same throttle and audit as the
dashboards. The session cookie is ``HttpOnly`` and ``SameSite=Strict``, ``Secure`` when served
over HTTPS, and expires with :func:`accounts.sessions.lifetime`.
"""

from __future__ import annotations

import math
from html import escape

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from accounts import sessions, sign_in
from data_contracts.settings import get_settings
from orchestration.gateway.guard import (
    COOKIE,
    PURPOSE,
    SIGN_IN_PATH,
    client_address,
    session_account,
)

_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>CIPD — exploitation (Dagster)</title>
<style>body{{font-family:sans-serif;max-width:28rem;margin:4rem auto}}
label,input,button{{display:block;width:100%;margin:.4rem 0}}.error{{color:#b00}}</style>
</head><body><h1>Exploitation du hub CIPD</h1>
<p>Accès à Dagster réservé aux comptes « admin » (équipe nationale qui exploite le hub).</p>
{message}
<form method="post" action="{action}">
<input type="hidden" name="next" value="{next}">
<label>Identifiant <input name="login" autocomplete="username" required></label>
<label>Mot de passe <input name="password" type="password" autocomplete="current-password"
 required></label>
<label>Code à usage unique (comptes à double authentification) <input name="code"
 inputmode="numeric" autocomplete="one-time-code"></label>
<button type="submit">Se connecter</button></form></body></html>"""


def _safe_next(value: str | None) -> str:
    """Only a path of this server (no ``//host`` or scheme): no open redirect."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _page(next_path: str, message: str = "", status: int = 200) -> HTMLResponse:
    block = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
    return HTMLResponse(_PAGE.format(message=block, action=SIGN_IN_PATH,
                                     next=escape(_safe_next(next_path))), status_code=status)


async def sign_in_form(request: Request) -> HTMLResponse:
    return _page(request.query_params.get("next", "/"))


async def sign_in_submit(request: Request):
    settings = get_settings()
    form = await request.form()
    next_path = _safe_next(str(form.get("next") or "/"))
    result = sign_in.attempt(settings, str(form.get("login") or ""), str(form.get("password") or ""),
                             client=client_address(request), channel="operator",
                             code=str(form.get("code") or ""))
    if result.throttled:
        return _page(next_path, "Trop d'essais depuis ce poste : réessayez dans "
                     f"{math.ceil(result.wait.seconds)} s.", 429)
    if result.needs_code:
        return _page(next_path, "Code à usage unique manquant ou incorrect : saisissez le code à "
                     "6 chiffres que montre votre application d'authentification.", 401)
    if result.account is None:
        return _page(next_path, "Identifiant ou mot de passe incorrect.", 401)
    if not result.account.role.is_admin:
        return _page(next_path, f"Le compte « {result.account.login} » (rôle "
                     f"« {result.account.role} ») n'a pas accès à Dagster : il est réservé au "
                     "rôle « admin ». Utilisez les tableaux de bord.", 403)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(COOKIE, sessions.issue(settings, result.account.login, purpose=PURPOSE),
                        max_age=settings.session_lifetime_seconds, httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


async def sign_out(request: Request) -> RedirectResponse:
    settings = get_settings()
    account = session_account(settings, request)
    if account is not None:
        sign_in.record(settings, "sign_out", account.login, "success", account, channel="operator")
    response = RedirectResponse(SIGN_IN_PATH, status_code=303)
    response.delete_cookie(COOKIE)
    return response


async def health(_: Request) -> PlainTextResponse:
    """Anonymous: says the gateway (and Dagster's workspace, loaded before it serves) is up."""
    return PlainTextResponse("ok")


def gateway_app() -> Starlette:
    return Starlette(routes=[
        Route(SIGN_IN_PATH, sign_in_form, methods=["GET"]),
        Route(SIGN_IN_PATH, sign_in_submit, methods=["POST"]),
        Route("/_cipd/sign-out", sign_out, methods=["POST", "GET"]),
        Route("/_cipd/health", health, methods=["GET"]),
    ])
