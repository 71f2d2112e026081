"""The submission API's routes (FastAPI): deposit, receipts, deadlines, contracts, templates.

Every route is thin: it authenticates the token, checks the département, then calls what the
page and the CLI call (``ingestion.submit.submit``, the contracts' JSON Schema and templates),
so the API cannot drift from them. Descriptions are French: they are what the préfectures'
developers read at ``/docs``.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from enum import Enum
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline

from accounts.api_tokens import ApiToken, verify_token
from api import deadlines, deposits, idempotency, receipts
from api.descriptions import DEPOSIT_BODY, DESCRIPTION, KIND_HELP, RECEIPT_RESPONSES
from api.guard import GuardedCalls
from api.limits import TokenBuckets
from data_contracts import calendar
from data_contracts.referential import normalise_departement_code
from data_contracts.registry import CONTRACTS, KINDS
from data_contracts.settings import Settings, get_settings
from data_contracts.templates import json_schema, write_template
from ingestion import landing

Kind = Enum("Kind", {kind: kind for kind in KINDS}, type=str)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API bound to ``settings`` (the server's environment when None)."""
    settings = settings or get_settings()
    buckets = TokenBuckets(settings.api_requests_per_minute, settings.api_burst)
    bearer = HTTPBearer(auto_error=False, description="Jeton de dépôt du département (cipd tokens create)")

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        from ingestion.sandbox import warm_up

        settings.ensure_dirs()
        await run_in_threadpool(warm_up, settings)  # the first deposit need not start a worker
        yield

    # /docs and /redoc from the package's own copy of Swagger UI and ReDoc, not a CDN: the hub's
    # network and the proxy's content policy need not reach the Internet.
    app = FastAPIOffline(title="API de dépôt CIPD", version="1", description=DESCRIPTION, lifespan=lifespan,
                         openapi_tags=[
                             {"name": "dépôts", "description": "Déposer un rapport, lire ses accusés"},
                             {"name": "calendrier", "description": "Échéances et rapports attendus"},
                             {"name": "contrats", "description": "Format attendu et modèles à remplir"}])
    app.add_middleware(GuardedCalls, settings=settings)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError):
        problems = [f"{' › '.join(str(p) for p in e['loc'])} : valeur « {e.get('input')} » invalide"
                    for e in error.errors()]
        return JSONResponse({"detail": "Requête invalide : " + " ; ".join(problems)}, status_code=422)

    async def caller(request: Request,
                     credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> ApiToken:
        token = verify_token(settings, credentials.credentials if credentials else "")
        if token is None:
            # Failed attempts are throttled per address too: guessing costs the guesser.
            wait = buckets.allow(f"address:{request.client.host if request.client else '?'}")
            if wait:
                raise HTTPException(429, headers={"Retry-After": str(wait)}, detail=(
                    f"Trop d'appels sans jeton valide depuis cette adresse : réessayez dans {wait} s."))
            raise HTTPException(401, headers={"WWW-Authenticate": "Bearer"}, detail=(
                "Jeton absent, inconnu, expiré ou révoqué : envoyez l'en-tête « Authorization: "
                "Bearer <jeton> » avec le jeton délivré par le SG-CIPD (cipd tokens create)."))
        request.state.token = token
        wait = buckets.allow(token.token_id)
        if wait:
            raise HTTPException(429, headers={"Retry-After": str(wait)}, detail=(
                f"Trop d'appels pour ce jeton ({settings.api_requests_per_minute} par minute au plus) : "
                f"réessayez dans {wait} s."))
        return token

    def tenant(request: Request, token: ApiToken, departement: str | None) -> str:
        code = normalise_departement_code(departement) if departement else token.departement
        if code != token.departement:
            request.state.audit_detail = {"refused_departement": code}
            raise HTTPException(403, detail=(
                f"Ce jeton est celui du département {token.departement} : il ne dépose ni ne lit pour "
                f"le département {code}. Utilisez le jeton de ce département."))
        return code

    departement_query = Query(None, description="Département (code INSEE) ; par défaut celui du jeton, "
                                                "le seul autorisé")

    @app.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/depots/{kind}", tags=["dépôts"], status_code=201, responses=RECEIPT_RESPONSES,
              summary="Déposer un rapport", openapi_extra={"requestBody": DEPOSIT_BODY},
              description="Vérifie le fichier comme la page de dépôt et répond par l'accusé de "
                          "réception, l'objet JSON de `cipd submit --json`.")
    async def deposit(
        request: Request,
        kind: Kind = Path(description=f"Type de rapport : {KIND_HELP}"),
        dry_run: bool = Query(False, description="Essai à blanc : vérifier sans rien enregistrer"),
        nom_fichier: str | None = Query(None, description="Nom du fichier sur l'accusé (contenu envoyé "
                                                          "sans multipart)"),
        departement: str | None = departement_query,
        idempotency_key: str | None = Header(None, alias="Idempotency-Key", description=(
            "Clé choisie par l'appelant (ex. un UUID) : un réessai avec la même clé reçoit la "
            "première réponse")),
        token: ApiToken = Depends(caller),
    ) -> JSONResponse:
        code = tenant(request, token, departement)
        if idempotency_key is not None and not idempotency.valid_key(idempotency_key):
            raise HTTPException(400, detail="En-tête Idempotency-Key invalide : 1 à 255 caractères "
                                            "ASCII imprimables (un UUID convient).")
        content, filename = await deposits.read_upload(request, nom_fichier)
        status, body, replayed = await run_in_threadpool(
            deposits.answer, settings, token, kind.value, code, content, filename, dry_run, idempotency_key)
        request.state.submission_id = body.get("submission_id")
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        if status == 201:
            headers["Location"] = f"/v1/depots/{body['submission_id']}"
        if status == 503:
            headers["Retry-After"] = "300"
        return JSONResponse(body, status_code=status, headers=headers)

    @app.get("/v1/depots/{submission_id}", tags=["dépôts"], summary="Lire un accusé de réception",
             description="L'accusé d'un dépôt du département et, une fois les données publiées, "
                         "`published_at` (UTC) : la publication qui le sert aux tableaux de bord.")
    def read_deposit(request: Request, submission_id: str = Path(description="Numéro du dépôt"),
                     token: ApiToken = Depends(caller)) -> dict[str, Any]:
        landed = landing.find_receipt(settings, submission_id)
        if landed is None:
            raise HTTPException(404, detail=f"Aucun dépôt n° « {submission_id} » : vérifiez le numéro "
                                            "de l'accusé de réception.")
        tenant(request, token, landed.departement)
        request.state.submission_id = landed.submission_id
        return receipts.receipt_document(settings, landed)

    @app.get("/v1/depots", tags=["dépôts"], summary="Lister les accusés du département",
             description="Les accusés du département, du plus récent au plus ancien : ceux de la "
                         "période donnée, ou des trois derniers mois. Un dépôt refusé n'a pas de "
                         "période : il n'apparaît que sans `periode`.")
    def list_deposits(request: Request,
                      periode: str | None = Query(None, description="Semaine ISO (2026-W48) ou mois "
                                                                    "(2026-11)"),
                      departement: str | None = departement_query,
                      token: ApiToken = Depends(caller)) -> dict[str, Any]:
        code = tenant(request, token, departement)
        now = calendar.now_utc(settings.now)
        try:
            found = receipts.own_receipts(settings, code, periode, now)
        except ValueError:
            raise HTTPException(422, detail=f"Période « {periode} » invalide : une semaine ISO "
                                            "(ex. 2026-W48) ou un mois (ex. 2026-11).") from None
        return {"departement": code, "periode": periode, "depots": found}

    @app.get("/v1/echeances", tags=["calendrier"], summary="Prochaines échéances et rapports attendus",
             description="Échéances des rapports hebdomadaires et mensuels du département (heure de "
                         "Paris, jours fériés du département appliqués), et ceux encore attendus.")
    def next_deadlines(request: Request, departement: str | None = departement_query,
                       token: ApiToken = Depends(caller)) -> dict[str, Any]:
        code = tenant(request, token, departement)
        return deadlines.deadlines(settings, code, calendar.now_utc(settings.now))

    @app.get("/v1/contrats/{kind}", tags=["contrats"], summary="Schéma JSON d'un rapport",
             description="Le schéma JSON (draft 2020-12) qu'un dépôt JSON doit suivre : un tableau "
                         "de lignes ; il est tiré du contrat, comme les modèles.")
    def contract(kind: Kind = Path(description=f"Type de rapport : {KIND_HELP}"),
                 token: ApiToken = Depends(caller)) -> dict[str, Any]:
        return json_schema(kind.value)

    @app.get("/v1/modeles/{fichier}", tags=["contrats"], summary="Modèle à remplir (CSV ou XLSX)",
             description="Le modèle vide d'un rapport, `weekly.csv`, `weekly.xlsx`, `monthly.csv`… : "
                         "le même que sur la page de dépôt.", response_class=FileResponse)
    def template(fichier: str = Path(description="`<type>.csv` ou `<type>.xlsx`"),
                 token: ApiToken = Depends(caller)) -> FileResponse:
        kind, _, suffix = fichier.rpartition(".")
        if kind not in CONTRACTS or suffix not in ("csv", "xlsx"):
            raise HTTPException(404, detail=f"Aucun modèle « {fichier} » : demandez <type>.csv ou "
                                            f"<type>.xlsx, avec un type parmi {', '.join(KINDS)}.")
        path = settings.root / "templates" / f"modele_{kind}_v{CONTRACTS[kind].version}.{suffix}"
        if not path.exists():
            write_template(kind, path)
        return FileResponse(path, filename=f"modele_{kind}.{suffix}")

    @app.get("/v1/corrections", tags=["dépôts"], summary="Demandes de correction ouvertes",
             description="Les demandes de correction encore ouvertes adressées au département par "
                         "le SG-CIPD (rapport, champs, motif, message, date), telles que publiées : "
                         "une demande se ferme quand une nouvelle version du rapport ou une "
                         "confirmation est publiée.")
    def corrections(request: Request, departement: str | None = departement_query,
                    token: ApiToken = Depends(caller)) -> dict[str, Any]:
        code = tenant(request, token, departement)
        return {"departement": code, "corrections": receipts.open_corrections(settings, code)}

    return app
