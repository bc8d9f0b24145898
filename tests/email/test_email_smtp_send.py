"""Sending through a local aiosmtpd server that records what arrives."""

from __future__ import annotations

import datetime as dt
import email
import logging
import ssl
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from dovecot import free_port

from connectors.base import DeliveryError, OutboundMessage
from connectors.email import EmailConnector, InMemoryBookmarkStore, SmtpConfig, SmtpSender

PASSWORD = "s3cret-smtp-password"


class RecordingHandler:
    def __init__(self, rcpt_reply: str = "", data_reply: str = "") -> None:
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.received: list[EmailMessage] = []
        self.sessions: list[dict[str, Any]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        self.received.append(email.message_from_bytes(envelope.content, policy=policy.default))
        self.sessions.append({"authenticated": session.authenticated, "tls": session.ssl is not None})
        return "250 Message accepted"


def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.login == b"sales" and data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture
def smtp_server() -> Iterator[tuple[RecordingHandler, int]]:
    handler, port = RecordingHandler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def sender(port: int, **overrides: Any) -> SmtpSender:
    settings: dict[str, Any] = {"starttls": False, "timeout": 10.0, **overrides}
    config = SmtpConfig(host="127.0.0.1", port=port, from_address="sales@ourco.test", from_name="王芳",
                        **settings)
    return SmtpSender(config, clock=lambda: dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC))


def reply(**extra: Any) -> OutboundMessage:
    return OutboundMessage(channel="email", recipient="张三 <zhangsan@customer.test>",
                           subject="回复：报价单 V2", text="张总您好，\n报价单 V3 已更新，请查收。",
                           extra=extra)


async def test_reply_carries_threading_headers_our_message_id_and_plus_reply_to(
        smtp_server: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp_server
    message_id = await sender(port).send(reply(
        in_reply_to="<c1@customer.test>", references=["<q1@ourco.test>"], reply_token="q42",
        cc=["lisi@customer.test"]))
    [mail] = handler.received
    assert message_id == mail["Message-ID"] and message_id.endswith("@ourco.test>")
    assert mail["In-Reply-To"] == "<c1@customer.test>"
    assert mail["References"] == "<q1@ourco.test> <c1@customer.test>"
    assert mail["Reply-To"] == "sales+q42@ourco.test"
    assert mail["Auto-Submitted"] is None
    assert (mail["Subject"], mail["From"], mail["Cc"]) == ("回复：报价单 V2", "王芳 <sales@ourco.test>",
                                                           "lisi@customer.test")
    assert mail.get_content().replace("\r\n", "\n") == "张总您好，\n报价单 V3 已更新，请查收。\n"
    assert mail["Date"] == "Mon, 04 Mar 2024 10:00:00 +0000"


async def test_automatic_mail_is_marked_auto_submitted(smtp_server: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp_server
    await sender(port).send(reply(automatic=True))
    assert handler.received[0]["Auto-Submitted"] == "auto-generated"


async def test_given_message_id_is_reused_so_retries_keep_one_identity(
        smtp_server: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp_server
    assert await sender(port).send(reply(message_id="outbox-17@ourco.test")) == "<outbox-17@ourco.test>"
    assert handler.received[0]["Message-ID"] == "<outbox-17@ourco.test>"


@pytest.mark.parametrize(("rcpt", "data", "retry_after"), [
    ("", "451 4.3.0 Try again later", 60.0),
    ("450 4.2.1 Mailbox busy", "", 60.0),
    ("550 5.1.1 No such user", "", None),
    ("", "554 5.7.1 Rejected as spam", None),
])
async def test_smtp_answers_map_to_retryable_or_permanent_delivery_errors(
        smtp_server: tuple[RecordingHandler, int], rcpt: str, data: str, retry_after: float | None) -> None:
    handler, port = smtp_server
    handler.rcpt_reply, handler.data_reply = rcpt, data
    with pytest.raises(DeliveryError) as caught:
        await sender(port).send(reply())
    assert caught.value.retry_after == retry_after


async def test_unreachable_server_is_retryable() -> None:
    with pytest.raises(DeliveryError) as caught:
        await sender(free_port()).send(reply())
    assert caught.value.retry_after == 60.0


def self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(__import__("ipaddress").ip_address(
                "127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


async def test_starttls_and_auth_work_and_the_password_is_never_logged(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    server_tls, client_tls = self_signed(tmp_path)
    handler, port = RecordingHandler(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=server_tls,
                            require_starttls=True, authenticator=authenticate, auth_required=True)
    controller.start()
    try:
        with caplog.at_level(logging.DEBUG):
            smtp = sender(port, starttls=True, username="sales", password=PASSWORD, tls_context=client_tls)
            await smtp.send(reply())
            with pytest.raises(DeliveryError) as refused:
                await sender(port, starttls=True, username="sales", password="wrong",
                             tls_context=client_tls).send(reply())
    finally:
        controller.stop()
    assert handler.sessions == [{"authenticated": True, "tls": True}]
    assert refused.value.retry_after is None  # 535: retrying with the same password cannot help
    assert all(PASSWORD not in record.getMessage() for record in caplog.records)
    assert PASSWORD not in repr(smtp.config)


async def test_required_starttls_missing_on_the_server_fails(
        smtp_server: tuple[RecordingHandler, int]) -> None:
    _, port = smtp_server
    with pytest.raises(DeliveryError):
        await sender(port, starttls=True).send(reply())


@pytest.mark.parametrize("message", [
    reply(reply_token="bad token@evil"),
    OutboundMessage(channel="email", recipient="", text="x"),
])
async def test_unsendable_messages_fail_permanently(message: OutboundMessage) -> None:
    with pytest.raises(DeliveryError) as caught:
        await sender(free_port()).send(message)
    assert caught.value.retry_after is None


async def test_connector_send_goes_through_smtp_and_refuses_other_channels(
        smtp_server: tuple[RecordingHandler, int]) -> None:
    handler, port = smtp_server
    connector = EmailConnector([], InMemoryBookmarkStore(), smtp=sender(port).config)
    await connector.send(reply())
    assert len(handler.received) == 1
    with pytest.raises(DeliveryError) as caught:
        await connector.send(OutboundMessage(channel="wecom", recipient="u1", text="x"))
    assert caught.value.retry_after is None
    with pytest.raises(DeliveryError):
        await EmailConnector([], InMemoryBookmarkStore()).send(reply())
