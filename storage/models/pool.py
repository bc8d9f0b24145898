"""The lead pool's log (migration 0018): claims, releases, reclaims, warnings, protection changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, parent


class PoolEventRow(Base):
    __tablename__ = "pool_events"
    __table_args__ = (
        Index("ix_pool_events_rep_id_kind_at", "rep_id", "kind", "at"),  # daily claims, cool-down
        Index("ix_pool_events_customer_id_kind_at", "customer_id", "kind", "at"),  # warnings, cool-down
        Index("ix_pool_events_kind_at", "kind", "at"),  # the digest's reclaimed customers
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Code]
    at: Mapped[datetime]
    rep_id: Mapped[int | None]
    customer_id: Mapped[int | None] = parent("customers.id", cascade=True, index=False)
    lead_id: Mapped[int | None] = parent("leads.id", cascade=True)
    by: Mapped[int | None]
    team_id: Mapped[int | None]
    reason: Mapped[Code]
    due_at: Mapped[datetime | None]
