"""Email capture from a real Dovecot by a `dealbot serve` process that is SIGKILLed mid-capture."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from tests.email.dovecot import DovecotServer, Mailbox, running_dovecot
from tests.email_e2e.mails import customer_mail
from tests.process.conftest import ServeFactory
from tests.process.load import Database, wait_ready

M = 40


@pytest.fixture(scope="module")
def dovecot() -> Iterator[DovecotServer]:
    yield from running_dovecot()


@pytest.fixture
def sales(dovecot: DovecotServer) -> Mailbox:
    user, password = dovecot.add_user()
    return Mailbox(dovecot, user, password)


def email_section(sales: Mailbox) -> dict[str, object]:
    return {"from_address": sales.address, "domain": "example.test", "imap_host": "127.0.0.1",
            "imap_port": sales.server.imap_port, "imap_user": sales.user, "imap_password": sales.password,
            "imap_ssl": False, "imap_mailboxes": ["INBOX"], "poll_interval": 0.3, "batch_size": 1}


def inquiries(count: int) -> list[tuple[str, str, bytes]]:
    """(Message-ID, subject, raw mail): first inquiries from `count` different companies."""
    run = secrets.token_hex(3)
    mails = []
    for i in range(count):
        message_id, subject = f"<q{i}.{run}@co{i}.test>", f"询价 {run}-{i}"
        body = f"您好，请报价MES系统，工厂{i + 100}人。\n\n采购{i}\n公司{i}"
        mails.append((message_id, subject, customer_mail(f"buyer@co{i}.test", f"采购{i}", subject, body,
                                                         message_id, "sales@example.test")))
    return mails


async def captured(db: Database) -> dict[str, bool]:
    return await db.inbox("email")


async def wait_captured(db: Database, count: int, timeout: float, log: Callable[[], str],
                        stored_only: bool = False) -> dict[str, bool]:
    """Until `count` mails are processed (or only stored in the inbox, with `stored_only`)."""
    deadline = time.monotonic() + timeout
    while True:
        rows = await captured(db)
        if (len(rows) if stored_only else sum(rows.values())) >= count:
            return rows
        if time.monotonic() > deadline:
            raise AssertionError(f"{sum(rows.values())} of {count} mails processed after {timeout} s "
                                 f"({len(rows)} captured)\n{log()}")
        await asyncio.sleep(0.02)


async def test_sigkill_mid_capture_then_restart_captures_every_mail_once(
        serve: ServeFactory, process_db_url: str, sales: Mailbox,
        database: Callable[[str], Database]) -> None:
    """M mails wait in the IMAP inbox; serve is SIGKILLed while it captures them and restarted: every
    mail is stored once (inbox row per Message-ID, processed) and makes one customer, one lead and one
    follow-up, although the IMAP bookmark and the inbox were cut off mid-batch."""
    mails = inquiries(M)
    for _, _, raw in mails:
        await asyncio.to_thread(sales.deliver, raw)
    server = serve("a", process_db_url, email=email_section(sales)).start()
    await wait_ready(server)
    db = database(process_db_url)
    await wait_captured(db, M // 4, 60.0, server.log_tail, stored_only=True)
    server.kill()
    at_kill = await captured(db)
    print(f"at the kill: {len(at_kill)} of {M} mails stored, {sum(at_kill.values())} processed")
    assert len(at_kill) < M, "the kill did not land mid-capture"
    server.start()
    await wait_ready(server)
    rows = await wait_captured(db, M, 60.0, server.log_tail)
    assert sorted(rows) == sorted(message_id for message_id, _, _ in mails) and all(rows.values())
    leads = Counter(row[0] for row in await db.rows("SELECT title FROM leads"))
    assert leads == Counter(subject for _, subject, _ in mails), "a mail made no lead, or two"
    customers = await db.rows("SELECT domain FROM customers")
    assert sorted(row[0] for row in customers) == sorted(f"co{i}.test" for i in range(M))
    kinds = Counter(row[0] for row in await db.rows("SELECT kind FROM followups WHERE lead_id IS NOT NULL"))
    assert kinds == {"email": M}
