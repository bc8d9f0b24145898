"""A mail that cannot be stored is quarantined after repeated failures and capture moves past it; while
the quarantine store itself is down, nothing is skipped."""

from __future__ import annotations

import logging

import pytest
from dovecot import Mailbox
from email_samples import simple_mail

from connectors.base import InboundMessage
from connectors.email import CaptureSettings, InMemoryBookmarkStore, InMemoryQuarantineStore, MailboxCapture
from connectors.email.quarantine import QuarantinedMail


class RefusingInbox:
    """Stores every mail except the one with `subject`, which it always refuses."""

    def __init__(self, subject: str) -> None:
        self.subject = subject
        self.stored: list[str] = []

    async def __call__(self, message: InboundMessage) -> None:
        if message.subject == self.subject:
            raise ValueError("value too long for type character varying(255)")
        self.stored.append(message.subject)


class BrokenQuarantine:
    async def put(self, mail: QuarantinedMail) -> None:
        raise ConnectionError("database unavailable")


async def test_a_mail_refused_three_times_is_quarantined_and_the_bookmark_moves_past_it(
        mailbox: Mailbox, fast_settings: CaptureSettings, caplog: pytest.LogCaptureFixture) -> None:
    for number in range(1, 5):
        mailbox.deliver(simple_mail(number))
    store, quarantine, inbox = InMemoryBookmarkStore(), InMemoryQuarantineStore(), RefusingInbox("询价 2")
    capture = MailboxCapture(mailbox.account(), "INBOX", store, inbox, fast_settings, quarantine=quarantine)
    for _ in range(2):  # the first failures may be passing trouble: the mail comes again
        with pytest.raises(ValueError):
            await capture.capture_once()
        assert [uid for _, uid in store.bookmarks.values()] == [1] and quarantine.mails == []
    with caplog.at_level(logging.ERROR, logger="connectors.email.imap"):
        assert await capture.capture_once() == 3
    [entry] = quarantine.mails
    assert (entry.uid, entry.message_id, entry.sender, entry.subject) == (
        2, "<mail-2@example.test>", "customer@example.test", "询价 2")
    assert entry.mailbox == capture.key and "character varying(255)" in entry.reason and entry.size > 0
    assert "quarantined and skipped" in caplog.text and "UID 2" in caplog.text
    assert [uid for _, uid in store.bookmarks.values()] == [4]
    assert set(inbox.stored) == {"询价 1", "询价 3", "询价 4"}
    mailbox.deliver(simple_mail(5))
    assert await capture.capture_once() == 1 and inbox.stored[-1] == "询价 5"


async def test_nothing_is_skipped_while_the_quarantine_store_is_down(
        mailbox: Mailbox, fast_settings: CaptureSettings) -> None:
    mailbox.deliver(simple_mail(1))
    mailbox.deliver(simple_mail(2))
    store = InMemoryBookmarkStore()
    capture = MailboxCapture(mailbox.account(), "INBOX", store, RefusingInbox("询价 1"), fast_settings,
                             quarantine=BrokenQuarantine())
    for _ in range(4):
        with pytest.raises((ValueError, ConnectionError)):
            await capture.capture_once()
    assert store.bookmarks == {}  # the refused first mail still holds the bookmark
