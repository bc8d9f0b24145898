"""SMS (issue #16, migration 0024): who wants reminders by SMS on which mobile, which customers said stop,
and the ledger of SMS the provider accepted (the throttle counts it; the owner reads it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, optional_parent


class SmsSubscriptionRow(Base):
    """One per person who gave a mobile: `enabled` says whether their reminders also go there."""

    __tablename__ = "sms_subscriptions"

    rep_id: Mapped[int] = mapped_column(ForeignKey("reps.id", ondelete="CASCADE"), primary_key=True)
    mobile: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(server_default=false())
    updated_at: Mapped[datetime]


class SmsOptOutRow(Base):
    """A customer who asked for no SMS (`短信 停止 客户 明途`): their contacts get no payment reminders."""

    __tablename__ = "sms_optouts"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    stopped_at: Mapped[datetime]
    stopped_by: Mapped[int | None] = optional_parent("reps.id", index=False)


class SmsSendRow(Base):
    """One SMS the provider accepted: to `phone` (E.164), what for (`kind` reminder | payment), from which
    outbox row (its delivery key), about which customer / payment milestone, the provider's serial number."""

    __tablename__ = "sms_sends"
    __table_args__ = (Index("ix_sms_sends_phone_sent_at", "phone", "sent_at"),
                      Index("ix_sms_sends_milestone_id_sent_at", "milestone_id", "sent_at"))  # payments_sent

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    kind: Mapped[Code]
    sent_at: Mapped[datetime]
    delivery_key: Mapped[str | None] = mapped_column(String(64), unique=True)  # the outbox row's, once
    template_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = optional_parent("customers.id")
    milestone_id: Mapped[int | None] = optional_parent("payment_milestones.id", index=False)
    serial_no: Mapped[str] = mapped_column(String(128), server_default="")
