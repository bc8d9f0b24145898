"""Handover when people leave (离职交接): what moves from the leaver to the successor, and the ports behind it.

What moves: every customer the leaver owns, their open leads (new / assigned), their open deals (with the
successor's team), their pending and sent reminders, and their places as a sharee on colleagues' deals.
Closed deals (won / lost) keep their owner — who won a deal stays in the history and the reports — and are
shared with the successor, who now serves the account (sees the history, chases payments). Approvals the
leaver requested move to the successor; approvals waiting for the leaver's decision cannot move.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from domain.errors import DomainError


@dataclass(frozen=True, slots=True)
class BookPreview:
    """What a person holds, counted before anything moves: the summary's numbers come from here."""

    customers: int = 0
    customer_names: tuple[str, ...] = ()  # the first few, by id
    leads: int = 0
    deals: int = 0
    deal_amounts: Mapping[str, Decimal] = field(default_factory=dict)  # open deals' totals per currency
    closed_deals: int = 0
    reminders: int = 0
    shares: int = 0  # colleagues' deals shared with the leaver


@dataclass(slots=True)
class MovedBook:
    """The ids a handover changed, grouped so that undo can put each back exactly (stored in the audit entry)."""

    customers: list[int] = field(default_factory=list)
    leads: dict[str, list[int]] = field(default_factory=dict)  # previous team id ("" = none) -> lead ids
    deals: dict[str, list[int]] = field(default_factory=dict)  # previous team id ("" = none) -> deal ids
    reminders: list[int] = field(default_factory=list)
    closed_shared: list[int] = field(default_factory=list)  # closed deals newly shared with the successor
    shares_moved: list[int] = field(default_factory=list)  # deals whose share passed from leaver to successor
    shares_dropped: list[int] = field(default_factory=list)  # leaver's shares dropped (successor sees it already)
    successor_shares_dropped: list[int] = field(default_factory=list)  # successor's shares of deals now theirs

    @property
    def lead_count(self) -> int:
        return sum(len(ids) for ids in self.leads.values())

    @property
    def deal_count(self) -> int:
        return sum(len(ids) for ids in self.deals.values())

    @property
    def total(self) -> int:
        return (len(self.customers) + self.lead_count + self.deal_count + len(self.reminders)
                + len(self.closed_shared) + len(self.shares_moved) + len(self.shares_dropped))

    def to_json(self) -> dict[str, Any]:
        return {"customers": self.customers, "leads": self.leads, "deals": self.deals, "reminders": self.reminders,
                "closed_shared": self.closed_shared, "shares_moved": self.shares_moved,
                "shares_dropped": self.shares_dropped, "successor_shares_dropped": self.successor_shares_dropped}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MovedBook:
        return cls(**{key: data.get(key, default) for key, default in cls().to_json().items()})


@dataclass(frozen=True, slots=True)
class RestoredBook:
    """What undo put back, and what it left with the successor because it changed since the handover."""

    restored: int
    kept: int


class HandoverRepository(Protocol):
    """Set-based moves of a person's book (no record is loaded one by one)."""

    async def preview(self, rep_id: int, names: int = 5) -> BookPreview: ...
    async def move(self, leaver_id: int, successor_id: int, successor_team: int | None) -> MovedBook: ...
    async def restore(self, moved: MovedBook, leaver_id: int, successor_id: int) -> RestoredBook: ...


@dataclass(frozen=True, slots=True)
class PendingApproval:
    """An approval request as the handover sees it: its reference (A12) and what it is about."""

    ref: str
    subject: str = ""


@dataclass(frozen=True, slots=True)
class ApprovalsMoved:
    moved: Sequence[PendingApproval] = ()  # requested by the leaver: the successor is now the requester
    stuck: Sequence[PendingApproval] = ()  # waiting for the leaver's decision: an admin decides them
    undo: Mapping[str, Any] = field(default_factory=dict)  # what `restore` needs, stored in the audit entry


class ApprovalsPort(Protocol):
    """Pending approvals of a person, for the handover. `uow` is the open unit of work (same transaction)."""

    async def move(self, uow: Any, leaver_id: int, successor_id: int) -> ApprovalsMoved: ...
    async def restore(self, uow: Any, undo: Mapping[str, Any], leaver_id: int, successor_id: int) -> None: ...


class NoApprovals:
    """The default until approvals exist: nothing pending, nothing to move."""

    async def move(self, uow: Any, leaver_id: int, successor_id: int) -> ApprovalsMoved:
        return ApprovalsMoved()

    async def restore(self, uow: Any, undo: Mapping[str, Any], leaver_id: int, successor_id: int) -> None:
        return None


class HandoverRefused(DomainError):
    """A handover refused before anything moved: `zh` / `en` carry the reason."""

    zh = "{reason}"
    en = "{reason_en}"

    def __init__(self, reason: str, reason_en: str) -> None:
        super().__init__(reason=reason, reason_en=reason_en)


class NothingToHandOver(DomainError):
    zh = "{leaver} 名下没有需要交接的客户、线索、进行中的商机、提醒或共享{already}，没有做任何更改。{stuck}"
    en = ("{leaver} holds no customers, leads, open deals, reminders or shares to hand over{already_en}; "
          "nothing was changed.{stuck_en}")
