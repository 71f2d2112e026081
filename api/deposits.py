"""A deposit over HTTP: the file out of the request, then the submit path's answer, or the
first answer to the request's ``Idempotency-Key``.

The answer is the receipt of :func:`ingestion.submit.submit` (``Receipt.as_dict()``, what
``cipd submit --json`` prints), with the HTTP status its outcome means.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile

from accounts.api_tokens import ApiToken
from api import idempotency
from data_contracts.settings import Settings
from ingestion.submit import StorageUnavailable, submit

#: Bodies sent as the file itself (no multipart), by content type → the format's extension.
RAW_TYPES = {
    "application/json": "json",
    "text/csv": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def receipt_status(status: str, dry_run: bool) -> int:
    """The HTTP status of a receipt: created only when something was kept."""
    if status == "rejected":
        return 422
    return 201 if status == "accepted" and not dry_run else 200


async def read_upload(request: Request, filename: str | None) -> tuple[bytes, str]:
    """The uploaded file's bytes and name, from a multipart form or from the body itself."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        try:
            form = await request.form(max_files=1, max_fields=5)
        except HTTPException as error:
            if error.status_code == 413:
                raise
            raise HTTPException(400, detail="Formulaire multipart illisible : envoyez le fichier "
                                            "dans le champ « fichier » (curl -F fichier=@rapport.csv).") from None
        upload = form.get("fichier")
        if not isinstance(upload, UploadFile):
            await form.close()
            raise HTTPException(400, detail="Champ « fichier » manquant : envoyez le fichier dans le "
                                            "champ « fichier » (curl -F fichier=@rapport.csv).")
        content = await upload.read()
        await form.close()
        return content, filename or upload.filename or "sans_nom"
    if content_type in RAW_TYPES:
        return await request.body(), filename or f"depot.{RAW_TYPES[content_type]}"
    raise HTTPException(415, detail=(
        f"Type de contenu « {content_type or 'absent'} » non pris en charge : envoyez le fichier en "
        "multipart/form-data (champ « fichier »), ou son contenu en application/json, text/csv ou "
        "XLSX."))


def answer(settings: Settings, token: ApiToken, kind: str, departement: str, content: bytes,
            filename: str, dry_run: bool, key: str | None) -> tuple[int, dict[str, Any], bool]:
    """(status, body, replayed): the submit path's answer, or the first answer to this key."""
    if key is None or dry_run:
        return (*_submitted(settings, token, kind, departement, content, filename, dry_run), False)
    request_fingerprint = idempotency.fingerprint(kind, departement, hashlib.sha256(content).hexdigest())
    try:
        with idempotency.claim(settings, token.token_id, key, request_fingerprint) as slot:
            if slot.conflicts:
                return 409, {"detail": "Cette clé Idempotency-Key a déjà servi à un autre dépôt : "
                                       "choisissez une nouvelle clé pour chaque nouveau fichier."}, False
            if slot.stored is not None:
                return slot.stored["status_code"], slot.stored["body"], True
            status, body = _submitted(settings, token, kind, departement, content, filename, False)
            if status != 503:  # nothing was acknowledged: a retry must try again
                slot.save(status, body)
            return status, body, False
    except idempotency.KeyInUse:
        return 409, {"detail": "Un dépôt avec cette clé Idempotency-Key est encore en cours : "
                               "réessayez dans une minute."}, False


def _submitted(settings: Settings, token: ApiToken, kind: str, departement: str, content: bytes,
               filename: str, dry_run: bool) -> tuple[int, dict[str, Any]]:
    try:
        receipt = submit(kind, content, filename, departement, dry_run=dry_run, actor=token.label,
                         settings=settings)
    except StorageUnavailable as error:
        return 503, {"detail": str(error)}
    return receipt_status(receipt.status, dry_run), receipt.as_dict()
