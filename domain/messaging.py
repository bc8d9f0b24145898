"""Inbox and outbox rows, as plain data: what arrived and what is to be sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


@dataclass(slots=True)
class InboxRecord:
    """An inbound message stored before the platform is acknowledged. Unique on (channel, external_id)."""

    channel: str
    external_id: str
    conversation_id: str
    sender_id: str
    text: str
    received_at: datetime
    sender_name: str = ""
    payload: dict[str, Any] = field(default_factory=dict)  # the rest of the normalized message
    processed_at: datetime | None = None
    id: int | None = None


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # gave up; kept for inspection


@dataclass(slots=True)
class OutboxItem:
    channel: str
    recipient: str
    text: str
    created_at: datetime
    markdown: str | None = None
    subject: str = ""
    not_before: datetime | None = None  # reminders: deliver at or after this time
    extra: dict[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None  # e.g. "digest:<rep>:<day>": at most one row per key
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str = ""
    sent_at: datetime | None = None
    id: int | None = None
