"""Leads: an unqualified interest, assigned to a rep by rules, converted into an opportunity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.errors import DomainError
from domain.money import Money


class LeadStatus(StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    CONVERTED = "converted"
    DISQUALIFIED = "disqualified"


class LeadAlreadyConverted(DomainError):
    zh = "线索 L{lead_id} 已转为商机 #{opportunity_id}"
    en = "Lead L{lead_id} was already converted to deal #{opportunity_id}"


@dataclass(slots=True)
class Lead:
    customer_id: int
    title: str = ""
    contact_id: int | None = None
    budget: Money | None = None
    region: str = ""
    industry: str = ""
    source: str = "chat"  # chat | email | import | api
    status: LeadStatus = LeadStatus.NEW
    owner_id: int | None = None
    team_id: int | None = None
    opportunity_id: int | None = None
    created_at: datetime | None = None
    id: int | None = None

    def assign(self, owner_id: int | None, team_id: int | None) -> None:
        self.owner_id, self.team_id = owner_id, team_id
        if owner_id is not None and self.status is LeadStatus.NEW:
            self.status = LeadStatus.ASSIGNED

    def mark_converted(self, opportunity_id: int) -> None:
        if self.status is LeadStatus.CONVERTED:
            raise LeadAlreadyConverted(lead_id=self.id, opportunity_id=self.opportunity_id)
        self.status = LeadStatus.CONVERTED
        self.opportunity_id = opportunity_id
