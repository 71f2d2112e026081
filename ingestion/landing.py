"""The landing zone and the quarantine: every upload kept byte for byte, with its receipt.

Layout (under ``CIPD_HOME``)::

    landing/files/ab/<sha256>.<format>      original bytes, content-addressed (immutable)
    landing/receipts/YYYY/MM/<id>.json      the receipt (what the agent was told)
    landing/records/YYYY/MM/<id>.json       the validated rows the loader inserts
    landing/index/<kind>/<dep>/<sha256>     first accepted submission of these bytes
    landing/pending/<id>.json               a receipt waiting for its audit event (see _commit)
    landing/aborted/<id>.json               a pending receipt rolled back by recover_pending
    quarantine/files/…, quarantine/receipts/…   the same for rejected uploads

Every file is written atomically (see :mod:`storage.atomic`) and the receipt last, so a
receipt on disk always has its bytes and rows beside it: the loader trusts receipts only.
Submission ids start with the UTC reception instant, so they sort by time.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock

from data_contracts import calendar
from data_contracts.settings import Settings, get_settings
from storage.atomic import fsync_dir, write_atomic, write_once
from ingestion.receipt import Receipt, parse_utc


@dataclass(frozen=True)
class LandedSubmission:
    """A receipt on disk, as the loader and the Dagster sensor see it."""

    submission_id: str
    kind: str
    departement: str
    sha256: str
    #: The original bytes (None when too large to keep: only the receipt was stored).
    path: Path | None
    receipt_path: Path
    received_at: datetime
    status: str
    filename: str

    def receipt(self) -> Receipt:
        return Receipt.from_dict(json.loads(self.receipt_path.read_bytes()))

    def records(self) -> list[dict[str, Any]]:
        """The validated rows (JSON values: counts int, euros as text, yes/no bool)."""
        zone = self.receipt_path.parents[3]  # <zone>/receipts/YYYY/MM/<id>.json
        return json.loads(_records_path(zone, self.submission_id).read_bytes())


def new_submission_id(received_at: datetime, sha256: str) -> str:
    """``20261126T090000123456Z-1a2b3c4d-5e6f7a``: sorts by reception, then is unique."""
    instant = calendar.now_utc(received_at)
    return f"{instant:%Y%m%dT%H%M%S%fZ}-{sha256[:8]}-{secrets.token_hex(3)}"


def _month_dir(submission_id: str) -> str:
    return f"{submission_id[:4]}/{submission_id[4:6]}"


def _receipt_path(zone: Path, submission_id: str) -> Path:
    return zone / "receipts" / _month_dir(submission_id) / f"{submission_id}.json"


def _records_path(zone: Path, submission_id: str) -> Path:
    return zone / "records" / _month_dir(submission_id) / f"{submission_id}.json"


def _file_path(zone: Path, sha256: str, fmt: str | None) -> Path:
    suffix = f".{fmt}" if fmt in ("csv", "xlsx", "json") else ".bin"
    return zone / "files" / sha256[:2] / f"{sha256}{suffix}"


def _index_path(settings: Settings, kind: str, departement: str, sha256: str) -> Path:
    return settings.landing_dir / "index" / kind / departement / sha256


def tenant_lock(settings: Settings, kind: str, departement: str) -> FileLock:
    """Serialises one département's submissions of one kind (never the warehouse): two
    identical uploads racing each other must end as one acceptance and one duplicate."""
    path = settings.landing_dir / "locks" / f"{kind}-{departement}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(path, thread_local=False)


def find_duplicate(settings: Settings, kind: str, departement: str, sha256: str) -> Receipt | None:
    """The first accepted receipt of exactly these bytes for this département and kind."""
    index = _index_path(settings, kind, departement, sha256)
    try:
        first_id = index.read_text(encoding="ascii").strip()
        return Receipt.from_dict(json.loads(_receipt_path(settings.landing_dir, first_id).read_bytes()))
    except (FileNotFoundError, ValueError, KeyError):
        return None


def _persisted(receipt: Receipt, settings: Settings, file_path: Path | None) -> bytes:
    data = receipt.as_dict()
    data.update(actor=receipt.actor, format=receipt.format,
                file=str(file_path.relative_to(settings.root)) if file_path else None)
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def _pending_path(zone: Path, submission_id: str) -> Path:
    return zone / "pending" / f"{submission_id}.json"


def _commit(zone: Path, receipt: Receipt, data: bytes, audited: Callable[[], None],
            rolled_back: Callable[[], None] | None) -> Path:
    """Write the receipt where the loader does not look (``<zone>/pending/``), have the upload
    audited, then rename the receipt into ``receipts/``: the rename is the acknowledgement.

    Why this order: an upload is acknowledged if and only if its receipt and its audit event
    are both durable. A failure before the event (full disk) removes the pending receipt:
    nothing landed, nothing audited. A failed rename after it is rolled back with a
    "rolled_back" event (``rolled_back``). A crash after the event leaves the pending receipt
    for :func:`recover_pending`, which completes it because the event says it was kept (the
    agent's retry is then answered "already received", truthfully audited)."""
    pending = write_atomic(_pending_path(zone, receipt.submission_id), data)
    try:
        audited()
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    try:
        return _promote(zone, pending, receipt.submission_id)
    except OSError:
        final = _receipt_path(zone, receipt.submission_id)
        if final.exists() and not pending.exists():
            os.replace(final, pending)  # renamed but not flushed: not an acknowledgement
        if rolled_back is not None:
            rolled_back()  # if this fails too, the pending receipt is completed on recovery
            pending.unlink(missing_ok=True)
        raise


def _promote(zone: Path, pending: Path, submission_id: str) -> Path:
    final = _receipt_path(zone, submission_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(pending, final)
    fsync_dir(final.parent)
    fsync_dir(pending.parent)
    return final


def land(receipt: Receipt, content: bytes, records: list[dict[str, Any]], settings: Settings,
         audited: Callable[[], None], rolled_back: Callable[[], None] | None = None) -> Path:
    """Keep an accepted upload: bytes, validated rows, duplicate index, then the receipt
    (:func:`_commit`, which calls ``audited`` to append the "accepted" event). The caller holds
    :func:`tenant_lock`.

    The receipt is the commit point: a failure before it (full disk) leaves nothing the
    loader reads, and an index entry whose receipt is missing is ignored; a failure after it
    cannot leave a kept upload without its index (a retry is then answered "already received")."""
    zone = settings.landing_dir
    file_path = write_once(_file_path(zone, receipt.sha256, receipt.format), content)
    write_atomic(_records_path(zone, receipt.submission_id),
                 json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    write_atomic(_index_path(settings, receipt.kind, receipt.departement, receipt.sha256),
                 receipt.submission_id.encode("ascii"))
    return _commit(zone, receipt, _persisted(receipt, settings, file_path), audited, rolled_back)


def quarantine(receipt: Receipt, content: bytes | None, settings: Settings,
               audited: Callable[[], None], rolled_back: Callable[[], None] | None = None) -> Path:
    """Keep a rejected upload and its error report, committed with its audit event as
    :func:`land` does. ``content=None`` keeps the receipt only (a file over the size limit is
    not worth the disk it would fill)."""
    zone = settings.quarantine_dir
    file_path = None
    if content is not None:
        file_path = write_once(_file_path(zone, receipt.sha256, receipt.format), content)
    return _commit(zone, receipt, _persisted(receipt, settings, file_path), audited, rolled_back)


def pending_receipts(settings: Settings) -> list[Path]:
    """Receipts left between their audit event and their acknowledgement (a crash, a failed
    rename): normally none, so this is one empty-folder listing per zone."""
    found = []
    for zone in (settings.landing_dir, settings.quarantine_dir):
        try:
            with os.scandir(zone / "pending") as entries:
                found += [Path(e.path) for e in entries
                          if e.name.endswith(".json") and not e.name.startswith(".")]
        except FileNotFoundError:
            continue
    return sorted(found)


def recover_pending(settings: Settings, outcome_of: Callable[[list[str]], dict[str, str]], *,
                    only: tuple[str, str] | None = None) -> dict[str, str]:
    """Finish or roll back each pending receipt; returns {submission id: "completed" | "set aside"}.

    ``outcome_of(ids)`` gives each id's last "submit" audit outcome. Completed when the journal
    says it was kept ("accepted" or "rejected": the event is durable, so the receipt becomes
    visible to the loader); otherwise (no event, or "rolled_back") the receipt is moved to
    ``<zone>/aborted/`` — never acknowledged, never loaded, kept for inspection.
    ``only=(kind, departement)`` is for a caller already holding that tenant's lock; without it
    each receipt is handled under its tenant's lock, so an upload in flight is never touched."""
    tenants: dict[Path, tuple[str, str]] = {}
    for path in pending_receipts(settings):
        try:
            data = json.loads(path.read_bytes())
        except (FileNotFoundError, ValueError):
            continue
        if only is None or (data["kind"], data["departement"]) == only:
            tenants[path] = (data["kind"], data["departement"])
    if not tenants:
        return {}
    done: dict[str, str] = {}
    # Under the tenant's lock (held by the caller, or taken here) the journal is read only when
    # a receipt is pending, and after any upload in flight has finished or died.
    outcomes = outcome_of([p.stem for p in tenants]) if only is not None else {}
    for path, tenant in tenants.items():
        lock = tenant_lock(settings, *tenant) if only is None else None
        if lock is not None:
            lock.acquire()
        try:
            if not path.exists():
                continue  # its own upload finished it meanwhile
            zone = path.parents[1]
            outcome = outcomes.get(path.stem) if only is not None else outcome_of([path.stem]).get(path.stem)
            if outcome in ("accepted", "rejected"):
                _promote(zone, path, path.stem)
                done[path.stem] = "completed"
            else:
                aside = zone / "aborted" / path.name
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, aside)
                done[path.stem] = "set aside"
        finally:
            if lock is not None:
                lock.release()
    return done


def _iter_receipts(zone: Path, exclude: Iterable[str]) -> Iterator[Path]:
    skip = set(exclude)
    root = zone / "receipts"
    if not root.is_dir():
        return
    for path in root.glob("*/*/*.json"):
        if path.stem not in skip:
            yield path


def _month_folders(receipts: Path, since_ns: int) -> Iterator[Path]:
    """``receipts/YYYY/MM`` folders that may hold a receipt landed at or after ``since_ns``."""
    for year in _subfolders(receipts):
        for month in _subfolders(year):
            if month.stat().st_mtime_ns >= since_ns:
                yield month


def _subfolders(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            return [Path(entry.path) for entry in entries if entry.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def receipts_landed_since(zone: Path, since_ns: int) -> list[tuple[int, Path]]:
    """(mtime, path) of the receipts of ``zone`` landed at or after ``since_ns``, oldest first.

    For a caller polling for new uploads (the Dagster sensor), at a cost that does not grow with
    the history: a receipt is renamed into ``receipts/YYYY/MM/`` last, which moves that folder's
    mtime, so only the month folders touched since ``since_ns`` are listed and nothing older is
    opened. Years of history cost a ``stat`` per month folder."""
    found = []
    for month in _month_folders(zone / "receipts", since_ns):
        with os.scandir(month) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.name.endswith(".json"):
                    continue  # a receipt being written (atomic write's temporary file)
                try:
                    landed_ns = entry.stat().st_mtime_ns
                except FileNotFoundError:
                    continue
                if landed_ns >= since_ns:
                    found.append((landed_ns, Path(entry.path)))
    return sorted(found)


def _load(path: Path, root: Path) -> LandedSubmission:
    data = json.loads(path.read_bytes())
    return LandedSubmission(
        submission_id=data["submission_id"], kind=data["kind"], departement=data["departement"],
        sha256=data["sha256"], path=root / data["file"] if data.get("file") else None,
        receipt_path=path, received_at=parse_utc(data["received_at"]), status=data["status"],
        filename=data["filename"])


def _listed(zone: Path, settings: Settings, exclude: Iterable[str]) -> list[LandedSubmission]:
    found = [_load(p, settings.root) for p in _iter_receipts(zone, exclude)]
    return sorted(found, key=lambda s: (s.received_at, s.submission_id))


def list_landed(settings: Settings | None = None, *, exclude: Iterable[str] = ()) -> list[LandedSubmission]:
    """Accepted submissions, oldest first (``exclude``: ids the caller already has)."""
    settings = settings or get_settings()
    return _listed(settings.landing_dir, settings, exclude)


def list_quarantined(settings: Settings | None = None, *, exclude: Iterable[str] = ()) -> list[LandedSubmission]:
    """Rejected submissions, oldest first."""
    settings = settings or get_settings()
    return _listed(settings.quarantine_dir, settings, exclude)


_SUBMISSION_ID = re.compile(r"^\d{8}T\d{12}Z-[0-9a-f]{8}-[0-9a-f]{6}$")


def find_receipt(settings: Settings, submission_id: str) -> LandedSubmission | None:
    """The landed or quarantined receipt of ``submission_id`` (None when unknown or not an id).
    The id is checked against its shape first: callers pass what a remote client sent."""
    if not _SUBMISSION_ID.match(submission_id or ""):
        return None
    for zone in (settings.landing_dir, settings.quarantine_dir):
        path = _receipt_path(zone, submission_id)
        if path.is_file():
            return _load(path, settings.root)
    return None


def list_received(settings: Settings, since: datetime) -> list[LandedSubmission]:
    """Landed and quarantined receipts received from the month of ``since`` on, oldest first.

    Reads only those ``receipts/YYYY/MM`` folders (ids, hence folders, follow the reception
    instant), so a département's recent receipts cost what a few months hold, not the history."""
    first = f"{calendar.now_utc(since):%Y/%m}"
    found = []
    for zone in (settings.landing_dir, settings.quarantine_dir):
        for month in sorted((zone / "receipts").glob("*/*")):
            if month.is_dir() and f"{month.parent.name}/{month.name}" >= first:
                found.extend(_load(p, settings.root) for p in month.glob("*.json"))
    return sorted(found, key=lambda s: (s.received_at, s.submission_id))
