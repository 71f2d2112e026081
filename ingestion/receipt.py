"""The receipt: what the hub answers to every upload, the same for the CLI, the upload page
and Dagster, and what the landing zone keeps next to the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from data_contracts import calendar
from data_contracts.errors import ContractError
from data_contracts.referential import departements
from data_contracts.registry import contract_for
from data_contracts.safe_text import printable

Status = Literal["accepted", "rejected", "duplicate"]


def utc_text(instant: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` (microseconds kept: receipts are ordered by it)."""
    return calendar.now_utc(instant).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    return calendar.now_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


@dataclass
class Receipt:
    status: Status
    submission_id: str
    kind: str
    departement: str
    filename: str
    sha256: str
    size_bytes: int
    received_at: datetime
    rows: int = 0
    periods: list[str] = field(default_factory=list)
    #: Per period, its deadline (UTC); ``on_time`` is True when every period was on time.
    deadlines: dict[str, datetime] = field(default_factory=dict)
    on_time: bool | None = None
    duplicate_of: str | None = None
    errors: list[ContractError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[ContractError] = field(default_factory=list)
    dry_run: bool = False
    actor: str | None = None
    format: str | None = None
    #: Per period this upload corrects, when its first version was received (UTC): the
    #: period's timeliness stays that of the first version (see ingestion.first_versions).
    first_received_at: dict[str, datetime] = field(default_factory=dict)

    @property
    def accepted(self) -> bool:
        return self.status in ("accepted", "duplicate")

    def as_dict(self) -> dict[str, Any]:
        """The ``--json`` object; errors and warnings as {row, column, code, message, value}."""
        return {
            "status": self.status,
            "submission_id": self.submission_id,
            "kind": self.kind,
            "departement": self.departement,
            "filename": self.filename,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "rows": self.rows,
            "periods": self.periods,
            "received_at": utc_text(self.received_at),
            "deadlines": {p: utc_text(d) for p, d in self.deadlines.items()},
            "on_time": self.on_time,
            "first_received_at": {p: utc_text(r) for p, r in self.first_received_at.items()},
            "duplicate_of": self.duplicate_of,
            "dry_run": self.dry_run,
            "error_count": self.error_count,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Receipt:
        return cls(
            status=data["status"], submission_id=data["submission_id"], kind=data["kind"],
            departement=data["departement"], filename=data["filename"], sha256=data["sha256"],
            size_bytes=data["size_bytes"], received_at=parse_utc(data["received_at"]),
            rows=data["rows"], periods=list(data["periods"]),
            deadlines={p: parse_utc(d) for p, d in (data.get("deadlines") or {}).items()},
            on_time=data["on_time"], duplicate_of=data.get("duplicate_of"),
            errors=[ContractError(**e) for e in data["errors"]],
            error_count=data.get("error_count", len(data["errors"])),
            warnings=[ContractError(**w) for w in data["warnings"]],
            dry_run=data.get("dry_run", False), actor=data.get("actor"), format=data.get("format"),
            first_received_at={p: parse_utc(r) for p, r in (data.get("first_received_at") or {}).items()})

    def _timeliness(self, period: str, deadline: datetime) -> str:
        """« à l'heure » / « EN RETARD »; for a correction, the first version's (the rule)."""
        first = self.first_received_at.get(period)
        verdict = "à l'heure" if (first or self.received_at) <= deadline else "EN RETARD"
        if first is None:
            return verdict
        return (f"correction {_PERIOD_NOUN.get(self.kind, 'de la période')} {period} "
                f"(la ponctualité reste celle du premier dépôt : {verdict})")

    def to_text(self) -> str:
        """The French answer a préfecture agent reads."""
        label = contract_for(self.kind).label.lower()
        dep = departements().get(self.departement)
        who = f"{self.departement} ({dep.name})" if dep else self.departement
        if self.status == "rejected":
            count = self.error_count
            errors = (f"{count} erreur{'s' if count > 1 else ''} dans « {self.filename} » "
                      f"({label}, département {who})")
            lines = ([f"Vérification seule (--dry-run) : ce fichier serait REFUSÉ, {errors}.", _NOTHING_KEPT]
                     if self.dry_run else [f"Dépôt REFUSÉ : {errors}.", "Rien n'a été chargé."])
            lines[-1] += (" Corrigez le fichier puis déposez-le à nouveau "
                          "(« ligne 1 » = première ligne sous l'en-tête).")
            lines.append("")
            lines += [f"  {i}. {_sentence(e)}" for i, e in enumerate(self.errors, start=1)]
            if not self.dry_run:
                lines += ["", f"Numéro de dépôt : {self.submission_id} (fichier conservé en quarantaine)"]
            return _joined(lines)
        if self.dry_run and self.status == "duplicate":
            head = [f"Vérification seule (--dry-run) : ce fichier est identique au dépôt "
                    f"{self.duplicate_of}, déjà reçu. {_NOTHING_KEPT}"]
        elif self.dry_run:
            head = [f"Vérification seule (--dry-run) : ce fichier serait ACCEPTÉ. {_NOTHING_KEPT} "
                    "Déposez-le sans --dry-run pour le remettre."]
        elif self.status == "duplicate":
            head = ["Dépôt déjà reçu : ce fichier est identique au dépôt "
                    f"{self.duplicate_of} ; il n'est pas enregistré une seconde fois."]
        else:
            head = ["Dépôt ACCEPTÉ."]
        lines = [*head,
                 f"  Rapport : {label}, département {who}",
                 *([] if self.dry_run else [f"  Numéro de dépôt : {self.submission_id}"]),
                 f"  Empreinte SHA-256 : {self.sha256}",
                 f"  Lignes : {self.rows}",
                 f"  Période(s) : {', '.join(self.periods) or '—'}",
                 f"  Reçu le : {calendar.format_paris(self.received_at)}"]
        for period, deadline in self.deadlines.items():
            lines.append(f"  Échéance {period} : {calendar.format_paris(deadline)} — "
                         f"{self._timeliness(period, deadline)}")
        if self.warnings:
            lines += ["", "Avertissements (dépôt accepté ; vérifiez ces valeurs et, si besoin, "
                      "déposez un fichier corrigé) :"]
            lines += [f"  {i}. {_sentence(w)}" for i, w in enumerate(self.warnings, start=1)]
        return _joined(lines)


_NOTHING_KEPT = "Rien n'a été enregistré : ni dépôt, ni numéro de dépôt, ni accusé de réception."
_PERIOD_NOUN = {"weekly": "de la semaine", "monthly": "du mois"}


def _joined(lines: list[str]) -> str:
    """The receipt's lines as one text, each without control, escape or bidi characters: a
    file name or a cell value echoed in a message cannot repaint the agent's terminal."""
    return "\n".join(printable(line) for line in lines)


def _sentence(error: ContractError) -> str:
    """``Ligne 3, colonne « semaine » : …`` (column names keep their case, unlike str())."""
    where = []
    if error.row is not None:
        where.append(f"Ligne {error.row}")
    if error.column:
        where.append(f"colonne « {error.column} »" if where else f"Colonne « {error.column} »")
    return (", ".join(where) or "Fichier") + " : " + error.message
