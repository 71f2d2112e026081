"""E-mail delivery of a produced document (issue 17, behind settings: nothing is sent unless
``CIPD_SMTP_HOST`` is set).

Why an idempotency key and a delivery log: a Dagster run that fails after sending to half the
recipients is retried, and the retry must not send twice. Each (document key, recipient) is
sent at most once: the log ``CIPD_HOME/deliveries/log.jsonl`` (append-only, one line per
attempt's outcome) is read before sending and a recipient already ``sent`` is skipped. A server
that refuses or times out is retried with back-off, then logged ``failed`` and audited — never
silently dropped. The message carries the key in ``X-CIPD-Idempotency-Key``. Known limit: a
crash between the server's acceptance and the log line sends that one message again on retry.
"""

from __future__ import annotations

import hashlib
import json
import smtplib
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from data_contracts.settings import Settings
from storage import audit
from storage.atomic import append_durably

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class SmtpSettings(BaseSettings):
    """``CIPD_SMTP_*``: the relay the hub sends through (STARTTLS by default)."""

    model_config = SettingsConfigDict(env_prefix="CIPD_SMTP_")

    host: str | None = None
    port: int = 587
    starttls: bool = True
    username: str | None = None
    password: SecretStr | None = None
    sender: str = "cipd-hub@localhost"
    timeout_seconds: float = 30.0
    attempts: int = 3
    backoff_seconds: float = 2.0
    #: ``link`` (default: attachments may be too sensitive for mail) or ``attachment``.
    mode: Literal["link", "attachment"] = "link"
    documents_url: str = "https://cipd.interieur.gouv.fr/documents"


@dataclass(frozen=True)
class Delivery:
    recipient: str
    status: Literal["sent", "failed", "skipped"]
    attempts: int
    error: str | None = None


def log_path(settings: Settings) -> Path:
    return settings.root / "deliveries" / "log.jsonl"


def recipient_key(document_key: str, recipient: str) -> str:
    return hashlib.sha256(f"{document_key}\n{recipient.lower()}".encode()).hexdigest()


def _already_sent(settings: Settings) -> set[str]:
    try:
        lines = log_path(settings).read_text("utf-8").splitlines()
    except FileNotFoundError:
        return set()
    return {entry["key"] for entry in map(json.loads, filter(None, lines)) if entry["status"] == "sent"}


def build_message(smtp: SmtpSettings, recipient: str, subject: str, html: Path, xlsx: Path,
                  key: str) -> EmailMessage:
    """HTML body (the document itself) and, in ``attachment`` mode, the XLSX; in ``link`` mode
    a short body pointing to the Documents page instead."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = smtp.sender, recipient, subject
    message["X-CIPD-Idempotency-Key"] = key
    if smtp.mode == "attachment":
        message.set_content(f"{subject} : document en pièce jointe (HTML ci-dessous, XLSX joint).")
        message.add_alternative(html.read_text("utf-8"), subtype="html")
        message.add_attachment(xlsx.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1],
                               filename=xlsx.name)
    else:
        message.set_content(f"{subject} : le document est disponible sur la page « Documents » du "
                            f"hub ({smtp.documents_url}). Il n'est pas joint à ce message.")
    return message


def _send(smtp: SmtpSettings, message: EmailMessage) -> None:
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as client:
        if smtp.starttls:
            client.starttls()
        if smtp.username:
            client.login(smtp.username, smtp.password.get_secret_value() if smtp.password else "")
        client.send_message(message)


def deliver(settings: Settings, smtp: SmtpSettings, *, document_key: str, subject: str, html: Path,
            xlsx: Path, recipients: list[str], actor: str | None = None) -> list[Delivery]:
    """Send the document once to each recipient; returns what happened to each."""
    if not smtp.host:
        raise ValueError("CIPD_SMTP_HOST is not set: e-mail delivery is off")
    sent_before = _already_sent(settings)
    outcomes = []
    for recipient in recipients:
        key = recipient_key(document_key, recipient)
        if key in sent_before:
            outcomes.append(Delivery(recipient, "skipped", 0))
            continue
        outcome = _attempt(smtp, build_message(smtp, recipient, subject, html, xlsx, key), recipient)
        _record(settings, document_key, key, outcome, actor)
        outcomes.append(outcome)
    return outcomes


def _attempt(smtp: SmtpSettings, message: EmailMessage, recipient: str) -> Delivery:
    error = None
    for attempt in range(1, max(1, smtp.attempts) + 1):
        try:
            _send(smtp, message)
            return Delivery(recipient, "sent", attempt)
        except (smtplib.SMTPException, OSError) as exc:  # refused, timed out, unreachable
            error = f"{type(exc).__name__}: {exc}"[:500]
            if attempt < smtp.attempts:
                time.sleep(smtp.backoff_seconds * 2 ** (attempt - 1))
    return Delivery(recipient, "failed", max(1, smtp.attempts), error)


def _record(settings: Settings, document_key: str, key: str, outcome: Delivery, actor: str | None) -> None:
    entry = {"key": key, "document_key": document_key, "recipient": outcome.recipient,
             "status": outcome.status, "attempts": outcome.attempts, "error": outcome.error,
             "at": datetime.now(timezone.utc).isoformat()}
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    append_durably(path, (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
    audit.append_events(settings, [audit.new_event(
        "delivery", actor=actor, outcome=outcome.status,
        detail={"document_key": document_key, "recipient": outcome.recipient,
                "attempts": outcome.attempts, "error": outcome.error})])
