"""``cipd submit`` and ``cipd ingest``.

Exit codes: 0 accepted (or an identical file already accepted), 1 rejected, 2 usage error
(unknown kind or département, unreadable path: argparse's convention).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from data_contracts.registry import KINDS


def _departement(value: str) -> str:
    from data_contracts.referential import is_departement, normalise_departement_code

    code = normalise_departement_code(value)
    if not is_departement(code):
        raise argparse.ArgumentTypeError(
            f"département inconnu « {value} » : donnez le code INSEE (ex. 01, 2A, 75, 971)")
    return code


def register(subparsers: argparse._SubParsersAction) -> None:
    submit = subparsers.add_parser(
        "submit", help="déposer un rapport (CSV, XLSX ou JSON) et recevoir l'accusé de réception")
    submit.add_argument("kind", choices=KINDS, help="type de rapport")
    submit.add_argument("file", type=Path, help="fichier à déposer (.csv, .xlsx ou .json)")
    submit.add_argument("--departement", required=True, type=_departement,
                        help="département qui dépose (code INSEE) ; chaque ligne doit être la sienne")
    submit.add_argument("--json", action="store_true", help="répondre en un objet JSON")
    submit.add_argument("--dry-run", action="store_true",
                        help="vérifier le fichier comme un vrai dépôt, sans rien enregistrer")
    submit.add_argument("--actor", default=None,
                        help="démonstrations et tests seulement : nom déclaré, consigné dans le journal "
                             "d'audit comme non vérifié à côté de l'utilisateur système réel")
    submit.set_defaults(handler=_submit)

    ingest = subparsers.add_parser("ingest", help="charger les dépôts en attente dans l'entrepôt (raw)")
    ingest.add_argument("--json", action="store_true", help="répondre en un objet JSON")
    ingest.add_argument("--batch-size", type=int, default=None,
                        help="dépôts par transaction (chaque dépôt reste entier)")
    ingest.add_argument("--lock-timeout", type=float, default=None,
                        help="attente maximale du verrou de l'entrepôt, en secondes")
    ingest.set_defaults(handler=_ingest)


def read_upload(path: Path, limit: int) -> tuple[bytes, int]:
    """The file's bytes, but never more than ``limit + 1`` of them, and its size.

    Why stop there: one byte past the limit is enough for the submit path to refuse the file,
    and a 1 GB file (or ``/dev/zero``) must not be read into memory first. The size returned
    is the file's own when it is larger (a pipe's is what was read)."""
    with path.open("rb") as stream:
        content = stream.read(limit + 1)
        size_on_disk = os.fstat(stream.fileno()).st_size
    return content, max(len(content), size_on_disk) if len(content) > limit else len(content)


def _submit(args: argparse.Namespace) -> int:
    from data_contracts.safe_text import printable
    from data_contracts.settings import get_settings
    from ingestion.submit import StorageUnavailable, submit
    from storage.audit import cli_actor

    try:
        content, size = read_upload(args.file, get_settings().max_upload_bytes)
    except OSError as exc:
        print(f"cipd submit : impossible de lire « {printable(str(args.file))} » ({exc.strerror}).",
              file=sys.stderr)
        return 2
    try:
        receipt = submit(args.kind, content, args.file.name, args.departement,
                         dry_run=args.dry_run, actor=cli_actor(), claimed_actor=args.actor,
                         size_bytes=size)
    except StorageUnavailable as exc:
        print(f"cipd submit : {exc}", file=sys.stderr)
        return 1
    if args.json:
        json.dump(receipt.as_dict(), sys.stdout, ensure_ascii=False)
        print()
    else:
        print(receipt.to_text())
    return 0 if receipt.accepted else 1


def _ingest(args: argparse.Namespace) -> int:
    from ingestion.loader import DEFAULT_BATCH_SIZE, ingest_pending
    from storage.lock import WarehouseBusy

    try:
        result = ingest_pending(batch_size=args.batch_size or DEFAULT_BATCH_SIZE,
                                lock_timeout=args.lock_timeout)
    except WarehouseBusy:
        print("cipd ingest : l'entrepôt est occupé par un autre chargement ou une "
              "reconstruction ; réessayez dans quelques minutes.", file=sys.stderr)
        return 1
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False)
        print()
    else:
        print(f"Chargement terminé : {len(result.loaded)} dépôt(s) accepté(s) chargé(s) "
              f"({result.rows_loaded} ligne(s)), {len(result.rejections_recorded)} refus "
              f"enregistré(s), {result.audit_events_copied} événement(s) d'audit copiés.")
        for sid, reason in result.failed.items():
            print(f"  ÉCHEC {sid} : {reason}")
    if result.audit_refused is not None:
        print(f"cipd ingest : {result.audit_refused.message_fr}", file=sys.stderr)
    return 1 if result.failed or result.audit_refused is not None else 0
