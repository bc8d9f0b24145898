"""Leads, opportunities (with stage history and sharing) and reminders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from domain.activity import Reminder, ReminderStatus
from domain.lead import Lead, LeadStatus
from domain.opportunity import Opportunity, Stage, StageChange
from storage.mapping import RowMapper
from storage.models import LeadRow, OpportunityRow, OpportunityShareRow, ReminderRow, StageChangeRow
from storage.repositories.base import SqlRepository

STAGE_CHANGES = RowMapper(StageChange)


class SqlAlchemyLeadRepository(SqlRepository[Lead, LeadRow]):
    row = LeadRow
    mapper = RowMapper(Lead)
    what = ("线索", "lead")
    ref_prefix = "L"

    async def list(self, owner_ids: Iterable[int] | None = None,
                   status: LeadStatus | None = None) -> Sequence[Lead]:
        stmt = select(LeadRow).order_by(LeadRow.id)
        if owner_ids is not None:
            stmt = stmt.where(LeadRow.owner_id.in_(list(owner_ids)))
        if status is not None:
            stmt = stmt.where(LeadRow.status == LeadStatus(status).value)
        return await self._all(stmt)


class SqlAlchemyOpportunityRepository(SqlRepository[Opportunity, OpportunityRow]):
    row = OpportunityRow
    mapper = RowMapper(Opportunity, skip=["shared_with", "history"])
    what = ("商机", "deal")
    children = ("shares", "history")

    async def list(self, owner_ids: Iterable[int] | None = None, stages: Iterable[Stage] | None = None,
                   customer_id: int | None = None, limit: int = 200) -> Sequence[Opportunity]:
        """owner_ids None = everyone's. Deals shared with one of owner_ids are included."""
        stmt = select(OpportunityRow).order_by(OpportunityRow.id).limit(limit)
        if owner_ids is not None:
            ids = list(owner_ids)
            shared = select(OpportunityShareRow.opportunity_id).where(OpportunityShareRow.rep_id.in_(ids))
            stmt = stmt.where(or_(OpportunityRow.owner_id.in_(ids), OpportunityRow.id.in_(shared)))
        if stages is not None:
            stmt = stmt.where(OpportunityRow.stage.in_([Stage(stage).value for stage in stages]))
        if customer_id is not None:
            stmt = stmt.where(OpportunityRow.customer_id == customer_id)
        return await self._all(stmt)

    async def find(self, item_id: int) -> Opportunity | None:
        """One statement: the deal with its stage history and shares joined in."""
        options = [joinedload(OpportunityRow.history), joinedload(OpportunityRow.shares)]
        row = await self.session.get(OpportunityRow, item_id, options=options)
        return None if row is None else self._load(self._hold(row))

    def _load(self, row: OpportunityRow) -> Opportunity:
        opportunity: Opportunity = self.mapper.load(
            row, shared_with=[share.rep_id for share in row.shares],
            history=[STAGE_CHANGES.load(change) for change in row.history])
        return opportunity

    def _fill(self, row: OpportunityRow, item: Opportunity) -> None:
        self.mapper.fill(row, item)
        wanted = list(dict.fromkeys(item.shared_with))
        row.shares[:] = [share for share in row.shares if share.rep_id in wanted]
        have = {share.rep_id for share in row.shares}
        row.shares.extend(OpportunityShareRow(rep_id=rep_id) for rep_id in wanted if rep_id not in have)
        # History is append-only in the domain; rewrite in place anyway so the rows always match.
        for index, change in enumerate(item.history):
            values = STAGE_CHANGES.columns(change)
            if index < len(row.history):
                for column, value in values.items():
                    setattr(row.history[index], column, value)
            else:
                row.history.append(StageChangeRow(**values))
        del row.history[len(item.history):]


class SqlAlchemyReminderRepository(SqlRepository[Reminder, ReminderRow]):
    row = ReminderRow
    mapper = RowMapper(Reminder)
    what = ("提醒", "reminder")

    async def due(self, now: datetime, limit: int = 100) -> Sequence[Reminder]:
        """Pending reminders due at or before `now`, earliest first."""
        stmt = (select(ReminderRow)
                .where(ReminderRow.status == ReminderStatus.PENDING.value, ReminderRow.due_at <= now)
                .order_by(ReminderRow.due_at, ReminderRow.id).limit(limit))
        return await self._all(stmt)

    async def pending_for(self, rep_id: int) -> Sequence[Reminder]:
        stmt = (select(ReminderRow)
                .where(ReminderRow.status == ReminderStatus.PENDING.value, ReminderRow.rep_id == rep_id)
                .order_by(ReminderRow.due_at, ReminderRow.id))
        return await self._all(stmt)
