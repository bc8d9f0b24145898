"""FakeApprovalRepository: domain.ports.ApprovalRepository in memory."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.approvals import ApprovalRequest, ApprovalStatus
from tests.fakes.store import FakeRepository


def _oldest(request: ApprovalRequest) -> tuple[datetime | None, int | None]:
    return request.created_at, request.id


class FakeApprovalRepository(FakeRepository[ApprovalRequest]):
    async def to_decide(self, approver_id: int, limit: int = 50) -> Sequence[ApprovalRequest]:
        return self._pending(lambda r: r.approver_id == approver_id)[:limit]

    async def waiting(self, requester_id: int, limit: int = 50) -> Sequence[ApprovalRequest]:
        return self._pending(lambda r: r.requester_id == requester_id)[:limit]

    async def all_pending(self, limit: int = 50) -> Sequence[ApprovalRequest]:
        return self._pending(lambda r: True)[:limit]

    async def stale(self, created_before: datetime, after_id: int = 0, limit: int = 500) -> Sequence[ApprovalRequest]:
        found = self._select(lambda r: r.status is ApprovalStatus.PENDING and r.created_at is not None
                             and r.created_at < created_before and (r.id or 0) > after_id)
        return found[:limit]

    async def pending_for_deal(self, opportunity_id: int) -> Sequence[ApprovalRequest]:
        return self._pending(lambda r: r.opportunity_id == opportunity_id)

    def _pending(self, keep: object) -> list[ApprovalRequest]:
        assert callable(keep)
        return list(self._select(lambda r: r.status is ApprovalStatus.PENDING and bool(keep(r)), key=_oldest))
