"""Audit trail, inbox, outbox and key/value settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, LongText


class AuditRow(Base):
    __tablename__ = "audit"
    __table_args__ = (
        Index("ix_audit_entity_entity_id", "entity", "entity_id"),
        Index("ix_audit_actor_id_id", "actor_id", "id"),
        Index("ix_audit_actor_id_at", "actor_id", "at"),  # a rep's day for the daily report (migration 0013)
        Index("ix_audit_at", "at"),  # housekeeping (migration 0009)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None]
    entity: Mapped[Code]
    entity_id: Mapped[int]
    action: Mapped[Code]
    at: Mapped[datetime]
    changes: Mapped[dict[str, Any]]
    batch: Mapped[str] = mapped_column(String(64), index=True)
    undone: Mapped[bool] = mapped_column(default=False)


class InboxRow(Base):
    """A work queue row: state pending -> claimed (claimed_by, lease_until) -> done | dead."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_inbox_state_next_attempt_at", "state", "next_attempt_at"),
        Index("ix_inbox_state_lease_until", "state", "lease_until"),
        Index("ix_inbox_state_processed_at", "state", "processed_at"),  # housekeeping (migration 0009)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Code]
    external_id: Mapped[str]
    conversation_id: Mapped[str]
    sender_id: Mapped[str]
    sender_name: Mapped[str]
    text: Mapped[LongText]
    received_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]]
    processed_at: Mapped[datetime | None] = mapped_column(index=True)
    state: Mapped[Code] = mapped_column(server_default="pending")
    claimed_by: Mapped[str | None]
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(server_default="0")
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[LongText] = mapped_column(server_default="")


class OutboxRow(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_not_before", "status", "not_before"),
        # a recipient's line (claims keep each person's order) and the console's pending reads (migration 0013)
        Index("ix_outbox_channel_recipient_status_id", "channel", "recipient", "status", "id"),
        Index("ix_outbox_status_sent_at", "status", "sent_at"),  # housekeeping (migration 0009)
        Index("ix_outbox_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[Code]
    recipient: Mapped[str]
    text: Mapped[LongText]
    created_at: Mapped[datetime]
    markdown: Mapped[LongText | None]
    subject: Mapped[LongText]
    not_before: Mapped[datetime | None]
    extra: Mapped[dict[str, Any]]
    dedupe_key: Mapped[str | None] = mapped_column(unique=True)  # NULLs never collide
    status: Mapped[Code]
    attempts: Mapped[int]
    last_error: Mapped[LongText]
    sent_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None]
    claimed_at: Mapped[datetime | None]


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(primary_key=True)
    value: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
