"""The OpenAPI document's French texts: what the préfectures' developers read at ``/docs``."""

from __future__ import annotations

from data_contracts.registry import CONTRACTS

KIND_HELP = ", ".join(f"`{kind}` ({model.label})" for kind, model in CONTRACTS.items())

DESCRIPTION = f"""
Dépôt et suivi des rapports CIPD par les systèmes des préfectures : les mêmes règles, le même
accusé de réception et la même quarantaine que la page « Déposer un rapport » et `cipd submit`.

**Authentification** : `Authorization: Bearer <jeton>`. Un jeton par département et par système
appelant, délivré par le SG-CIPD (`cipd tokens create`). Un jeton ne dépose et ne lit que pour son
département.

**Types de rapport** : {KIND_HELP}.

**Réessais** : envoyez un en-tête `Idempotency-Key` (par exemple un UUID) avec chaque dépôt ; un
dépôt renvoyé avec la même clé reçoit la première réponse, jamais un second dépôt.
"""

DEPOSIT_BODY = {
    "required": True,
    "description": "Le fichier du rapport : en multipart (champ `fichier`), ou le contenu lui-même "
                   "(JSON, CSV ou XLSX selon l'en-tête `Content-Type`).",
    "content": {
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["fichier"],
            "properties": {"fichier": {"type": "string", "format": "binary",
                                       "description": "Fichier CSV (« ; »), XLSX ou JSON"}}}},
        "application/json": {"schema": {"type": "array", "items": {"type": "object"}},
                             "description": "Les lignes du rapport (voir GET /v1/contrats/{kind})"},
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
            {"schema": {"type": "string", "format": "binary"}},
    },
}

RECEIPT_RESPONSES = {
    200: {"description": "Fichier déjà reçu (`status` = `duplicate`, `duplicate_of` nomme le premier "
                         "dépôt), ou essai à blanc accepté (`dry_run`) : rien n'est enregistré."},
    201: {"description": "Dépôt accepté : l'accusé de réception (`status` = `accepted`)."},
    401: {"description": "Jeton absent, inconnu, expiré ou révoqué."},
    403: {"description": "Le jeton est celui d'un autre département."},
    409: {"description": "Clé `Idempotency-Key` déjà utilisée pour un autre fichier."},
    413: {"description": "Requête au-delà de la taille maximale d'un dépôt."},
    415: {"description": "Type de contenu non pris en charge."},
    422: {"description": "Dépôt refusé (`status` = `rejected`) : `errors` liste les erreurs "
                         "numérotées par ligne et colonne, en français, comme sur la page."},
    429: {"description": "Trop d'appels pour ce jeton : réessayez après `Retry-After` secondes."},
    503: {"description": "Le serveur n'a pas pu enregistrer le dépôt : il n'est pas accusé."},
}
