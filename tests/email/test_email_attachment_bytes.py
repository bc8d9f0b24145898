"""The parser keeps an attachment's bytes up to `MailLimits.keep_attachment_bytes` (issue #15 project files):
small ones decoded as usual, large ones decoded from the run cut out before parsing, larger ones only measured;
with no limit set nothing is kept. The inbox record carries them (base64) and gives them back."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP

from bot.message_records import from_record, to_record
from connectors.email.inbound import to_inbound
from connectors.email.limits import MailLimits
from connectors.email.parsing import parse_mail

SMALL = b"%PDF-1.4\n" + os.urandom(5000)
LARGE = os.urandom(700_000)  # base64 > 512 KB: elided before the MIME parser
HUGE = os.urandom(1_200_000)


def mail(*files: tuple[str, bytes]) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = "何伟 <hewei@mingtu.test>"
    message["To"] = "sales@example.test"
    message["Subject"] = "文档"
    message["Message-ID"] = "<a1@mingtu.test>"
    message.set_content("见附件")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def test_bytes_are_kept_up_to_the_limit_and_only_measured_beyond() -> None:
    parsed = parse_mail(mail(("a.pdf", SMALL), ("b.bin", LARGE), ("c.bin", HUGE)),
                        MailLimits(keep_attachment_bytes=1_000_000))
    assert [(a.filename, a.size) for a in parsed.attachments] == [("a.pdf", len(SMALL)), ("b.bin", len(LARGE)),
                                                                  ("c.bin", len(HUGE))]
    assert [a.data for a in parsed.attachments] == [SMALL, LARGE, None]


def test_without_a_limit_no_bytes_are_kept() -> None:
    parsed = parse_mail(mail(("a.pdf", SMALL), ("b.bin", LARGE)))
    assert [a.data for a in parsed.attachments] == [None, None]
    assert [a.size for a in parsed.attachments] == [len(SMALL), len(LARGE)]


def test_the_inbox_record_keeps_the_bytes() -> None:
    msg = to_inbound(mail(("a.pdf", SMALL)), "sales@example.test", datetime(2026, 12, 1, tzinfo=UTC),
                     limits=MailLimits(keep_attachment_bytes=100_000))
    back = from_record(to_record(msg))
    assert [(a.filename, a.content_type, a.size, a.data) for a in back.attachments] == [
        ("a.pdf", "application/octet-stream", len(SMALL), SMALL)]
