"""Quotes: numbered versions per opportunity, never overwritten."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
