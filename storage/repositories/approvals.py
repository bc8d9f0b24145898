"""Approval requests: the lists `待审批` shows, the stale ones the reminder job reads, a deal's open ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, bindparam, select

from domain.approval_state import ApprovalState
from domain.approvals import ApprovalRequest, ApprovalStatus
from storage.mapping import RowMapper
from storage.models import ApprovalRow
from storage.repositories.base import SqlRepository, statement

PENDING = ApprovalStatus.PENDING.value
BLOCKING = tuple(state.value for state in ApprovalState if state.blocks)


def counts_as_signed(contracts: FromClause) -> ColumnElement[bool]:
    """A contract row that counts as signed: not waiting for approval, not rejected (issue #14)."""
    return contracts.c.approval.not_in(BLOCKING)


class SqlAlchemyApprovalRepository(SqlRepository[ApprovalRequest, ApprovalRow]):
    row, mapper, what, ref_prefix = ApprovalRow, RowMapper(ApprovalRequest), ("审批", "approval"), "A"
    order = ("created_at",)

    async def to_decide(self, approver_id: int, limit: int = 50) -> Sequence[ApprovalRequest]:
        """Pending requests waiting for `approver_id`, oldest first."""
        return await self._pending_by("approver_id", approver_id, limit)

    async def waiting(self, requester_id: int, limit: int = 50) -> Sequence[ApprovalRequest]:
        """Pending requests `requester_id` made, oldest first."""
        return await self._pending_by("requester_id", requester_id, limit)

    async def all_pending(self, limit: int = 50) -> Sequence[ApprovalRequest]:
        """Every pending request, oldest first (an admin's list)."""
        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c.status == PENDING).order_by(table.c.created_at, table.c.id)
                    .limit(bindparam("limit")))

        return await self._all(statement(type(self), "all_pending", build), {"limit": limit})

    async def _pending_by(self, column: str, rep_id: int, limit: int) -> Sequence[ApprovalRequest]:
        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c[column] == bindparam("rep"), table.c.status == PENDING)
                    .order_by(table.c.created_at, table.c.id).limit(bindparam("limit")))

        return await self._all(statement(type(self), f"pending:{column}", build), {"rep": rep_id, "limit": limit})

    async def stale(self, created_before: datetime, after_id: int = 0, limit: int = 500) -> Sequence[ApprovalRequest]:
        """Pending requests made before `created_before`, by id after `after_id` (keyset pages)."""
        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c.status == PENDING, table.c.created_at < bindparam("before"),
                                        table.c.id > bindparam("after"))
                    .order_by(table.c.id).limit(bindparam("limit")))

        return await self._all(statement(type(self), "stale", build),
                               {"before": created_before, "after": after_id, "limit": limit})

    async def pending_for_deal(self, opportunity_id: int) -> Sequence[ApprovalRequest]:
        """The deal's pending requests, oldest first (a handover already waiting, a pending quote)."""
        def build() -> Select[Any]:
            table = self.table()
            return (select(table).where(table.c.opportunity_id == bindparam("deal"), table.c.status == PENDING)
                    .order_by(table.c.created_at, table.c.id))

        return await self._all(statement(type(self), "pending_for_deal", build), {"deal": opportunity_id})
