"""Outgoing webhook subscriptions (issue #16, migration 0023). Deliveries are outbox rows (channel "webhook")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, LongText, never_reused, optional_parent


class WebhookRow(Base):
    __tablename__ = "webhooks"
    __table_args__ = never_reused()  # W2 is a name people use: never handed out twice

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[LongText]
    events: Mapped[list[str]]  # event types; [] = every type
    secret: Mapped[str] = mapped_column(String(80))  # needed to sign each delivery, so kept (never logged)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = optional_parent("reps.id", index=False)
    created_at: Mapped[datetime]
