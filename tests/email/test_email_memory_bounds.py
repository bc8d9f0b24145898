"""Memory and work per mail are bounded before the MIME parser runs, whatever the mail.

Memory is a correctness bound here (the bot shares a machine), asserted with tracemalloc peaks and
generous limits: before these caps, ten 36 MB mails took 2.9 GB and a million empty parts 524 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dovecot import Mailbox
from email_samples import simple_mail

from bot.channels.email import EmailConfigError, capture_settings
from bot.config import load_config
from connectors.base import InboundMessage
from connectors.email import (
    CaptureSettings,
    InMemoryBookmarkStore,
    MailboxCapture,
    MailLimits,
    bounded_key,
    parse_mail,
    to_inbound,
)
from connectors.email.fetching import plan_batches

ROOT = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def big_mail(subject: str, size: int) -> bytes:
    """A mail with a base64 attachment making it `size` bytes, built without keeping a second copy."""
    head = (f"From: 何伟 <hewei@mingtu.test>\r\nTo: sales@example.test\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject}@mingtu.test>\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n图纸见附件。\r\n--XX\r\n"
            "Content-Type: application/zip; name=drawings.zip\r\nContent-Transfer-Encoding: base64\r\n\r\n")
    line = b"QUJD" * 19 + b"\r\n"
    return head.encode() + line * (size // len(line)) + b"--XX--\r\n"


def peak_of(work: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_36_mb_mail_is_read_as_headers_and_a_prefix_with_a_note() -> None:
    raw = big_mail("huge", 36 * MB)
    mail, peak = peak_of(lambda: parse_mail(raw))
    assert peak < 16 * MB
    assert mail.too_large and mail.subject == "huge" and mail.from_address == "hewei@mingtu.test"
    assert mail.text.startswith("邮件过大（36.0 MB）") and "open it in your mail client" in mail.text
    assert "图纸见附件。" in mail.text and mail.attachments == () and mail.raw_size == len(raw)


def test_a_million_empty_mime_parts_are_cut_before_parsing() -> None:
    raw = (b"From: a@x.cn\r\nSubject: parts\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
           + b"--b\r\n\r\n" * 1_000_000 + b"--b--\r\n")
    mail, peak = peak_of(lambda: parse_mail(raw))
    assert peak < 32 * MB
    assert mail.subject == "parts" and "more than 500 MIME parts; the rest was ignored" in mail.defects


def test_42000_references_keep_the_root_and_the_newest_for_threading() -> None:
    refs = b" ".join(b"<r%d@x.test>" % n for n in range(42_000))
    mail = parse_mail(b"From: a@x.cn\r\nReferences: " + refs + b"\r\nIn-Reply-To: <r41999@x.test>\r\n\r\nhi")
    assert len(mail.references) == 50 and mail.references[-1] == "<r41999@x.test>"
    assert mail.references_total > 10_000 and any("References cut to 50" in d for d in mail.defects)
    assert len(mail.thread_refs) == 50


def test_every_header_longer_than_its_column_fits_the_inbound_message() -> None:
    long_id, name, subject = "<" + "i" * 400 + "@x.test>", "名" * 300, "题" * 5000
    raw = (f"From: {name} <a@x.cn>\r\nSubject: {subject}\r\nMessage-ID: {long_id}\r\n"
           f"In-Reply-To: {long_id}\r\n\r\nbody").encode()
    message = to_inbound(raw, "sales@example.test", _now())
    assert message.external_id == bounded_key(long_id) and len(message.external_id) <= 255
    assert message.thread_refs == (bounded_key(long_id),)
    assert message.sender_name == name[:255] and len(message.subject) == 1000
    assert message.extra["original"] == {"message_id": long_id, "from_name": name, "subject": subject}
    hostile_from = ("From: x <" + "a" * 300 + "@x.cn>\r\n\r\nbody").encode()
    assert to_inbound(hostile_from, "sales@example.test", _now()).sender_id == ""  # not an address


def test_batches_are_cut_by_bytes_and_a_too_large_mail_counts_as_its_prefix() -> None:
    limits = MailLimits(max_mail_bytes=10 * MB, prefix_bytes=MB)
    sizes = {1: 4 * MB, 2: 4 * MB, 3: 4 * MB, 4: 36 * MB, 5: 36 * MB, 6: 100}
    plan = list(plan_batches([1, 2, 3, 4, 5, 6], sizes, limits, batch_size=50, batch_bytes=9 * MB))
    assert plan == [[1, 2], [3, 4, 5, 6]]
    assert list(plan_batches([1, 2, 3], sizes, limits, batch_size=2, batch_bytes=100 * MB)) == [[1, 2], [3]]
    assert list(plan_batches([1, 2, 3], sizes, limits, 50, 100 * MB, single_until=2)) == [[1], [2], [3]]


async def test_capture_fetches_batches_bounded_by_bytes(mailbox: Mailbox) -> None:
    for number in range(1, 7):
        mailbox.deliver(big_mail(f"m{number}", 3 * MB))
    puts: list[int] = []

    class CountingStore(InMemoryBookmarkStore):
        async def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None:
            puts.append(last_uid)
            await super().put(mailbox, uidvalidity, last_uid)

    received: list[InboundMessage] = []

    async def dispatch(message: InboundMessage) -> None:
        received.append(message)

    settings = CaptureSettings(batch_size=50, batch_bytes=7 * MB)
    assert await MailboxCapture(mailbox.account(), "INBOX", CountingStore(), dispatch, settings).capture_once() == 6
    assert puts == [2, 4, 6]  # three batches of two, not one of six
    assert [m.subject for m in received] == [f"m{n}" for n in range(1, 7)]
    assert all(not m.extra.get("too_large") and m.attachments[0].size > 2 * MB for m in received)


def test_capturing_six_36_mb_mails_stays_within_a_bounded_peak(mailbox: Mailbox) -> None:
    for number in range(1, 7):
        mailbox.deliver(big_mail(f"huge{number}", 36 * MB))
    mailbox.deliver(simple_mail(7))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(Path(__file__).with_name("memory_probe.py")), "127.0.0.1",
                           str(mailbox.server.imap_port), mailbox.user, mailbox.password],
                          env=env, capture_output=True, text=True, timeout=300, check=True)
    report = json.loads(done.stdout)
    mails = report["mails"]
    assert [m["subject"] for m in mails] == [f"huge{n}" for n in range(1, 7)] + ["询价 7"]
    assert all(m["too_large"] and m["raw_size"] > 36 * MB and "邮件过大" in m["text"] for m in mails[:6])
    assert not mails[6]["too_large"]
    assert report["peak"] < 48 * MB  # six whole mails would be 216 MB before any parsing


def _now() -> datetime:
    return datetime(2026, 12, 5, tzinfo=UTC)


def test_email_limits_come_from_config_and_bad_values_name_the_key() -> None:
    config = load_config(environ={"DEALBOT_EMAIL_MAX_MAIL_MB": "40"})
    config.sections["email"] = {**config.section("email"), "batch_mb": 8, "max_mime_parts": 100,
                                "max_references": 20}
    settings = capture_settings(config)
    assert settings.limits.max_mail_bytes == 40 * MB and settings.batch_bytes == 8 * MB
    assert (settings.limits.max_parts, settings.limits.max_references) == (100, 20)
    config.sections["email"]["batch_mb"] = 0
    with pytest.raises(EmailConfigError, match=r"\[email\] batch_mb must be a positive number"):
        capture_settings(config)
