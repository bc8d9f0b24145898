"""A mail carrying NUL bytes and undecodable 8-bit headers is captured and stored cleanly (both engines)."""

from __future__ import annotations

import base64

from storage.models import ContactRow, FollowUpRow, InboxRow
from tests.email_e2e.harness import MailWorld
from tests.email_e2e.rows import rows


def hostile_mail(to: str) -> bytes:
    return b"\r\n".join([
        b"From: \xba\xce\xce\xb0\x00\xff <hewei@mingtu.test>",  # raw GBK bytes, a NUL and an invalid byte
        b"To: " + to.encode(),
        b"Subject: =?utf-8?b?" + base64.b64encode("询价\x00 MES".encode()) + b"?= \xff\xfe",
        b"Date: Tue, 24 Nov 2026 10:00:00 +0800",
        b"Message-ID: <nul1@mingtu.test>",
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=utf-8",
        b"Content-Transfer-Encoding: 8bit",
        b"",
        "请报价。\x00\x00\n杭州明途信息技术有限公司\nend".encode(),
        b"",
    ])


async def test_a_mail_with_nul_bytes_and_bad_bytes_is_captured_and_stored_without_them(world: MailWorld) -> None:
    await world.deliver(hostile_mail(world.sales.address))
    await world.processed(1)
    [inbox] = await rows(world, InboxRow)
    for value in (inbox.text, inbox.sender_name, str(inbox.payload)):
        assert "\x00" not in value
        value.encode("utf-8")  # no lone surrogate left
    assert "请报价。" in inbox.text and "end" in inbox.text
    notes = [row.note for row in await rows(world, FollowUpRow)]
    assert notes and all("\x00" not in note for note in notes)
    assert all("\x00" not in (row.name or "") for row in await rows(world, ContactRow))
