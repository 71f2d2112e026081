"""The one submit path: the CLI, the Streamlit upload page and Dagster all call :func:`submit`.

Read (sandboxed) → validate (contracts + file rules) → warn (history) → answer with a
receipt → keep the bytes (landing or quarantine) → audit. It never opens the warehouse nor
takes its lock: receipts must stay fast while the loader or dbt run.
"""

from __future__ import annotations

import errno
import hashlib
import re
from datetime import datetime

from data_contracts import calendar
from data_contracts.errors import ContractError
from data_contracts.referential import is_departement, normalise_departement_code
from data_contracts.registry import contract_for
from data_contracts.safe_text import printable
from data_contracts.settings import Settings, get_settings
from ingestion import landing
from ingestion.first_versions import first_received
from ingestion.history import history_warnings
from ingestion.readers.table import ParsedTable, file_error
from ingestion.receipt import Receipt
from ingestion.sandbox import parse_file
from ingestion.validate import ValidatedFile, validate_table
from storage import audit


class StorageUnavailable(RuntimeError):
    """The hub could not keep an upload (full disk, I/O error), so it did not acknowledge it.
    The message is French, for the agent: what happened and what to do."""

    @classmethod
    def from_os_error(cls, error: OSError) -> "StorageUnavailable":
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        reason = "espace disque du serveur saturé" if full else "erreur d'écriture sur le serveur"
        return cls(
            f"Le serveur n'a pas pu enregistrer votre dépôt ({reason}) : il n'est PAS accusé. "
            "Déposez à nouveau le même fichier dans quelques minutes ; s'il avait malgré tout été "
            "enregistré, la plateforme répondra « dépôt déjà reçu ». Si l'erreur persiste, "
            "prévenez le SG-CIPD.")


def deadlines_for(kind: str, periods: list[str], departement: str,
                  settings: Settings) -> dict[str, datetime]:
    """Each period's deadline: weekly Thursday noon (holiday policy, local holidays of the
    département), monthly the configured day and hour of the following month."""
    if kind == "weekly":
        return {p: calendar.weekly_deadline(p, settings.holiday_policy, departement) for p in periods}
    return {p: calendar.monthly_deadline(p, settings.monthly_deadline_day, settings.monthly_deadline_hour)
            for p in periods}


def _size_error(size: int, limit: int) -> ContractError:
    return file_error(
        "file_too_large",
        f"Fichier trop volumineux ({size / 1_048_576:.1f} Mo ; {limit / 1_048_576:.0f} Mo au plus) : "
        "un rapport tient en quelques lignes ; déposez le modèle rempli, sans images ni autres "
        "onglets.", value=str(size))


def clean_filename(name: str | None) -> str:
    """The name shown on receipts: no directories (browsers may send ``C:\\fakepath\\…``),
    no characters UTF-8 cannot carry (undecodable command-line bytes), no control, escape or
    bidi characters (:func:`data_contracts.safe_text.printable`), bounded length."""
    base = printable(re.split(r"[\\/]", name or "")[-1]).strip()
    base = base.encode("utf-8", "replace").decode("utf-8")
    return base[:200] or "sans_nom"


def submit(kind: str, content: bytes, filename: str, departement: str, *, dry_run: bool = False,
           received_at: datetime | None = None, actor: str | None = None,
           settings: Settings | None = None, size_bytes: int | None = None,
           claimed_actor: str | None = None) -> Receipt:
    """Validate an upload and answer with a receipt; unless ``dry_run``, keep it (landing or
    quarantine) and record the event.

    ``departement`` is the uploader's tenant (from their login or ``--departement``): every
    row must belong to it. ``received_at`` may be forced only by trusted callers (the demo
    generator, tests); everyone else gets the clock (``CIPD_NOW`` when set).
    Raises ValueError for a programming error (unknown kind or tenant), never for the file;
    :class:`StorageUnavailable` when the upload could not be kept (nothing acknowledged).
    ``size_bytes`` is the file's real size when the caller stopped reading past the limit
    (the CLI reads at most ``max_upload_bytes + 1``): the refusal then states it.
    ``actor`` is set by the calling code path (the signed-in account, the OS user of the CLI,
    the Dagster run); ``claimed_actor`` is a name asserted without proof (``cipd submit
    --actor``, demos and tests): the audit keeps it beside the real actor, marked untrusted.
    """
    settings = settings or get_settings()
    contract_for(kind)  # ValueError for an unknown kind
    tenant = normalise_departement_code(departement)
    if not is_departement(tenant):
        raise ValueError(f"unknown département {departement!r} for the uploader")
    received = calendar.now_utc(received_at if received_at is not None else settings.now)
    sha256 = hashlib.sha256(content).hexdigest()
    size = len(content) if size_bytes is None else max(size_bytes, len(content))
    receipt = Receipt(status="rejected", submission_id=landing.new_submission_id(received, sha256),
                      kind=kind, departement=tenant, filename=clean_filename(filename), sha256=sha256,
                      size_bytes=size, received_at=received, dry_run=dry_run,
                      actor=actor or audit.default_actor())

    def audited() -> None:
        _audit(receipt, settings, claimed_actor)

    def rolled_back() -> None:
        _audit(receipt, settings, claimed_actor, outcome="rolled_back")

    first = landing.find_duplicate(settings, kind, tenant, sha256)
    if first is not None:
        return _acknowledge_duplicate(receipt, first, audited)

    checked = None
    too_large = size > settings.max_upload_bytes
    if too_large:
        receipt.errors = [_size_error(size, settings.max_upload_bytes)]
        receipt.error_count = 1
    else:
        checked = assess(receipt, parse_file(content, receipt.filename, kind, settings), settings)
    if dry_run:
        return receipt
    try:
        with landing.tenant_lock(settings, kind, tenant):
            # A receipt a crash left between its audit event and its acknowledgement is
            # finished (or set aside) before this upload is compared with it.
            landing.recover_pending(settings, _submit_outcomes(settings), only=(kind, tenant))
            if receipt.status == "accepted":
                first = landing.find_duplicate(settings, kind, tenant, sha256)  # a racing twin?
                if first is not None:
                    return _acknowledge_duplicate(receipt, first, audited)
                landing.land(receipt, content, checked.json_records(), settings, audited, rolled_back)
            else:
                landing.quarantine(receipt, None if too_large else content, settings, audited,
                                   rolled_back)
    except OSError as error:  # full disk, I/O error: say so rather than crash the page
        raise StorageUnavailable.from_os_error(error) from error
    return receipt


def _submit_outcomes(settings: Settings):
    """For :func:`ingestion.landing.recover_pending`: each id's last "submit" outcome."""
    return lambda ids: audit.last_outcomes(settings, "submit", ids)


def recover(settings: Settings | None = None) -> dict[str, str]:
    """The repair step (the loader runs it first): finish every receipt whose "accepted" or
    "rejected" event is durable, set aside those without one. See docs/audit.md."""
    settings = settings or get_settings()
    return landing.recover_pending(settings, _submit_outcomes(settings))


def assess(receipt: Receipt, table: ParsedTable, settings: Settings) -> ValidatedFile:
    """Everything the receipt says of a parsed file: its errors, or its rows, periods,
    deadlines and history warnings. The part of :func:`submit` between the sandboxed parse
    and keeping the file (``bench.receipt`` times it on its own)."""
    kind, tenant = receipt.kind, receipt.departement
    receipt.format = table.format
    checked = validate_table(kind, table, tenant, now=receipt.received_at)
    receipt.errors, receipt.error_count = checked.errors, checked.error_count
    if not checked.errors:
        receipt.status = "accepted"
        receipt.rows = checked.row_count
        receipt.periods = checked.periods
        receipt.deadlines = deadlines_for(kind, receipt.periods, tenant, settings)
        receipt.on_time = all(receipt.received_at <= d for d in receipt.deadlines.values())
        receipt.warnings = history_warnings(kind, checked.rows, tenant, settings)
        receipt.first_received_at = first_received(settings, kind, tenant, receipt.periods)
    return checked


def _acknowledge_duplicate(receipt: Receipt, first: Receipt, audited) -> Receipt:
    """"Already received": said only once the duplicate's own event is durable."""
    receipt.status = "duplicate"
    receipt.duplicate_of = first.submission_id
    receipt.rows, receipt.periods = first.rows, first.periods
    receipt.deadlines, receipt.on_time = first.deadlines, first.on_time
    receipt.format = first.format
    if not receipt.dry_run:
        try:
            audited()
        except OSError as error:
            raise StorageUnavailable.from_os_error(error) from error
    return receipt


def _audit(receipt: Receipt, settings: Settings, claimed_actor: str | None = None,
           outcome: str | None = None) -> None:
    audit.append_events(settings, [audit.new_event(
        "submit", actor=receipt.actor, claimed_actor=claimed_actor, outcome=outcome or receipt.status,
        kind=receipt.kind,
        departement=receipt.departement, submission_id=receipt.submission_id,
        detail={"filename": receipt.filename, "sha256": receipt.sha256, "rows": receipt.rows,
                "periods": receipt.periods, "received_at": receipt.as_dict()["received_at"],
                "error_count": receipt.error_count, "warning_count": len(receipt.warnings),
                "duplicate_of": receipt.duplicate_of})])
