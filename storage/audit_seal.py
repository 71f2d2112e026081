"""The daily seal of the audit chain: an HMAC-SHA256 of the chain head with a key the journal
never holds.

Why: anyone who can write the journal can also recompute a hash chain after rewriting it; they
cannot compute a seal without the key. A seal states "on <date> the chain had <seq> events and
its last one hashed to <hash>", so a journal rewritten or cut before a sealed head no longer
matches it. Seals are chained too (each carries the previous seal's MAC), appended to
``audit/seals.jsonl`` and copied by the loader into ``raw.audit_seals``, a second copy outside
the file system's reach.

The key is 32 random bytes in ``CIPD_HOME/keys/audit_seal.key``, created owner-only (0600, its
folder 0700) on first use, outside ``audit/`` so that a copy of the journal does not carry it.
Back it up apart from the data (docs/audit.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from data_contracts.settings import Settings
from storage.atomic import append_durably, fsync_dir
from storage.audit import audit_dir, canonical_line, journal_lock
from storage.audit_retention import expired_heads, rotate
from storage.audit_verify import Position, Report, Tampering, read_verified, segments, verify_journal

KEY_BYTES = 32


def key_path(settings: Settings) -> Path:
    return settings.root / "keys" / "audit_seal.key"


def seals_path(settings: Settings) -> Path:
    return audit_dir(settings) / "seals.jsonl"


def seal_key(settings: Settings, *, create: bool = True) -> bytes | None:
    """The sealing key, created 0600 on first use (``create``); None when absent."""
    path = key_path(settings)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if not create:
            return None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return path.read_bytes()
    try:
        os.write(fd, secrets.token_bytes(KEY_BYTES))
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)
    return path.read_bytes()


def key_id(key: bytes) -> str:
    """Names the key a seal was made with (rotating the key keeps old seals checkable)."""
    return hashlib.sha256(b"cipd-audit-seal-key-id" + key).hexdigest()[:16]


def _mac(key: bytes, body: dict[str, Any]) -> str:
    return hmac.new(key, canonical_line(body), hashlib.sha256).hexdigest()


def read_seals(settings: Settings) -> list[dict[str, Any]]:
    """Every seal, oldest first (a torn last line, from a crash mid-append, is ignored)."""
    try:
        data = seals_path(settings).read_bytes()
    except FileNotFoundError:
        return []
    seals = []
    for number, line in enumerate(data[:data.rfind(b"\n") + 1].splitlines(), 1):
        try:
            seals.append(json.loads(line))
        except ValueError:
            raise Tampering(seals_path(settings), number, "sceau illisible", "unreadable seal") from None
    return seals


def checked_seals(settings: Settings) -> list[dict[str, Any]]:
    """The seals, each authenticated with the key and chained to the previous one; raises
    :class:`Tampering` naming the first forged, edited, removed or reordered seal."""
    seals = read_seals(settings)
    if not seals:
        return []
    key = seal_key(settings, create=False)
    path = seals_path(settings)
    if key is None:
        raise Tampering(path, 1, f"la clé de scellement {key_path(settings)} est absente : les "
                        "sceaux ne peuvent pas être vérifiés (restaurez-la depuis sa sauvegarde)",
                        "the sealing key is missing")
    previous_mac, previous_seq = "", 0
    for number, seal in enumerate(seals, 1):
        body = {k: v for k, v in seal.items() if k != "mac"}
        if seal.get("key_id") != key_id(key) or not hmac.compare_digest(str(seal.get("mac")), _mac(key, body)):
            raise Tampering(path, number, "sceau falsifié ou modifié (signature invalide)",
                            "seal MAC does not verify")
        if seal.get("prev_mac") != previous_mac or int(seal["seq"]) < previous_seq:
            raise Tampering(path, number, "sceau hors de la chaîne des sceaux (un sceau a été "
                            "supprimé ou déplacé)", "seal does not follow the previous seal")
        previous_mac, previous_seq = seal["mac"], int(seal["seq"])
    return seals


def sealed_heads(seals: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(int(s["seq"]), str(s["head_hash"]), str(s["sealed_at"])) for s in seals]


def expired_points(seals: list[dict[str, Any]]) -> dict[int, str]:
    """{seq: hash} of the last event of every expired segment the seals recorded."""
    return {int(seq): str(digest) for s in seals for seq, digest in s.get("expired", [])}


def verify_all(settings: Settings, expected: Position | None = None) -> Report:
    """The whole check: seals authentic, then the journal against them and ``expected``."""
    try:
        seals = checked_seals(settings)
    except Tampering as problem:
        return Report(problem=problem)
    return verify_journal(settings, sealed=sealed_heads(seals), expected=expected,
                          resume=expired_points(seals))


def seal(settings: Settings, expected: Position | None = None) -> dict[str, Any]:
    """Check the whole journal, then seal its head. Raises :class:`Tampering` rather than
    seal a journal that fails: a seal must never vouch for a rewritten chain.

    The full check runs without the journal lock (it may read months of events while uploads
    go on); under the lock, only the events appended meanwhile are checked, from the head the
    full check reached, so the sealed head is the head and appends wait milliseconds."""
    key = seal_key(settings)
    assert key is not None
    report = verify_all(settings, expected)
    if report.problem is not None:
        raise report.problem
    with journal_lock(settings):
        newer, head = read_verified(settings, report.head)
        seals = read_seals(settings)
        expired = {**expired_points(seals), **dict(expired_heads(settings))}
        body = {"sealed_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "seq": head.seq, "head_hash": head.hash, "events": report.events + len(newer),
                "segments": len(segments(settings)), "key_id": key_id(key),
                "expired": [[seq, expired[seq]] for seq in sorted(expired)],
                "prev_mac": seals[-1]["mac"] if seals else ""}
        record = {**body, "mac": _mac(key, body)}
        append_durably(seals_path(settings), canonical_line(record) + b"\n")
    return record


def seal_daily(settings: Settings, expected: Position | None = None,
               now: datetime | None = None) -> dict[str, Any]:
    """The daily maintenance: close last month's segment and move expired ones (renames only),
    then check everything and seal the head. What the Dagster schedule and ``cipd audit seal``
    run; returns the seal with what moved under ``"rotated"``."""
    moved = rotate(settings, now)
    return {**seal(settings, expected), "rotated": moved}
