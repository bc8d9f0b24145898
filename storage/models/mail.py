"""Mail threading keys: Message-IDs, reply tokens and senders, each pointing at a customer/lead/deal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, LongText


class MailThreadRow(Base):
    """No foreign keys: rows outlive an undone lead or deal; readers drop links to missing rows."""

    __tablename__ = "mail_threads"
    __table_args__ = (
        UniqueConstraint("key", "kind"),  # key first: lookups name keys, not kinds
        Index("ix_mail_threads_sender_at", "sender", "at"),
        Index("ix_mail_threads_opportunity_id_at", "opportunity_id", "at"),
        Index("ix_mail_threads_lead_id_at", "lead_id", "at"),
        Index("ix_mail_threads_customer_id_at", "customer_id", "at"),  # customer health (migration 0016)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Code]
    key: Mapped[str]
    at: Mapped[datetime]
    customer_id: Mapped[int | None]
    contact_id: Mapped[int | None]
    lead_id: Mapped[int | None]
    opportunity_id: Mapped[int | None]
    sender: Mapped[str]
    outbound: Mapped[bool]
    subject: Mapped[str]
    sender_name: Mapped[str] = mapped_column(server_default="")
    note: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[Code] = mapped_column(server_default="")


class MailQuarantineRow(Base):
    """A captured mail that could not be stored: what identifies it in its mailbox, and why.

    UIDVALIDITY and UIDs are unsigned 32-bit numbers, hence BigInteger.
    """

    __tablename__ = "mail_quarantine"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid"), Index("ix_mail_quarantine_at", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str]
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    uid: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[str]
    sender: Mapped[str]
    subject: Mapped[str]
    size: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[LongText]
    at: Mapped[datetime]
