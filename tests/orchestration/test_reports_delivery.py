"""E-mail delivery (issue 17) against a real SMTP server (aiosmtpd) started by the test: one
message per recipient even when the delivery is retried; a refusing server ends logged and
audited as failed."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from data_contracts.settings import get_settings
from orchestration.reports.delivery import SmtpSettings, deliver, log_path
from storage.audit import read_events

RECIPIENTS = ["uclat@interieur.gouv.fr", "sg-cipd@interieur.gouv.fr"]
SUBJECT = "Synthèse nationale hebdomadaire — semaine 2026-W48"


class Collector:
    def __init__(self, refuse: bool = False):
        self.refuse, self.messages = refuse, []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return "550 5.7.1 Destinataire refusé"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    def start(refuse: bool = False):
        collector = Collector(refuse)
        controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
        controller.start()
        started.append(controller)
        return collector, SmtpSettings(host="127.0.0.1", port=controller.port, starttls=False,
                                       mode="attachment", attempts=2, backoff_seconds=0.01)
    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def document(tmp_path):
    html = tmp_path / "synthese.html"
    html.write_text("<html><body><h1>Synthèse</h1></body></html>", encoding="utf-8")
    xlsx = tmp_path / "synthese.xlsx"
    xlsx.write_bytes(b"PK\x03\x04" + bytes(range(256)))
    return html, xlsx


def _deliver(smtp, html, xlsx):
    return deliver(get_settings(), smtp, document_key="weekly:2026-W48", subject=SUBJECT, html=html,
                   xlsx=xlsx, recipients=RECIPIENTS, actor="dagster:test")


def test_delivery_sends_once_per_recipient_when_retried(cipd_home, smtp_server, document):
    collector, smtp = smtp_server()
    first = _deliver(smtp, *document)
    again = _deliver(smtp, *document)
    assert [d.status for d in first] == ["sent", "sent"]
    assert [d.status for d in again] == ["skipped", "skipped"]
    assert sorted(rcpts[0] for rcpts, _ in collector.messages) == sorted(RECIPIENTS)


def test_delivered_message_has_french_subject_and_intact_attachment(cipd_home, smtp_server, document):
    collector, smtp = smtp_server()
    _deliver(smtp, *document)
    _, message = collector.messages[0]
    assert message["Subject"] == SUBJECT
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "synthese.xlsx"
    assert attachment.get_content() == document[1].read_bytes()


def test_refusing_server_is_logged_and_audited_as_failed(cipd_home, smtp_server, document):
    _, smtp = smtp_server(refuse=True)
    outcomes = _deliver(smtp, *document)
    assert [(d.status, d.attempts) for d in outcomes] == [("failed", 2), ("failed", 2)]
    assert "Destinataire refus" in outcomes[0].error
    logged = log_path(get_settings()).read_text("utf-8")
    assert logged.count('"status": "failed"') == 2
    audited = [e for e in read_events(get_settings())[0] if e["action"] == "delivery"]
    assert [e["outcome"] for e in audited] == ["failed", "failed"]
