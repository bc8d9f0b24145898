"""Approval requests (domain.approvals): one row per quote, contract, payment plan or handover held for a yes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Code, LongText, never_reused, parent


class ApprovalRow(Base):
    __tablename__ = "approvals"
    __table_args__ = never_reused(
        Index("ix_approvals_approver_id_status_created_at", "approver_id", "status", "created_at"),
        Index("ix_approvals_requester_id_status_created_at", "requester_id", "status", "created_at"),
        Index("ix_approvals_status_created_at", "status", "created_at"),  # the stale-request reminder scan
        Index("ix_approvals_opportunity_id_status", "opportunity_id", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = parent("opportunities.id", cascade=True, index=False)
    kind: Mapped[Code]
    requester_id: Mapped[int]
    approver_id: Mapped[int]
    subject_id: Mapped[int | None]
    status: Mapped[Code]
    asked: Mapped[dict[str, Any]]
    reason: Mapped[LongText]
    created_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None]
