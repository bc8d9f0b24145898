"""Usage events (数据埋点) and feedback (issue #16, migration 0026).

usage_events carries no message text: who (a rep id), where (channel), what (kind, feature), how fast and
how it ended. Indexed for the month queries (by time, and by kind then time) and for housekeeping (`at`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, LongText, optional_parent


class UsageEventRow(Base):
    __tablename__ = "usage_events"
    __table_args__ = (
        Index("ix_usage_events_at", "at"),  # a month's events; housekeeping's cutoff
        Index("ix_usage_events_kind_at", "kind", "at"),  # a month's events of one kind (pages, captures)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    person_id: Mapped[int | None]
    channel: Mapped[Code]
    kind: Mapped[str] = mapped_column(String(16))
    feature: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    latency_ms: Mapped[int | None]
    target: Mapped[str | None] = mapped_column(String(16))


class FeedbackRow(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = optional_parent("reps.id")
    channel: Mapped[Code]
    conversation_id: Mapped[str]
    is_group: Mapped[bool] = mapped_column(default=False)
    locale: Mapped[str] = mapped_column(String(8))
    text: Mapped[LongText]
    at: Mapped[datetime]
