"""Mails that could not be stored: recorded for admins, then skipped, so capture never wedges.

A mail whose dispatch fails `CaptureSettings.max_dispatch_failures` times in a row (a value the
database refuses, a bug in the bot) is written to a QuarantineStore with what identifies it, and the
IMAP bookmark moves past it. When the store itself fails (the database is down), nothing is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from connectors.base import InboundMessage

from .limits import MAX_KEY_CHARS

MAX_REASON = 1000


@dataclass(frozen=True, slots=True)
class QuarantinedMail:
    """What an admin needs to find the mail in the mailbox; every value fits its column."""

    mailbox: str  # the capture key: imap://user@host/folder
    uidvalidity: int
    uid: int
    message_id: str
    sender: str
    subject: str
    size: int
    reason: str

    @classmethod
    def of(cls, mailbox: str, uidvalidity: int, uid: int, message: InboundMessage,
           error: BaseException) -> QuarantinedMail:
        reason = f"{type(error).__name__}: {error}"[:MAX_REASON]
        size = message.extra.get("raw_size")
        return cls(mailbox[:MAX_KEY_CHARS], uidvalidity, uid, message.external_id[:MAX_KEY_CHARS],
                   message.sender_id[:MAX_KEY_CHARS], message.subject[:MAX_KEY_CHARS],
                   size if isinstance(size, int) else 0, reason)


class QuarantineStore(Protocol):
    async def put(self, mail: QuarantinedMail) -> None:
        """Record the mail (a repeat of the same mailbox/UIDVALIDITY/UID is ignored); durable on return."""
        ...


class InMemoryQuarantineStore:
    def __init__(self) -> None:
        self.mails: list[QuarantinedMail] = []

    async def put(self, mail: QuarantinedMail) -> None:
        if all((m.mailbox, m.uidvalidity, m.uid) != (mail.mailbox, mail.uidvalidity, mail.uid) for m in self.mails):
            self.mails.append(mail)
