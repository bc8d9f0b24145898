"""Visit check-ins (issue #14, migration 0020): who was at which customer when, where, how far away."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, false
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, optional_parent, parent


class VisitRow(Base):
    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_rep_id_at", "rep_id", "at"),  # a rep's day, a rep's recent check-ins
                      Index("ix_visits_at", "at"))  # a day's visits of a team (the digest)

    id: Mapped[int] = mapped_column(primary_key=True)
    rep_id: Mapped[int] = parent("reps.id", cascade=True, index=False)
    customer_id: Mapped[int] = parent("customers.id", cascade=True)
    at: Mapped[datetime]
    opportunity_id: Mapped[int | None] = optional_parent("opportunities.id")
    followup_id: Mapped[int | None] = optional_parent("followups.id", index=False)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    label: Mapped[str]
    distance_m: Mapped[int | None]
    far: Mapped[bool] = mapped_column(server_default=false())
