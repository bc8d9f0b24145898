"""IMAP capture against a real Dovecot: every mail dispatched once, across restarts and failures."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace

import pytest
from dovecot import Mailbox, free_port
from email_samples import BROKEN_MAIL, simple_mail
from imapclient import IMAPClient

from connectors.base import InboundMessage
from connectors.email import CaptureSettings, EmailConnector, InMemoryBookmarkStore, MailboxCapture


class FakeInbox:
    """Records dispatched messages; can fail on chosen subjects a given number of times."""

    def __init__(self, fail_on: str = "", failures: int = 0) -> None:
        self.messages: list[InboundMessage] = []
        self.fail_on = fail_on
        self.failures = failures
        self.arrived = asyncio.Event()

    async def __call__(self, message: InboundMessage) -> None:
        if self.fail_on and message.subject == self.fail_on and self.failures > 0:
            self.failures -= 1
            raise RuntimeError("inbox database unavailable")
        self.messages.append(message)
        self.arrived.set()

    @property
    def subjects(self) -> list[str]:
        return [message.subject for message in self.messages]

    async def wait_for(self, count: int, timeout: float = 15.0) -> None:
        async def enough() -> None:
            while len(self.messages) < count:
                self.arrived.clear()
                await self.arrived.wait()
        await asyncio.wait_for(enough(), timeout)


def capture(mailbox: Mailbox, store: InMemoryBookmarkStore, inbox: FakeInbox, settings: CaptureSettings,
            folder: str = "INBOX") -> MailboxCapture:
    return MailboxCapture(mailbox.account((folder,)), folder, store, inbox, settings)


async def test_every_delivered_mail_is_dispatched_once_in_uid_order(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    for number in range(1, 8):
        mailbox.deliver(simple_mail(number))
    store, inbox = InMemoryBookmarkStore(), FakeInbox()
    assert await capture(mailbox, store, inbox, fast_settings).capture_once() == 7
    assert inbox.subjects == [f"询价 {n}" for n in range(1, 8)]
    first = inbox.messages[0]
    assert (first.channel, first.external_id, first.conversation_id) == ("email", "<mail-1@example.test>",
                                                                         mailbox.address)
    assert (first.sender_id, first.sender_name) == ("customer@example.test", "客户 1")
    assert first.text == "第 1 封邮件：请报价。"
    assert first.received_at.tzinfo is not None
    assert first.extra["kind"] == "human" and first.extra["folder"] == "INBOX" and first.extra["uid"] == 1
    [(_, last_uid)] = store.bookmarks.values()
    assert last_uid == 7


async def test_restart_neither_loses_nor_recaptures(mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    store = InMemoryBookmarkStore()
    for number in range(1, 4):
        mailbox.deliver(simple_mail(number))
    assert await capture(mailbox, store, FakeInbox(), fast_settings).capture_once() == 3
    after_restart = FakeInbox()
    assert await capture(mailbox, store, after_restart, fast_settings).capture_once() == 0
    mailbox.deliver(simple_mail(4))
    mailbox.deliver(simple_mail(5))
    assert await capture(mailbox, store, after_restart, fast_settings).capture_once() == 2
    assert after_restart.subjects == ["询价 4", "询价 5"]


async def test_a_broken_mail_in_the_middle_does_not_block_the_next(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    mailbox.deliver(simple_mail(1))
    mailbox.deliver(BROKEN_MAIL)
    mailbox.deliver(simple_mail(3, message_id=False))
    mailbox.deliver(simple_mail(4))
    inbox = FakeInbox()
    assert await capture(mailbox, InMemoryBookmarkStore(), inbox, fast_settings).capture_once() == 4
    broken, no_id = inbox.messages[1], inbox.messages[2]
    assert broken.external_id.startswith("sha256:") and broken.extra["defects"]
    assert no_id.external_id.startswith("sha256:") and no_id.subject == "询价 3"
    assert inbox.subjects[3] == "询价 4"


async def test_failed_dispatch_keeps_the_bookmark_so_the_mail_comes_again(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    for number in range(1, 4):
        mailbox.deliver(simple_mail(number))
    store, inbox = InMemoryBookmarkStore(), FakeInbox(fail_on="询价 2", failures=1)
    with pytest.raises(RuntimeError, match="inbox database unavailable"):
        await capture(mailbox, store, inbox, fast_settings).capture_once()
    assert inbox.subjects == ["询价 1", "询价 3"]  # one batch, dispatched concurrently
    assert [uid for _, uid in store.bookmarks.values()] == [1]  # never past the failed mail
    assert await capture(mailbox, store, inbox, fast_settings).capture_once() == 2
    assert inbox.subjects == ["询价 1", "询价 3", "询价 2", "询价 3"]  # the repeat is left to Message-ID dedupe


async def test_a_fetched_batch_is_dispatched_concurrently_and_bookmarked_once(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    for number in range(1, 7):
        mailbox.deliver(simple_mail(number))
    in_flight, most = 0, 0
    seen: list[str] = []

    async def slow_inbox(message: InboundMessage) -> None:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        seen.append(message.subject)

    class CountingStore(InMemoryBookmarkStore):
        puts = 0

        async def put(self, mailbox: str, uidvalidity: int, last_uid: int) -> None:
            CountingStore.puts += 1
            await super().put(mailbox, uidvalidity, last_uid)

    store = CountingStore()
    assert await MailboxCapture(mailbox.account(), "INBOX", store, slow_inbox,
                                fast_settings).capture_once() == 6
    assert most == fast_settings.batch_size and sorted(seen) == sorted(f"询价 {n}" for n in range(1, 7))
    assert CountingStore.puts == 2 and [uid for _, uid in store.bookmarks.values()] == [6]


async def test_a_mail_that_makes_the_server_hang_up_is_isolated_and_skipped(
        mailbox: Mailbox, fast_settings: CaptureSettings, caplog: pytest.LogCaptureFixture) -> None:
    for number in range(1, 5):
        mailbox.deliver(simple_mail(number))
    maildir = mailbox.server.root / "mail" / mailbox.user / "Maildir"
    [unreadable] = [path for path in maildir.glob("*/*") if b"<mail-2@" in path.read_bytes()]
    unreadable.chmod(0)  # Dovecot never reads mail as root: FETCH of this UID ends in BYE
    store, inbox = InMemoryBookmarkStore(), FakeInbox()
    connector = EmailConnector([mailbox.account()], store, settings=fast_settings)
    with caplog.at_level(logging.WARNING, logger="connectors.email.imap"):
        await connector.start(inbox)
        try:
            await inbox.wait_for(3)
        finally:
            await connector.stop()
    assert inbox.subjects == ["询价 1", "询价 3", "询价 4"]
    assert [uid for _, uid in store.bookmarks.values()] == [4]
    assert any("UID 2 broke the connection" in record.getMessage() for record in caplog.records)


async def test_uidvalidity_change_rescans_the_folder(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    client = IMAPClient("127.0.0.1", port=mailbox.server.imap_port, ssl=False)
    client.login(mailbox.user, mailbox.password)
    client.create_folder("Sales")
    client.append("Sales", simple_mail(1))
    store, inbox = InMemoryBookmarkStore(), FakeInbox()
    assert await capture(mailbox, store, inbox, fast_settings, "Sales").capture_once() == 1
    [(old_validity, _)] = store.bookmarks.values()
    client.delete_folder("Sales")
    client.create_folder("Sales")
    client.append("Sales", simple_mail(1))
    client.append("Sales", simple_mail(2))
    new_validity = client.select_folder("Sales", readonly=True)[b"UIDVALIDITY"]
    client.logout()
    assert new_validity != old_validity
    assert await capture(mailbox, store, inbox, fast_settings, "Sales").capture_once() == 2
    assert inbox.subjects == ["询价 1", "询价 1", "询价 2"]  # the repeat is left to Message-ID dedupe
    assert list(store.bookmarks.values()) == [(new_validity, 2)]


async def test_first_run_without_backfill_starts_after_the_newest_mail(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    mailbox.deliver(simple_mail(1))
    settings, store, inbox = replace(fast_settings, backfill=False), InMemoryBookmarkStore(), FakeInbox()
    assert await capture(mailbox, store, inbox, settings).capture_once() == 0
    mailbox.deliver(simple_mail(2))
    assert await capture(mailbox, store, inbox, settings).capture_once() == 1
    assert inbox.subjects == ["询价 2"]


async def test_plus_address_token_and_automatic_kind_reach_extra(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    mailbox.deliver(simple_mail(1, to=f"{mailbox.user}+q42@example.test"), detail="q42")
    mailbox.deliver(simple_mail(2, subject="自动回复：不在办公室"))
    inbox = FakeInbox()
    await capture(mailbox, InMemoryBookmarkStore(), inbox, fast_settings).capture_once()
    assert inbox.messages[0].extra["plus_tokens"] == ["q42"]
    assert inbox.messages[1].extra["kind"] == "auto_reply"


async def all_idle(connector: EmailConnector, timeout: float = 15.0) -> None:
    async def idle() -> None:
        while not connector.mailboxes or any(box.state != "idle" for box in connector.mailboxes):
            await asyncio.sleep(0.01)
    await asyncio.wait_for(idle(), timeout)


async def test_connector_idles_on_several_mailboxes_and_captures_what_arrives(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    other = Mailbox(mailbox.server, *mailbox.server.add_user())
    inbox = FakeInbox()
    no_polling = replace(fast_settings, poll_interval=3600.0)  # only IDLE notifications can wake it
    connector = EmailConnector([mailbox.account(), other.account()], InMemoryBookmarkStore(),
                               settings=no_polling)
    await connector.start(inbox)
    try:
        await all_idle(connector)
        mailbox.deliver(simple_mail(1))
        other.deliver(simple_mail(2))
        await inbox.wait_for(2)
        await all_idle(connector)
        mailbox.deliver(simple_mail(3))
        await inbox.wait_for(3)
    finally:
        await connector.stop()
    by_subject = {message.subject: message.conversation_id for message in inbox.messages}
    assert by_subject == {"询价 1": mailbox.address, "询价 2": other.address, "询价 3": mailbox.address}
    assert [box.state for box in connector.mailboxes] == ["stopped", "stopped"]


async def test_polling_fallback_and_retry_after_a_failed_dispatch(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    inbox = FakeInbox(fail_on="询价 1", failures=2)
    connector = EmailConnector([mailbox.account()], InMemoryBookmarkStore(),
                               settings=replace(fast_settings, use_idle=False))
    await connector.start(inbox)
    try:
        mailbox.deliver(simple_mail(1))
        mailbox.deliver(simple_mail(2))
        while inbox.failures or "询价 1" not in inbox.subjects or "询价 2" not in inbox.subjects:
            await inbox.wait_for(len(inbox.messages) + 1)
    finally:
        await connector.stop()
    assert set(inbox.subjects) == {"询价 1", "询价 2"}  # 询价 2 may come twice: it can share 询价 1's batch
    assert inbox.failures == 0


async def retries_logged(connector: EmailConnector, caplog: pytest.LogCaptureFixture,
                         wanted: int) -> list[str]:
    with caplog.at_level(logging.WARNING, logger="connectors.email.imap"):
        await connector.start(FakeInbox())
        for _ in range(300):
            if sum("retrying" in record.getMessage() for record in caplog.records) >= wanted:
                break
            await asyncio.sleep(0.05)
        await connector.stop()
    return [record.getMessage() for record in caplog.records if "retrying" in record.getMessage()]


async def test_unreachable_server_is_retried_with_growing_backoff(
        mailbox: Mailbox, fast_settings: CaptureSettings, caplog: pytest.LogCaptureFixture) -> None:
    account = replace(mailbox.account(), port=free_port())
    connector = EmailConnector([account], InMemoryBookmarkStore(), settings=fast_settings)
    retries = await retries_logged(connector, caplog, 4)
    delays = [float(re.search(r"retrying in ([\d.]+) s", text).group(1)) for text in retries]  # type: ignore[union-attr]
    assert delays[:4] == [0.05, 0.1, 0.2, 0.2]  # doubled each time, capped at backoff_max


async def test_wrong_password_is_retried_without_logging_the_password(
        mailbox: Mailbox, fast_settings: CaptureSettings, caplog: pytest.LogCaptureFixture) -> None:
    account = replace(mailbox.account(), password="wrong-secret-value")
    connector = EmailConnector([account], InMemoryBookmarkStore(), settings=fast_settings)
    retries = await retries_logged(connector, caplog, 1)
    assert retries and "LoginError" in retries[0]
    assert not any("wrong-secret-value" in record.getMessage() for record in caplog.records)
    assert "wrong-secret-value" not in repr(account)
