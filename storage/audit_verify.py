"""Checking the audit chain: the whole journal (``cipd audit verify``, before each seal) or only
what a reader has not checked yet (the loader, from its saved position).

Why both: a full check reads every segment (fine once a day or on demand); the loader runs every
few seconds during the Thursday burst and checks only the lines after its position, which must
continue the chain from the hash it saved. Either way the first bad line is named, with a
French message for the operator and an English one for the log; a reader never uses events
from a journal that failed (``Tampering`` is raised before anything is returned).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from data_contracts.settings import Settings
from storage.audit import (GENESIS_HASH, archived_segments, audit_path, canonical_line, line_hash)


class Tampering(Exception):
    """The journal is not the one the hub wrote: a line was edited, inserted, deleted,
    reordered, or the tail was cut. ``message_fr`` is for people, ``str()`` for logs."""

    def __init__(self, path: Path | None, line: int | None, message_fr: str, message_en: str):
        super().__init__(f"audit journal {path.name if path else '?'} line {line}: {message_en}")
        self.path, self.line, self.message_fr, self.message_en = path, line, message_fr, message_en

    @property
    def where_fr(self) -> str:
        return f"{self.path.name if self.path else 'journal'}, ligne {self.line}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.path.name if self.path else None, "line": self.line,
                "message_fr": self.message_fr, "message_en": self.message_en}


@dataclass(frozen=True)
class Position:
    """How far a reader has checked the chain: the segment (by its first seq, which a
    rotation keeps), the byte offset and line count in it, and the last event's seq, hash
    and ``recorded_at``. Saved by the loader in ``raw.loader_state``."""

    segment: int = 1
    offset: int = 0
    line: int = 0
    seq: int = 0
    hash: str = GENESIS_HASH
    recorded_at: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Position":
        return cls(**json.loads(text))


@dataclass
class Report:
    """The outcome of a full check."""

    events: int = 0
    segments: int = 0
    head: Position = field(default_factory=Position)
    problem: Tampering | None = None
    #: A fragment after the last newline: an append cut by a crash or a full disk (harmless).
    torn_tail: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None


def segments(settings: Settings) -> list[tuple[int, Path]]:
    """(first seq, path) of every segment, oldest first: the archives, then the active one."""
    found = [(int(p.stem.split("-")[1]), p) for p in archived_segments(settings)]
    active = audit_path(settings)
    first = _first_seq(active)
    if first is not None:
        found.append((first, active))
    return found


def _first_seq(path: Path) -> int | None:
    try:
        with path.open("rb") as handle:
            line = handle.readline()
    except FileNotFoundError:
        return None
    if not line.endswith(b"\n"):
        return None  # empty, or only a torn fragment
    try:
        return int(json.loads(line)["seq"])
    except (ValueError, KeyError, TypeError):
        return -1  # unreadable first line: the walk will name it


class _Walker:
    """Checks lines one after another, remembering the previous one to name it when a hash
    shows that it, not the current line, was changed."""

    def __init__(self, start: Position, path: Path | None, watch: Iterable[int] = ()):
        self.state = start
        self.previous_at: tuple[Path | None, int] = (path, start.line)
        self.watch = set(watch)
        self.watched: dict[int, tuple[str, Path, int]] = {}
        self.count = 0

    def check(self, path: Path, segment: int, line_no: int, line: bytes, end_offset: int) -> dict:
        try:
            event = json.loads(line)
            seq, prev_hash = event["seq"], event["prev_hash"]
            recorded_at = str(event["recorded_at"])
        except (ValueError, KeyError, TypeError):
            raise Tampering(path, line_no, "ligne illisible ou sans chaînage (seq, prev_hash) : "
                            "elle n'a pas été écrite par la plateforme",
                            "unreadable line or line without seq/prev_hash") from None
        expected = self.state.seq + 1
        if not isinstance(seq, int) or seq < expected:
            raise Tampering(path, line_no, f"événement n° {seq} après le n° {self.state.seq} : "
                            "ligne insérée, dupliquée ou déplacée",
                            f"event seq {seq} after {self.state.seq}: inserted, duplicated or reordered")
        if seq > expected:
            raise Tampering(path, line_no, f"événement n° {seq} après le n° {self.state.seq} : "
                            f"{seq - expected} événement(s) supprimé(s) avant cette ligne",
                            f"event seq {seq} after {self.state.seq}: {seq - expected} event(s) deleted")
        if prev_hash != self.state.hash:
            before_path, before_line = self.previous_at
            if before_line == 0:  # the first event: its own prev_hash was changed
                before_path, before_line = path, line_no
            raise Tampering(before_path, before_line,
                            f"l'événement n° {self.state.seq} a été modifié (son empreinte ne "
                            "correspond plus à celle que porte l'événement suivant)",
                            f"event seq {self.state.seq} was modified (hash mismatch with the next line)")
        if canonical_line(event) != line:
            raise Tampering(path, line_no, f"l'événement n° {seq} a été réécrit (forme modifiée)",
                            f"event seq {seq} is not in canonical form: rewritten")
        if recorded_at < self.state.recorded_at:
            raise Tampering(path, line_no, f"l'événement n° {seq} est antidaté ({recorded_at} "
                            f"avant {self.state.recorded_at})",
                            f"event seq {seq} is back-dated")
        digest = line_hash(line)
        self.state = Position(segment, end_offset, line_no, seq, digest, recorded_at)
        self.previous_at = (path, line_no)
        if seq in self.watch:
            self.watched[seq] = (digest, path, line_no)
        self.count += 1
        return event

    def walk(self, path: Path, segment: int, offset: int, first_line: int, last_segment: bool,
             collect: list[dict] | None) -> bool:
        """Check ``path`` from ``offset``; returns whether it ends with a torn fragment."""
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            if size < offset:
                raise Tampering(path, first_line, f"le journal a été tronqué : {size} octets alors "
                                f"que {offset} avaient déjà été vérifiés (événement n° {self.state.seq})",
                                f"journal truncated to {size} bytes, {offset} were already checked")
            handle.seek(offset)
            data = handle.read()
        end = data.rfind(b"\n") + 1
        line_no, position = first_line, offset
        for line in data[:end].split(b"\n")[:-1]:
            line_no += 1
            position += len(line) + 1
            event = self.check(path, segment, line_no, line, position)
            if collect is not None:
                collect.append(event)
        if end < len(data) and not last_segment:
            raise Tampering(path, line_no + 1, "segment archivé incomplet (dernière ligne coupée)",
                            "archived segment ends with a partial line")
        if not data[:end] and not last_segment and offset == 0:
            raise Tampering(path, 1, "segment archivé vide", "empty archived segment")
        return end < len(data)


def _start(found: list[tuple[int, Path]], position: Position,
           resume: dict[int, str]) -> tuple[int, Position]:
    """Index in ``found`` of the segment a reader at ``position`` continues in, and where.
    ``resume`` ({seq: hash}, from the seals) lets a check start after expired segments that
    have left the server."""
    if position.seq == 0 and position.offset == 0:
        first = found[0][0]
        if first == 1:
            return 0, position
        if first - 1 in resume:
            return 0, Position(segment=first, seq=first - 1, hash=resume[first - 1])
        raise Tampering(found[0][1], 1, f"le journal commence à l'événement n° {first} : le "
                        "début a été supprimé (aucun sceau ne l'atteste archivé hors ligne)",
                        f"journal starts at seq {first}: earlier segments deleted")
    for index, (first, _path) in enumerate(found):
        if first == position.segment:
            return index, position
    raise Tampering(audit_path_of(found), position.line,
                    f"le segment commençant à l'événement n° {position.segment} (déjà vérifié "
                    f"jusqu'au n° {position.seq}) a disparu : journal tronqué ou remplacé",
                    f"segment starting at seq {position.segment} is gone (checked up to {position.seq})")


def audit_path_of(found: list[tuple[int, Path]]) -> Path | None:
    return found[-1][1] if found else None


def read_verified(settings: Settings, position: Position | None = None, *,
                  resume: dict[int, str] | None = None) -> tuple[list[dict], Position]:
    """Events after ``position``, each checked against the chain, and the new position.
    Raises :class:`Tampering` — and returns nothing — when a line does not continue the chain
    or the journal was cut before ``position``."""
    position = position or Position()
    found = segments(settings)
    if not found:
        if position.seq:
            raise Tampering(audit_path(settings), position.line,
                            f"le journal est vide alors que {position.seq} événement(s) avaient déjà "
                            "été vérifiés : il a été tronqué ou supprimé",
                            f"journal is empty but {position.seq} events were already checked")
        return [], position
    start, position = _start(found, position, resume or {})
    walker = _Walker(position, found[start][1])
    events: list[dict] = []
    for index in range(start, len(found)):
        segment, path = found[index]
        offset, line = (position.offset, position.line) if index == start else (0, 0)
        walker.walk(path, segment, offset, line, index == len(found) - 1, events)
    return events, walker.state


def verify_journal(settings: Settings, *, sealed: Iterable[tuple[int, str, str]] = (),
                   expected: Position | None = None, resume: dict[int, str] | None = None) -> Report:
    """Check every segment from the first event; then that the chain still holds each sealed
    head (``(seq, hash, sealed_at)``) and the position a reader saved (``expected``): a journal
    that ends before them, or holds another event there, was cut or rewritten."""
    sealed = list(sealed)
    checkpoints = [(seq, digest, f"le sceau du {when}") for seq, digest, when in sealed if seq > 0]
    if expected is not None and expected.seq:
        checkpoints.append((expected.seq, expected.hash, "la position enregistrée par le chargement"))
    report = Report()
    found = segments(settings)
    report.segments = len(found)
    watch = [seq for seq, _, _ in checkpoints]
    walker = _Walker(Position(), found[0][1] if found else None, watch)
    try:
        if found:
            _, start = _start(found, Position(), resume or {})
            walker = _Walker(start, found[0][1], watch)
        for index, (segment, path) in enumerate(found):
            report.torn_tail = walker.walk(path, segment, 0, 0, index == len(found) - 1, None)
        head = walker.state
        for seq, digest, source in sorted(checkpoints):
            if seq > head.seq:
                last_path = found[-1][1] if found else audit_path(settings)
                raise Tampering(last_path, head.line + 1,
                                f"le journal s'arrête à l'événement n° {head.seq} alors que {source} "
                                f"couvre jusqu'au n° {seq} : des événements ont été supprimés en fin "
                                "de journal", f"journal ends at seq {head.seq}, checkpoint at {seq}: truncated")
            if seq not in walker.watched:
                continue  # sealed in a segment that has left the server since
            if walker.watched[seq][0] != digest:
                _, path, line = walker.watched[seq]
                raise Tampering(path, line, f"l'événement n° {seq} ne correspond plus à ce qu'atteste {source} : "
                                "il a été modifié", f"event seq {seq} differs from its checkpoint")
    except Tampering as problem:
        report.problem = problem
    report.events, report.head = walker.count, walker.state
    return report
