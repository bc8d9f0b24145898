"""Mail threads: which customer, contact, lead or deal a Message-ID, a reply token or a sender belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class MailKey(StrEnum):
    MESSAGE = "message"  # a Message-ID we captured or sent: answers to it belong to the same thread
    TOKEN = "token"  # the token of a plus address (sales+<token>@) or subject tag naming a lead or deal
    SENDER = "sender"  # an address ("he@mingtu.com") or a company domain ("@mingtu.com"): its latest thread
    HELD = "held"  # a mail from a stranger naming a thread, held for its owner to file or ignore (key: its code)


class HeldStatus(StrEnum):
    HELD = "held"
    FILED = "filed"
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class MailLink:
    """What a mail belongs to. A lead that was converted stands for its deal."""

    customer_id: int | None = None
    contact_id: int | None = None
    lead_id: int | None = None
    opportunity_id: int | None = None

    @property
    def linked(self) -> bool:
        return self.customer_id is not None


@dataclass(slots=True)
class MailThread:
    """One key (see MailKey) and the link it resolves to. Unique on (kind, key)."""

    kind: MailKey
    key: str
    at: datetime
    customer_id: int | None = None
    contact_id: int | None = None
    lead_id: int | None = None
    opportunity_id: int | None = None
    sender: str = ""  # inbound messages: the From address (flood control)
    outbound: bool = False  # messages we sent
    subject: str = ""
    id: int | None = None
    sender_name: str = ""  # held mails: what to file
    note: str = ""
    status: str = ""  # held mails: HeldStatus

    @property
    def link(self) -> MailLink:
        return MailLink(self.customer_id, self.contact_id, self.lead_id, self.opportunity_id)

    @classmethod
    def of(cls, kind: MailKey, key: str, at: datetime, link: MailLink, *, sender: str = "",
           outbound: bool = False, subject: str = "") -> MailThread:
        return cls(kind, key, at, link.customer_id, link.contact_id, link.lead_id, link.opportunity_id,
                   sender, outbound, subject)


@dataclass(slots=True)
class QuarantineEntry:
    """A captured mail that could not be stored and was skipped: enough to find it in its mailbox."""

    mailbox: str
    uidvalidity: int
    uid: int
    message_id: str
    sender: str
    subject: str
    size: int
    reason: str
    at: datetime
    id: int | None = None
