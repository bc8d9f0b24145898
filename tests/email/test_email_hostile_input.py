"""Inputs built to hurt: huge headers and attachments, deep nesting, broken MIME. Nothing may raise."""

from __future__ import annotations

import base64
import io
import os
import zipfile
from datetime import UTC, datetime

import pytest
from email_samples import BROKEN_MAIL

from connectors.email import MailLimits, inspect_mail, parse_mail, to_inbound


def nested_messages(depth: int) -> bytes:
    mail = b"From: inner@x.cn\r\nSubject: level 0\r\n\r\ninnermost"
    for level in range(1, depth + 1):
        headers = b"From: l%d@x.cn\r\nSubject: level %d\r\nContent-Type: message/rfc822\r\n\r\n"
        mail = headers % (level, level) + mail
    return mail


def nested_multiparts(depth: int) -> bytes:
    part = b"Content-Type: text/plain\r\n\r\ndeep text"
    for level in range(depth):
        part = (b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (level, level) + part
                + b"\r\n--b%d--\r\n" % level)
    return b"From: a@x.cn\r\n" + part


def with_attachment(name: str, payload: bytes) -> bytes:
    return (b"From: a@x.cn\r\nSubject: files\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
            b"--XX\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
            b"--XX\r\nContent-Type: application/zip; name=\"" + name.encode() + b"\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(payload) + b"--XX--\r\n")


def test_100_kb_header_lines_parse() -> None:
    subject = parse_mail(b"From: a@x.cn\r\nSubject: " + b"x" * 100_000 + b"\r\n\r\nbody")
    recipients = parse_mail(b"From: a@x.cn\r\nTo: " + b", ".join(b"u%d@x.cn" % i for i in range(8000))
                            + b"\r\n\r\nbody")
    encoded = b" ".join([b"=?utf-8?B?5Lit5paH?="] * 8000)
    words = parse_mail(b"From: a@x.cn\r\nSubject: " + encoded + b"\r\n\r\nb")
    assert len(subject.subject) == 100_000
    assert len(recipients.to) == 8000
    assert words.subject == "中文" * 8000


def test_30_mb_attachment_is_measured_not_kept() -> None:
    payload = os.urandom(30 * 1024 * 1024)  # 40 MB encoded: above the default size cap, so raise it here
    mail = parse_mail(with_attachment("drawings.zip", payload), MailLimits(max_mail_bytes=64 * 1024 * 1024))
    assert [(a.filename, a.size) for a in mail.attachments] == [("drawings.zip", len(payload))]
    assert mail.text == "see attachment"


def test_zip_bomb_attachment_is_never_decompressed() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (64 * 1024 * 1024))
    bomb = buffer.getvalue()
    mail = parse_mail(with_attachment("bomb.zip", bomb))
    assert [(a.filename, a.size) for a in mail.attachments] == [("bomb.zip", len(bomb))]


def test_messages_nested_ten_deep_parse_as_one_attached_message() -> None:
    mail = parse_mail(nested_messages(10))
    assert mail.subject == "level 10"
    assert len(mail.attachments) == 1 and mail.attachments[0].content_type == "message/rfc822"


def test_absurd_nesting_degrades_to_the_headers() -> None:
    for raw in (nested_messages(3000), nested_multiparts(1500)):
        mail = parse_mail(raw)
        assert mail.from_address in ("l3000@x.cn", "a@x.cn")
        assert mail.defects


def test_multipart_nesting_beyond_the_limit_is_cut_with_a_defect() -> None:
    assert parse_mail(nested_multiparts(8)).text == "deep text"
    deep = parse_mail(nested_multiparts(40))
    assert deep.text == ""
    assert any("nesting" in defect for defect in deep.defects)


def test_mail_without_from_still_parses() -> None:
    mail = parse_mail(b"Subject: hi\r\n\r\nbody")
    assert (mail.from_address, mail.subject, mail.text) == ("", "hi", "body")
    assert "no From address" in mail.defects


@pytest.mark.parametrize("date", [b"yesterday", b"Mon, 99 Foo 99999 99:99:99 +9999", b"", b"\xff\xfe"])
def test_bad_dates_become_none(date: bytes) -> None:
    assert parse_mail(b"From: a@x.cn\r\nDate: " + date + b"\r\n\r\nx").date is None


@pytest.mark.parametrize("raw", [
    BROKEN_MAIL,
    b"",
    b"\r\n\r\n",
    b"From: a@x.cn\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nabc",
    b"From: a@x.cn\r\nContent-Type: multipart/alternative; boundary=\"\"\r\n\r\n--\r\n--\r\n",
    b"From: a@x.cn\r\nContent-Type: text/plain; charset=zlib\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%",
    b"From: a@x.cn\r\nContent-Type: /\r\nContent-Disposition: ; filename*0*=x''%ZZ; filename*1=\r\n\r\nx",
    b"From: a@x.cn\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
    + b"--z\r\nContent-Type: application/octet-stream\r\n\r\nx\r\n" * 3000 + b"--z--",
    bytes(range(256)) * 40,
])
def test_malformed_mime_never_raises(raw: bytes) -> None:
    report = inspect_mail(raw)
    assert report["kind"] in {"human", "auto_reply", "bounce", "list"}


def test_broken_mail_keeps_what_can_be_read() -> None:
    mail = parse_mail(BROKEN_MAIL)
    assert mail.date is None
    assert mail.subject == "=?utf-8?Q?half=E4=B8"  # an unterminated encoded word stays as written
    assert mail.from_address == "" and "no From address" in mail.defects
    assert all(ch == "\n" or ch.isprintable() for ch in mail.text)


@pytest.mark.parametrize("header", ["Message-ID", "In-Reply-To", "References", "From", "Sender", "To", "Cc",
                                    "Reply-To", "Subject", "Date", "Content-Type", "Auto-Submitted", "X-Custom"])
def test_any_header_300k_characters_long_yields_an_inbound_message_that_fits_the_inbox(header: str) -> None:
    value = "<" + "v" * 300_000 + "@x.test>" if header != "From" else "名" * 300_000 + " <a@x.cn>"
    raw = (f"From: 客户 <a@x.cn>\r\n{header}: {value}\r\nSubject: 询价\r\n\r\n请报价。").encode()
    message = to_inbound(raw, "sales@example.test", datetime(2026, 12, 5, tzinfo=UTC))
    for column in (message.external_id, message.conversation_id, message.sender_id, message.sender_name):
        assert len(column) <= 255
    assert len(message.subject) <= 1000 and all(len(ref) <= 255 for ref in message.thread_refs)
    assert all(len(address) <= 254 for key in ("to", "cc", "reply_to") for address in message.extra[key])
