"""Quotes: numbered versions per opportunity, never overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.approval_state import ApprovalState
from domain.money import Money


@dataclass(slots=True)
class Quote:
    opportunity_id: int
    version: int
    amount: Money
    note: str = ""
    created_by: int | None = None
    created_at: datetime | None = None
    id: int | None = None
    list_price: Money | None = None  # 原价: the discount is measured against it (approvals)
    cost: Money | None = None  # 成本: the margin is measured against it (approvals)
    approval: ApprovalState = ApprovalState.NONE  # pending: not to be mailed until approved
