"""The handover's view of approvals (issue #14): a leaver's pending requests move to the successor (they now
ask); requests waiting for the leaver's decision cannot move and are listed — an admin decides them. Same unit
of work as the rest of the handover; undo gives the moved requests back to the leaver while still pending."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from domain.approvals import KIND_LABELS, ApprovalRequest, ApprovalStatus
from domain.handover import ApprovalsMoved, PendingApproval

EVERY = 10_000  # a person's pending requests: a handful; the cap only bounds a runaway


def pending(request: ApprovalRequest) -> PendingApproval:
    zh, _ = KIND_LABELS[request.kind]
    return PendingApproval(request.ref, f"{zh} #{request.opportunity_id}")


class StoredApprovals:
    """domain.handover.ApprovalsPort over `uow.approvals`."""

    async def move(self, uow: Any, leaver_id: int, successor_id: int) -> ApprovalsMoved:
        asked = list(await uow.approvals.waiting(leaver_id, limit=EVERY))
        for request in asked:
            await uow.approvals.save(replace(request, requester_id=successor_id))
        stuck = [pending(r) for r in await uow.approvals.to_decide(leaver_id, limit=EVERY)]
        return ApprovalsMoved(moved=[pending(r) for r in asked], stuck=stuck,
                              undo={"requests": [r.id for r in asked]})

    async def restore(self, uow: Any, undo: Mapping[str, Any], leaver_id: int, successor_id: int) -> None:
        for request_id in undo.get("requests", ()):
            request = await uow.approvals.find(int(request_id))
            if (request is not None and request.status is ApprovalStatus.PENDING
                    and request.requester_id == successor_id):
                await uow.approvals.save(replace(request, requester_id=leaver_id))
