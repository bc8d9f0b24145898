"""Inbox and outbox rows, as plain data: what arrived and what is to be sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class InboxState(StrEnum):
    """pending -> claimed (by one worker, with a lease) -> done | dead; a failure goes back to pending."""

    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    DEAD = "dead"  # failed max_attempts times; kept for the admin (`dealbot inbox --failed`)


@dataclass(frozen=True, slots=True)
class Claim:
    """Who works on inbox rows and until when the claim holds (the lease) unless renewed."""

    worker: str
    until: datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 2.0  # seconds; doubles with every attempt
    max_delay: float = 3600.0

    def next_attempt(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after `attempts` failed attempts; None: give up (dead letter)."""
        if attempts >= self.max_attempts:
            return None
        delay = min(self.max_delay, self.base_delay * 2 ** max(attempts - 1, 0))
        return now + timedelta(seconds=delay)


@dataclass(slots=True)
class InboxRecord:
    """An inbound message stored before the platform is acknowledged. Unique on (channel, external_id).

    The queue fields: `attempts` counts claims (a graceful release gives its attempt back).
    """

    channel: str
    external_id: str
    conversation_id: str
    sender_id: str
    text: str
    received_at: datetime
    sender_name: str = ""
    payload: dict[str, Any] = field(default_factory=dict)  # the rest of the normalized message
    processed_at: datetime | None = None
    state: InboxState = InboxState.PENDING
    claimed_by: str | None = None
    lease_until: datetime | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str = ""
    id: int | None = None

    def claim(self, claim: Claim) -> None:
        """Born claimed: the process that stores the row works on it without another round trip."""
        self.state, self.claimed_by, self.lease_until, self.attempts = (
            InboxState.CLAIMED, claim.worker, claim.until, self.attempts + 1)


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
